package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.scratch4j.internal.tar.TarEntry;
import io.github.scratch4j.internal.tar.TarNames;
import io.github.scratch4j.internal.tar.TarReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names in a base layer that are not UTF-8 (a Latin-1 {@code caf\xe9.txt}) are kept byte for
 * byte: they read as names of their own, never merged with a UTF-8 one, and removing one writes
 * a whiteout with the same bytes, which is what a container engine matches.
 */
class BaseLayerNamesTest {
  @TempDir Path dir;

  private static final byte[] LATIN1 = {'c', 'a', 'f', (byte) 0xe9, '.', 't', 'x', 't'};


  @Test
  void aNameThatIsNotUtf8IsItsOwnNameAndCanBeRemoved() throws IOException {
    Path rootfs = Files.write(dir.resolve("rootfs.tar"), HostileArchives.tar(TarFiles.rawFile(LATIN1, "latin-1\n".getBytes(
        StandardCharsets.US_ASCII)), TarFiles.rawFile("café.txt".getBytes(StandardCharsets.UTF_8), "utf-8\n".getBytes(
            StandardCharsets.US_ASCII))));
    Image base = Image.from(rootfs);
    String latin1 = "/caf\uDCE9.txt";
    // Decoded as Latin-1, both were "/café.txt": one hid the other.
    assertThat(base.fileSystem()).containsKeys(latin1, "/café.txt");
    assertThat(base.layers().get(0).file(latin1).orElseThrow().source().readAllBytes())
        .isEqualTo("latin-1\n".getBytes(StandardCharsets.US_ASCII));

    Path out = dir.resolve("out.tar");
    base.remove(latin1).writeTo(out);
    Image read = Image.from(out);
    assertThat(read.fileSystem()).doesNotContainKey(latin1).containsKey("/café.txt");

    // The whiteout in the new layer has the base's bytes, as an engine compares names.
    Layer top = read.layers().get(1);
    byte[] blob = top.blobContent().orElseThrow().readAllBytes();
    List<byte[]> names = new ArrayList<>();
    try (TarReader r = new TarReader(new ByteArrayInputStream(blob), "top layer")) {
      Optional<TarEntry> e;
      while ((e = r.next()).isPresent()) {
        names.add(TarNames.encode(e.get().name()));
      }
    }
    byte[] whiteout = new byte[4 + LATIN1.length];
    System.arraycopy(".wh.".getBytes(StandardCharsets.US_ASCII), 0, whiteout, 0, 4);
    System.arraycopy(LATIN1, 0, whiteout, 4, LATIN1.length);
    assertThat(names).anySatisfy(n -> assertThat(n).isEqualTo(whiteout));
  }

  @Test
  void aRefusalNamesTheBytesThatAreNotUtf8() throws IOException {
    byte[] escaping = new byte[LATIN1.length + 3];
    System.arraycopy("../".getBytes(StandardCharsets.US_ASCII), 0, escaping, 0, 3);
    System.arraycopy(LATIN1, 0, escaping, 3, LATIN1.length);
    Path rootfs = Files.write(dir.resolve("bad.tar"), HostileArchives.tar(TarFiles.rawFile(escaping, new byte[1])));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Image.from(rootfs))
        .isInstanceOf(ImageFormatException.class).hasMessageContaining("'../caf\\xe9.txt'");
  }
}
