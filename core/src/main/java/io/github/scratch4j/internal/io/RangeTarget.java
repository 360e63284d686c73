package io.github.scratch4j.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A file target whose next bytes can be set aside and then filled positionally from any thread,
 * so that a source file's content is written into its range by one thread while another hashes it.
 */
interface RangeTarget {
  /** Writes out what is buffered and sets aside the next {@code size} bytes; returns their offset. */
  long reserve(long size) throws IOException;

  /** Writes all of {@code bytes} at file offset {@code at}; safe from any thread. */
  void writeAt(ByteBuffer bytes, long at) throws IOException;

  /** The thread and buffers that copy source files into this target. */
  ReadAhead readAhead();
}
