package io.github.scratch4j.internal.tar;

import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.Source;
import io.github.scratch4j.internal.io.ArrayReadInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Where the stored bytes of a GNU sparse file go in the file it stands for: data segments in
 * increasing order, holes (zeros) between and after them (GNU tar manual, "Storing Sparse Files";
 * formats old GNU, pax 0.0, 0.1 and 1.0). {@link TarReader} checks every number before it makes
 * one: segments in order without overlap, inside the real size, their lengths adding up to the
 * stored bytes.
 */
public final class SparseMap {
  /** How a tar stores a sparse file (GNU tar manual, "Storing Sparse Files"). */
  public enum Format {
    /** Type 'S' with the map in the header and extension blocks. */
    OLD_GNU,
    /** pax records GNU.sparse.offset and GNU.sparse.numbytes, repeated. */
    PAX_0_0,
    /** The pax record GNU.sparse.map. */
    PAX_0_1,
    /** The map at the start of the entry's content. */
    PAX_1_0
  }

  private final Format format;
  private final long[] segments;
  private final long realSize;
  private final long storedSize;

  /**
   * @param format how the tar stores it
   * @param segments offset, length, offset, length, ... (checked by the caller)
   * @param realSize the size of the file the holes are expanded into
   * @param storedSize the sum of the lengths: the bytes the tar stores
   */
  SparseMap(Format format, long[] segments, long realSize, long storedSize) {
    this.format = format;
    this.segments = segments;
    this.realSize = realSize;
    this.storedSize = storedSize;
  }

  /** How the tar stores the file. */
  public Format format() {
    return format;
  }

  /** The size of the expanded file. */
  public long realSize() {
    return realSize;
  }

  /** The bytes the tar stores for it: its data segments, one after the other. */
  public long storedSize() {
    return storedSize;
  }

  /** The number of data segments. */
  public int segments() {
    return segments.length / 2;
  }

  /** Where data segment {@code i} goes in the expanded file. */
  public long offset(int i) {
    return segments[2 * i];
  }

  /** How long data segment {@code i} is. */
  public long length(int i) {
    return segments[2 * i + 1];
  }

  /**
   * The expanded file, from {@code stored}, the stored data segments one after the other; closing
   * it closes {@code stored}.
   *
   * @param what names the entry in messages
   */
  public InputStream expand(InputStream stored, String what) {
    return new Expanded(stored, what);
  }

  /** The expanded file as a source, reading the stored segments from {@code stored}. */
  public Source source(Source stored, String what) {
    return new Source() {
      @Override
      public long size() {
        return realSize;
      }

      @Override
      public InputStream open() throws IOException {
        return expand(stored.open(), what);
      }

      @Override
      public String toString() {
        return what + " (sparse: " + segments() + " data segments, " + storedSize + " of " + realSize
            + " bytes stored)";
      }
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SparseMap m && format == m.format && realSize == m.realSize
        && Arrays.equals(segments, m.segments);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(realSize) * 31 + Arrays.hashCode(segments);
  }

  @Override
  public String toString() {
    return "SparseMap[" + format + ", " + segments() + " segments, " + storedSize + " of " + realSize + " bytes stored]";
  }

  /** Zeros for the holes, the stored bytes for the segments, each byte once. */
  private final class Expanded extends ArrayReadInputStream {
    private final InputStream stored;
    private final String what;
    private long position;
    private int segment;

    Expanded(InputStream stored, String what) {
      this.stored = stored;
      this.what = what;
    }

    /** The current segment's index after passing every segment that ends at or before the position. */
    private void advance() {
      while (segment < segments() && position >= offset(segment) + length(segment)) {
        segment++;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (position >= realSize) {
        return -1;
      }
      advance();
      if (segment < segments() && position >= offset(segment)) {
        long end = offset(segment) + length(segment);
        int n = stored.read(b, off, (int) Math.min(len, end - position));
        if (n < 0) {
          throw new ImageFormatException(what + ": the stored data of the sparse file ends at byte " + position
              + " of " + realSize + ", inside a data segment");
        }
        position += n;
        return n;
      }
      long holeEnd = segment < segments() ? offset(segment) : realSize;
      int n = (int) Math.min(len, holeEnd - position);
      Arrays.fill(b, off, off + n, (byte) 0);
      position += n;
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = 0;
      while (skipped < n && position < realSize) {
        advance();
        long step;
        if (segment < segments() && position >= offset(segment)) {
          long want = Math.min(n - skipped, offset(segment) + length(segment) - position);
          step = stored.skip(want);
          if (step <= 0) {
            if (stored.read() < 0) {
              throw new ImageFormatException(what + ": the stored data of the sparse file ends at byte "
                  + position + " of " + realSize + ", inside a data segment");
            }
            step = 1;
          }
        } else {
          long holeEnd = segment < segments() ? offset(segment) : realSize;
          step = Math.min(n - skipped, holeEnd - position);
        }
        position += step;
        skipped += step;
      }
      return skipped;
    }

    @Override
    public int available() {
      return 0;
    }

    @Override
    public void close() throws IOException {
      stored.close();
    }
  }
}
