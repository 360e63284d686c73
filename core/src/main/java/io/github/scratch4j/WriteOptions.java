package io.github.scratch4j;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * How an image or archive is written: the output format, how built layers are compressed, who
 * hears of its progress, where its layers are generated, and whether each image's SBOM is stored
 * with it.
 *
 * <p>Two options are equal when their format, compression, level and SBOM choice are, and they
 * have the same listener and executor (the same objects) or none.
 *
 * @param format the output shape; empty means: an OCI layout when the target is an existing
 *     directory, otherwise one tar file
 * @param compression how layers built by scratch4j are compressed (stored layers keep theirs)
 * @param level the compression level; empty for the codec's default (gzip 6, zstd 3)
 * @param progress the listener that hears of each blob as it is written; see {@link #withProgress}
 * @param executor where layers are generated side by side; empty for scratch4j's own threads; see
 *     {@link #withExecutor}
 * @param sbom whether each image's {@link Image#sbom() SBOM} is stored with it; see {@link #withSbom}
 */
public record WriteOptions(
    Optional<Format> format, Compression compression, OptionalInt level, Optional<Consumer<WriteEvent>> progress,
    Optional<Executor> executor, boolean sbom) {

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
   * @param progress the listener that hears of each blob as it is written; empty for none
   * @param executor where layers are generated side by side; empty for scratch4j's own threads
   * @param sbom whether each image's SBOM is stored with it
   * @throws IllegalArgumentException if a level is given that the compression does not take
   * @throws NullPointerException if an argument is null
   */
  public WriteOptions {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(executor, "executor");
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
   * Options that store no SBOM.
   *
   * @param format the output shape; empty to choose it from the target
   * @param compression how layers built by scratch4j are compressed
   * @param level the compression level; empty for the codec's default
   * @param progress the listener that hears of each blob as it is written; empty for none
   * @param executor where layers are generated side by side; empty for scratch4j's own threads
   * @throws IllegalArgumentException if a level is given that the compression does not take
   * @throws NullPointerException if an argument is null
   */
  public WriteOptions(Optional<Format> format, Compression compression, OptionalInt level,
      Optional<Consumer<WriteEvent>> progress, Optional<Executor> executor) {
    this(format, compression, level, progress, executor, false);
  }

  /**
   * Options without a progress listener.
   *
   * @param format the output shape; empty to choose it from the target
   * @param compression how layers built by scratch4j are compressed
   * @param level the compression level; empty for the codec's default
   * @throws IllegalArgumentException if a level is given that the compression does not take
   * @throws NullPointerException if an argument is null
   */
  public WriteOptions(Optional<Format> format, Compression compression, OptionalInt level) {
    this(format, compression, level, Optional.empty(), Optional.empty(), false);
  }

  /**
   * Options that generate layers on scratch4j's own threads.
   *
   * @param format the output shape; empty to choose it from the target
   * @param compression how layers built by scratch4j are compressed
   * @param level the compression level; empty for the codec's default
   * @param progress the listener that hears of each blob as it is written; empty for none
   * @throws IllegalArgumentException if a level is given that the compression does not take
   * @throws NullPointerException if an argument is null
   */
  public WriteOptions(Optional<Format> format, Compression compression, OptionalInt level,
      Optional<Consumer<WriteEvent>> progress) {
    this(format, compression, level, progress, Optional.empty(), false);
  }

  /**
   * Format chosen from the target, uncompressed layers, no progress listener, no SBOM.
   *
   * @return options with no format, {@link Compression#NONE}, no level, no listener and no SBOM
   */
  public static WriteOptions defaults() {
    return new WriteOptions(Optional.empty(), Compression.NONE, OptionalInt.empty(), Optional.empty(), Optional.empty(),
        false);
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
    return new WriteOptions(Optional.of(newFormat), compression, level, progress, executor, sbom);
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
    return new WriteOptions(format, newCompression, OptionalInt.empty(), progress, executor, sbom);
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
    return new WriteOptions(format, newCompression, OptionalInt.of(newLevel), progress, executor, sbom);
  }

  /**
   * A copy that reports each blob's progress to {@code listener} (see {@link WriteEvent}).
   *
   * <p>The listener is called on the threads that write: the caller's, and for layers built side
   * by side (into a file or an image layout) the library's own worker threads. Calls are never
   * concurrent, and each happens-after the one before, so the listener need not be thread-safe;
   * it should be quick, since the write waits for it. A blob's progress is reported at most once
   * per 50 ms across the whole write, and only once at least 0.1% of the blob (at least 64 KiB, and
   * at most 8 MiB) has been written since its last event; the final event of every blob is always
   * reported.
   *
   * <p>What the listener throws ends the write and reaches the caller as it is (a
   * {@link RuntimeException} or {@link Error} of the listener's, not wrapped); the listener is not
   * called again. A file or a new image layout is then left as any failed write leaves it: not at
   * all, and no temporary file beside it. Into an existing image layout, blobs completed before the
   * failure stay (unlisted, as after any failed write) and its {@code index.json} is unchanged. A
   * stream keeps what was written to it before the failure.
   *
   * @param listener what hears of each blob
   * @return a copy with that listener
   * @throws NullPointerException if {@code listener} is null
   */
  @CheckReturnValue
  public WriteOptions withProgress(Consumer<WriteEvent> listener) {
    return new WriteOptions(format, compression, level, Optional.of(Objects.requireNonNull(listener, "listener")),
        executor, sbom);
  }

  /**
   * A copy that generates layers side by side on the given executor instead of scratch4j's own
   * daemon threads: one task per layer to generate into a file or layout, all handed over at once,
   * which the executor may run as it sees fit (a virtual-thread executor, a build tool's worker
   * pool). It must be able to run them while the writing thread waits for them. Work inside a
   * layer (compressing its blocks, reading ahead) stays on scratch4j's own threads, so a small
   * executor cannot deadlock a write; the written bytes do not depend on it.
   *
   * @param tasks where layers are generated
   * @return a copy with that executor
   * @throws NullPointerException if {@code tasks} is null
   */
  @CheckReturnValue
  public WriteOptions withExecutor(Executor tasks) {
    return new WriteOptions(format, compression, level, progress, Optional.of(Objects.requireNonNull(tasks, "tasks")),
        sbom);
  }

  /**
   * A copy that stores each image's {@link Image#sbom() SBOM} with it, as an OCI 1.1 referrer: the
   * SPDX document as a blob, and a manifest of {@code artifactType application/spdx+json} whose
   * {@code subject} is the image's manifest (OCI image-spec 1.1, manifest.md).
   *
   * <ul>
   *   <li>In an image layout, and in the OCI side of an archive, that manifest is listed in
   *       {@code index.json} with its {@code artifactType} and no name. Tools that pick an image by
   *       its name ({@code skopeo copy oci:dir:name}, {@code umoci --image dir:name}) are not
   *       affected; one given the layout without a name finds two manifests and asks which.
   *       {@code docker load} reads the archive's {@code manifest.json}, which the SBOM is not in.
   *   <li>Pushed with {@link RegistryOptions#withLayerOptions}, the referrer is attached to each
   *       image pushed, as {@link Image#pushSbomTo} attaches it.
   * </ul>
   *
   * <p>Each file's content is read once more to compute its digests for the document. An image
   * index stores one SBOM per image. scratch4j's readers leave such artifacts out of the images
   * they read.
   *
   * @return a copy that stores SBOMs
   */
  @CheckReturnValue
  public WriteOptions withSbom() {
    return new WriteOptions(format, compression, level, progress, executor, true);
  }
}
