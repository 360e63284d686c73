package io.github.scratch4j.internal.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.ImageFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class FileCompressionTest {
  private static FileCompression sniff(int... bytes) {
    byte[] head = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      head[i] = (byte) bytes[i];
    }
    return FileCompression.sniff(head, head.length);
  }

  @Test
  void tellsEachFormatByItsMagicBytes() {
    assertThat(sniff(0xfd, '7', 'z', 'X', 'Z', 0, 0, 4)).isEqualTo(FileCompression.XZ);
    assertThat(sniff('B', 'Z', 'h', '9', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59)).isEqualTo(FileCompression.BZIP2);
    // An empty bzip2 stream: the end-of-stream magic straight after the header.
    assertThat(sniff('B', 'Z', 'h', '1', 0x17, 0x72, 0x45, 0x38, 0x50, 0x90)).isEqualTo(FileCompression.BZIP2);
    assertThat(sniff(0x04, 0x22, 0x4d, 0x18, 0x64)).isEqualTo(FileCompression.LZ4);
    assertThat(sniff(0x1f, 0x8b, 8, 0)).isEqualTo(FileCompression.GZIP);
    assertThat(sniff(0x28, 0xb5, 0x2f, 0xfd)).isEqualTo(FileCompression.ZSTD);
    assertThat(sniff('e', 't', 'c', '/')).isEqualTo(FileCompression.NONE);
  }

  @Test
  void aNameThatOnlyStartsLikeBzip2IsNotBzip2() {
    assertThat(sniff('B', 'Z', 'h', '9', 'x', '.', 't', 'x', 't', 0)).isEqualTo(FileCompression.NONE);
    assertThat(sniff('B', 'Z', 'h')).isEqualTo(FileCompression.NONE);
  }

  @Test
  void tooFewBytesAreNoFormat() {
    assertThat(sniff(0xfd, '7', 'z')).isEqualTo(FileCompression.NONE);
    assertThat(FileCompression.sniff(new byte[0], 0)).isEqualTo(FileCompression.NONE);
  }

  @Test
  void onlyTheLayerCompressionsHaveALayerMediaType() {
    assertThat(FileCompression.GZIP.layer()).contains(io.github.scratch4j.Compression.GZIP);
    assertThat(FileCompression.XZ.layer()).isEmpty();
    assertThat(FileCompression.BZIP2.layer()).isEmpty();
    assertThat(FileCompression.LZ4.layer()).isEmpty();
  }

  @Test
  void aMissingLibraryIsAFormatErrorNamingTheFileTheFormatAndTheArtifact() {
    assertThatThrownBy(() -> OptionalCodecs.require("org.tukaani.xz.NoSuchClass", "xz",
        OptionalCodecs.XZ_ARTIFACT, "/srv/rootfs.tar.xz"))
        .isInstanceOf(ImageFormatException.class)
        .hasCauseInstanceOf(ClassNotFoundException.class)
        .hasMessage("/srv/rootfs.tar.xz is compressed with xz; reading it needs org.tukaani:xz:1.12 (an optional"
            + " dependency of scratch4j): add it to the application's dependencies (on the module path, also"
            + " --add-modules org.tukaani.xz)");
    assertThat(OptionalCodecs.missingMessage("lz4", OptionalCodecs.COMMONS_COMPRESS_ARTIFACT, "base.tar.lz4"))
        .startsWith("base.tar.lz4 is compressed with lz4; reading it needs org.apache.commons:commons-compress:")
        .endsWith("--add-modules org.apache.commons.compress)");
  }

  @Test
  void aPresentLibraryPassesTheCheck() throws Exception {
    OptionalCodecs.require("org.tukaani.xz.XZInputStream", "xz", OptionalCodecs.XZ_ARTIFACT, "f");
    OptionalCodecs.require("org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream", "lz4",
        OptionalCodecs.COMMONS_COMPRESS_ARTIFACT, "f");
  }

  @Test
  void anXzStreamThatAsksForAHugeDictionaryIsRefusedBeforeItIsAllocated() throws Exception {
    ByteArrayOutputStream xz = new ByteArrayOutputStream();
    try (var out = new org.tukaani.xz.XZOutputStream(xz, new org.tukaani.xz.LZMA2Options())) {
      out.write(new byte[1000]);
    }
    byte[] b = xz.toByteArray();
    // xz file format 1.0.4, section 3.1: the block header after the 12-byte stream header; with
    // no optional sizes (flags 0) its one filter, LZMA2 (0x21), has one property byte, the
    // dictionary size, which 36 makes 1 GiB. The header's CRC32 is rewritten to match.
    int start = 12;
    int size = ((b[start] & 0xff) + 1) * 4;
    assertThat(b[start + 1]).as("block flags").isEqualTo((byte) 0);
    assertThat(b[start + 2]).as("filter id").isEqualTo((byte) 0x21);
    b[start + 4] = 36;
    CRC32 crc = new CRC32();
    crc.update(b, start, size - 4);
    long c = crc.getValue();
    for (int i = 0; i < 4; i++) {
      b[start + size - 4 + i] = (byte) (c >>> (8 * i));
    }

    assertThatThrownBy(() -> {
      try (InputStream in = FileCompression.XZ.decompress(new ByteArrayInputStream(b), "hostile.xz")) {
        in.readAllBytes();
      }
    }).isInstanceOf(ImageFormatException.class).hasMessageContaining("hostile.xz").hasMessageContaining("memory");
  }
}
