package io.github.scratch4j.internal.compress;

import io.github.scratch4j.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * How a whole file (an archive tar or a root file system tarball) is compressed: a layer
 * compression, or one of those distributions ship root file systems in, which scratch4j reads
 * but never writes and which no layer media type names. Told by the file's first bytes, never its
 * name.
 */
public enum FileCompression {
  NONE(Compression.NONE),
  GZIP(Compression.GZIP),
  ZSTD(Compression.ZSTD),
  XZ(null),
  BZIP2(null),
  LZ4(null);

  /** Bytes {@link #sniff} looks at. */
  public static final int HEAD = 10;

  private final Compression layer;

  FileCompression(Compression layer) {
    this.layer = layer;
  }

  /** The layer compression this is, if a layer media type names it. */
  public Optional<Compression> layer() {
    return Optional.ofNullable(layer);
  }

  /** The compression the first {@code length} bytes of a file show. */
  public static FileCompression sniff(byte[] head, int length) {
    // xz file format 1.0.4, section 2.1.1.1: the stream header magic FD 37 7A 58 5A 00.
    if (starts(head, length, 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) {
      return XZ;
    }
    // lz4 frame format, "Magic Number": 0x184D2204, little-endian. The legacy format (lz4 -l) is not read.
    if (starts(head, length, 0x04, 0x22, 0x4d, 0x18)) {
      return LZ4;
    }
    if (bzip2(head, length)) {
      return BZIP2;
    }
    return switch (Codecs.sniff(head, length)) {
      case NONE -> NONE;
      case GZIP -> GZIP;
      case ZSTD -> ZSTD;
    };
  }

  /**
   * "BZh" and a block size digit, then a block's magic (the BCD digits of pi) or, for an empty
   * stream, the end-of-stream magic (those of sqrt(pi)): ten bytes, so that a plain tar whose
   * first name starts with "BZh1" is not taken for bzip2.
   */
  private static boolean bzip2(byte[] head, int length) {
    if (!starts(head, length, 'B', 'Z', 'h') || length < 4 || head[3] < '1' || head[3] > '9') {
      return false;
    }
    byte[] rest = java.util.Arrays.copyOfRange(head, 4, length);
    return starts(rest, rest.length, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59)
        || starts(rest, rest.length, 0x17, 0x72, 0x45, 0x38, 0x50, 0x90);
  }

  private static boolean starts(byte[] head, int length, int... magic) {
    if (length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((head[i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Decompresses input that came from outside ({@code what} names it): corrupt or truncated data
   * fails with an {@link io.github.scratch4j.ImageFormatException} naming {@code what}, as does a
   * missing optional library, naming the artifact to add.
   */
  public InputStream decompress(InputStream in, String what) throws IOException {
    return switch (this) {
      case NONE, GZIP, ZSTD -> Codecs.decompress(layer, in, what);
      case XZ -> Codecs.checked("xz", in, what, raw -> OptionalCodecs.xz(raw, what));
      case BZIP2 -> Codecs.checked("bzip2", in, what, raw -> OptionalCodecs.bzip2(raw, what));
      case LZ4 -> Codecs.checked("lz4", in, what, raw -> OptionalCodecs.lz4(raw, what));
    };
  }
}
