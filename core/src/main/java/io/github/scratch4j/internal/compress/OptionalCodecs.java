package io.github.scratch4j.internal.compress;

import io.github.scratch4j.ImageFormatException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The read-only codecs of whole-file compressions distributions ship root file systems in: xz
 * through {@code org.tukaani:xz}, bzip2 and lz4 through commons-compress. Both libraries are
 * optional dependencies: a class of theirs is touched only after {@link #require} has found it.
 */
final class OptionalCodecs {
  /** The coordinates a user adds to read xz; kept equal to the build's version by a test. */
  static final String XZ_ARTIFACT = "org.tukaani:xz:1.12";
  /** The coordinates a user adds to read bzip2 or lz4; kept equal to the build's version by a test. */
  static final String COMMONS_COMPRESS_ARTIFACT = "org.apache.commons:commons-compress:1.28.0";
  /**
   * Most memory an xz stream may ask for, in KiB: the xz header names its dictionary size, and a
   * hostile one would otherwise make the decoder allocate up to 4 GiB. {@code xz -9} needs 65 MiB.
   */
  static final int XZ_MEMORY_LIMIT_KIB = 128 << 10;

  private OptionalCodecs() {}

  static InputStream xz(InputStream in, String what) throws IOException {
    require("org.tukaani.xz.XZInputStream", "xz", XZ_ARTIFACT, what);
    return Xz.open(in);
  }

  static InputStream bzip2(InputStream in, String what) throws IOException {
    require("org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream", "bzip2",
        COMMONS_COMPRESS_ARTIFACT, what);
    return Bzip2.open(in);
  }

  static InputStream lz4(InputStream in, String what) throws IOException {
    require("org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream", "lz4",
        COMMONS_COMPRESS_ARTIFACT, what);
    return Lz4.open(in);
  }

  // One class per library, loaded only after require() found it: the verifier loads a class
  // returned as an InputStream to check that it is one, so a method that constructs it makes its
  // whole class fail to load, and with it every codec beside it, when the library is missing.

  private static final class Xz {
    static InputStream open(InputStream in) throws IOException {
      // XZInputStream also reads concatenated streams, as pixz and parallel xz may write them.
      return new org.tukaani.xz.XZInputStream(in, XZ_MEMORY_LIMIT_KIB);
    }
  }

  private static final class Bzip2 {
    static InputStream open(InputStream in) throws IOException {
      // Concatenated streams: pbzip2 and lbzip2 write one per block.
      return new org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream(in, true);
    }
  }

  private static final class Lz4 {
    static InputStream open(InputStream in) throws IOException {
      return new org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream(in, true);
    }
  }

  /**
   * Checks that {@code className} can be loaded, or fails with a message naming the file, its
   * format and the artifact to add.
   */
  static void require(String className, String format, String artifact, String what) throws ImageFormatException {
    try {
      Class.forName(className, false, OptionalCodecs.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new ImageFormatException(missingMessage(format, artifact, what), e);
    }
  }

  /** What a user reads when a codec's library is not there. */
  static String missingMessage(String format, String artifact, String what) {
    return what + " is compressed with " + format + "; reading it needs " + artifact
        + " (an optional dependency of scratch4j): add it to the application's dependencies"
        + " (on the module path, also --add-modules " + moduleOf(artifact) + ")";
  }

  private static String moduleOf(String artifact) {
    return artifact.equals(XZ_ARTIFACT) ? "org.tukaani.xz" : "org.apache.commons.compress";
  }
}
