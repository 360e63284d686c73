package io.github.scratch4j.internal.source;

import io.github.scratch4j.Source;

/** Content stored as it is, so that a range of it is a source of its own without decompressing. */
public interface SubRegions extends Source {
  /** The {@code length} bytes at {@code start} of this content. */
  Source sub(long start, long length);
}
