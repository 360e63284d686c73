package io.github.scratch4j.internal.tar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.internal.tar.TarHeader.Fields;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reader and the writer speak of entry types in one vocabulary. */
class TarTypeTest {
  @Test
  void everyTypeTheWriterWritesReadsBackAsItself() throws Exception {
    List<TarType> written = Arrays.stream(TarType.values()).filter(t -> t != TarType.OTHER).toList();
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    for (TarType t : written) {
      String name = t == TarType.DIRECTORY ? "d/" : t.name().toLowerCase(java.util.Locale.ROOT);
      String link = t == TarType.SYMLINK || t == TarType.HARDLINK ? "target" : "";
      tar.writeBytes(TarHeader.encode(new Fields(name, t, 0644, 0, 0, 0, 1, link, 0, 0)));
    }
    tar.writeBytes(new byte[1024]);

    List<TarType> read = TarReaderHostileInputTest.readAll(tar.toByteArray()).stream().map(TarEntry::type).toList();

    assertThat(read).isEqualTo(written);
  }

  @Test
  void aVendorTypeReadsAsOtherAndCannotBeWritten() throws Exception {
    byte[] tar = TarReaderHostileInputTest.tar(TarReaderHostileInputTest.rawHeader("vendor", 'V', "0"));

    assertThat(TarReaderHostileInputTest.readAll(tar)).extracting(TarEntry::type).containsExactly(TarType.OTHER);
    assertThatThrownBy(() -> new Fields("vendor", TarType.OTHER, 0644, 0, 0, 0, 1, "", 0, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vendor");
  }
}
