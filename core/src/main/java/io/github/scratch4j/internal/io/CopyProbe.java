package io.github.scratch4j.internal.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A test seam: lets a test act at fixed points of copying a source file into an archive (truncate
 * the file before a chunk of it is read, say), so that races with a changing source are tested
 * deterministically on the real paths, read ahead by a copier thread or read by the writing
 * thread. Unset, it costs one volatile read per point, and a point is passed at most once per
 * 256 KiB.
 */
public final class CopyProbe {
  /** Where a copy is. */
  public enum Point {
    /** The source file is open and its size checked; nothing is copied yet. */
    OPENED,
    /**
     * A chunk of the file, at the given offset, is about to be read: by the copier thread that
     * reads ahead into a file target, elsewhere by the writing thread.
     */
    CHUNK_READ,
    /** Every byte was copied; the file is about to be checked again. */
    COPIED
  }

  /** Called at each point, on the thread doing that part of the copy. */
  @FunctionalInterface
  public interface Listener {
    /** Acts at {@code point} of copying {@code file}; {@code offset} is the chunk's, else 0. */
    void at(Point point, Path file, long offset) throws IOException;
  }

  private static volatile Listener listener;

  private CopyProbe() {}

  /** Installs the listener (tests only); {@code null} removes it. */
  public static void install(Listener l) {
    listener = l;
  }

  /** Tells the listener, if any. */
  public static void at(Point point, Path file, long offset) throws IOException {
    Listener l = listener;
    if (l != null) {
      l.at(point, file, offset);
    }
  }
}
