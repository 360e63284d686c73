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

  /**
   * Validates the level for the codec.
   *
   * @param format the output shape; empty means: an OCI layout when the target is an existing
   *     directory, otherwise one tar file
   * @param compression how layers built by scratch4j are compressed (stored layers keep theirs)
   * @param level the compression level: gzip 0 to 9, zstd -7 to 22, none for
   *     {@link Compression#NONE}; empty for the codec's default (gzip 6, zstd 3)
   * @throws IllegalArgumentException if a level is given that the compression does not take
   * @throws NullPointerException if an argument is null
   */
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

  /**
   * Format chosen from the target, uncompressed layers.
   *
   * @return options with no format, {@link Compression#NONE} and no level
   */
  public static WriteOptions defaults() {
    return new WriteOptions(Optional.empty(), Compression.NONE, OptionalInt.empty());
  }

  /**
   * A copy with the given format.
   *
   * @param newFormat the output shape, whatever the target is
   * @return a copy with that format
   * @throws NullPointerException if {@code newFormat} is null
   */
  @CheckReturnValue
  public WriteOptions withFormat(Format newFormat) {
    return new WriteOptions(Optional.of(newFormat), compression, level);
  }

  /**
   * A copy with the given compression, at the codec's default level.
   *
   * @param newCompression how built layers are compressed
   * @return a copy with that compression and no level
   * @throws NullPointerException if {@code newCompression} is null
   */
  @CheckReturnValue
  public WriteOptions withCompression(Compression newCompression) {
    return new WriteOptions(format, newCompression, OptionalInt.empty());
  }

  /**
   * A copy with the given compression and level.
   *
   * @param newCompression how built layers are compressed; not {@link Compression#NONE}
   * @param newLevel the level: gzip 0 to 9, zstd -7 to 22
   * @return a copy with that compression and level
   * @throws IllegalArgumentException if the compression does not take that level
   * @throws NullPointerException if {@code newCompression} is null
   */
  @CheckReturnValue
  public WriteOptions withCompression(Compression newCompression, int newLevel) {
    return new WriteOptions(format, newCompression, OptionalInt.of(newLevel));
  }
}
