package io.github.scratch4j;

/** How layers built by scratch4j are compressed when written. Stored layers keep theirs. */
public enum Compression {
  /** Uncompressed tar: the fastest to write and to load; the default for archives. */
  NONE,
  /** gzip, the media type every registry and loader accepts. */
  GZIP,
  /**
   * zstd (the OCI {@code +zstd} media type): smaller and faster than gzip, but not every loader
   * takes it (see the README). Needs {@code com.github.luben:zstd-jni} on the class path.
   */
  ZSTD
}
