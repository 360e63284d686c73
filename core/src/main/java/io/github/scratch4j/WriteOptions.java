package io.github.scratch4j;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How an image or archive is written: the output format and how built layers are compressed.
 *
 * @param format the output shape; empty means: an OCI layout when the target is an existing
 *     directory, otherwise one tar file
 * @param compression how layers built by scratch4j are compressed (stored layers keep theirs)
 * @param level the compression level; empty for the codec's default (gzip 6, zstd 3)
 */
public record WriteOptions(Optional<Format> format, Compression compression, OptionalInt level) {

  /** The shapes an image can be written in. */
  public enum Format {
    /** One tar that is both a docker-archive and an OCI image layout. */
    ARCHIVE,
    /** An OCI image layout directory (OCI image-spec, image-layout.md). */
    OCI_LAYOUT
  }

  /** Validates the level for the codec. */
  public WriteOptions {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(compression, "compression");
    if (level.isPresent()) {
      int l = level.getAsInt();
      boolean ok = switch (compression) {
        case NONE -> false;
        case GZIP -> l >= 0 && l <= 9;
        case ZSTD -> l >= -7 && l <= 22;
      };
      if (!ok) {
        throw new IllegalArgumentException("compression level " + l + " is not valid for " + compression);
      }
    }
  }

  /** Format chosen from the target, uncompressed layers. */
  public static WriteOptions defaults() {
    return new WriteOptions(Optional.empty(), Compression.NONE, OptionalInt.empty());
  }

  /** A copy with the given format. */
  @CheckReturnValue
  public WriteOptions withFormat(Format newFormat) {
    return new WriteOptions(Optional.of(newFormat), compression, level);
  }

  /** A copy with the given compression, at the codec's default level. */
  @CheckReturnValue
  public WriteOptions withCompression(Compression newCompression) {
    return new WriteOptions(format, newCompression, OptionalInt.empty());
  }

  /** A copy with the given compression and level. */
  @CheckReturnValue
  public WriteOptions withCompression(Compression newCompression, int newLevel) {
    return new WriteOptions(format, newCompression, OptionalInt.of(newLevel));
  }
}
