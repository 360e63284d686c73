package io.github.scratch4j.internal.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GoBuildInfoTest {
  private static final byte[] MARKER = new byte[16];

  /** A binary's bytes with the inline build information at offset 64: header, then two uvarint strings. */
  private static byte[] binary(int flags, byte[]... strings) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[64]);
    b.writeBytes("\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1));
    b.write(8);
    b.write(flags);
    b.writeBytes(new byte[16]);
    for (byte[] s : strings) {
      b.writeBytes(s);
    }
    b.writeBytes(new byte[100]);
    return b.toByteArray();
  }

  private static byte[] uvarintString(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    long n = bytes.length;
    while (n >= 0x80) {
      b.write((int) (n & 0x7f) | 0x80);
      n >>>= 7;
    }
    b.write((int) n);
    b.writeBytes(bytes);
    return b.toByteArray();
  }

  @Test
  void theInlineFormReadsAsGoVersionMPrintsIt() {
    String modinfo = new String(MARKER, StandardCharsets.ISO_8859_1) + "path\texample.com/app\n"
        + "mod\texample.com/app\t(devel)\t\n" + "dep\texample.com/dep\tv1.2.3\th1:abc=\n" + "=>\t../dep\t\t\n"
        + "build\tCGO_ENABLED=0\n" + new String(MARKER, StandardCharsets.ISO_8859_1);
    Optional<GoBuildInfo> info = GoBuildInfo.find(binary(2, uvarintString("go1.19.8"), uvarintString(modinfo)));
    assertThat(info).hasValueSatisfying(i -> {
      assertThat(i.goVersion()).isEqualTo("go1.19.8");
      assertThat(i.path()).isEqualTo("example.com/app");
      assertThat(i.main()).hasValueSatisfying(m -> assertThat(m.version()).isEqualTo("(devel)"));
      assertThat(i.deps()).singleElement().satisfies(d -> {
        assertThat(d.path()).isEqualTo("example.com/dep");
        assertThat(d.version()).isEqualTo("v1.2.3");
        assertThat(d.replacement()).hasValueSatisfying(r -> assertThat(r.path()).isEqualTo("../dep"));
      });
    });
  }

  @Test
  void brokenOrOldFormsGiveNothingRatherThanFail() {
    // The pointer form of Go before 1.18 (flag bit 2 clear) is not read.
    assertThat(GoBuildInfo.find(binary(0, uvarintString("go1.17"), uvarintString("x")))).isEmpty();
    // A length past the end, or past the 1 MiB cap; a uvarint that never ends.
    assertThat(GoBuildInfo.find(binary(2, new byte[] {(byte) 0xff, (byte) 0xff, 0x7f}))).isEmpty();
    assertThat(GoBuildInfo.find(binary(2, uvarintString("x".repeat((1 << 20) + 1))))).isEmpty();
    byte[] endless = new byte[20];
    java.util.Arrays.fill(endless, (byte) 0x80);
    assertThat(GoBuildInfo.find(binary(2, endless))).isEmpty();
    assertThat(GoBuildInfo.find(new byte[] {0x7f, 'E', 'L', 'F'})).isEmpty();
  }
}
