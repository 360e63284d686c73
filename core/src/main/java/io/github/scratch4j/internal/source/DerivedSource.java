package io.github.scratch4j.internal.source;

import io.github.scratch4j.Source;
import io.github.scratch4j.internal.io.LimitedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A byte range of another source after a transformation (such as decompression): each read
 * opens the outer source, transforms it and skips to the range. Costs a pass over what comes
 * before, so it is for ranges inside compressed data, where nothing better exists.
 */
public final class DerivedSource implements Source {
  /** Turns the outer stream into the stream the range is counted in. */
  public interface Transform {
    InputStream apply(InputStream in) throws IOException;
  }

  private final Source outer;
  private final Transform transform;
  private final long offset;
  private final long size;
  private final String description;

  /** The range [offset, offset + size) of {@code transform(outer)}. */
  public DerivedSource(Source outer, Transform transform, long offset, long size, String description) {
    this.outer = outer;
    this.transform = transform;
    this.offset = offset;
    this.size = size;
    this.description = description;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public InputStream open() throws IOException {
    InputStream in = transform.apply(outer.open());
    try {
      long toSkip = offset;
      while (toSkip > 0) {
        long k = in.skip(toSkip);
        if (k <= 0) {
          if (in.read() < 0) {
            throw new EOFException(description + " ends before offset " + offset);
          }
          k = 1;
        }
        toSkip -= k;
      }
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
    return LimitedInputStream.window(in, size);
  }

  /** Where the range starts in the transformed stream. */
  public long offset() {
    return offset;
  }

  /**
   * Whether {@code other} is a range of the same transformed stream: of the same outer source,
   * as the files of one compressed layer are.
   */
  public boolean sameStreamAs(DerivedSource other) {
    return outer == other.outer;
  }

  /**
   * The whole transformed stream from its start, to read several ranges of it in one pass (see
   * {@link #sameStreamAs}).
   */
  public InputStream openStream() throws IOException {
    return transform.apply(outer.open());
  }

  @Override
  public String toString() {
    return description;
  }
}
