package io.github.scratch4j.internal.io;

import java.nio.ByteBuffer;

/** Direct buffers whose address is a multiple of the page size, for the kernel to read files into. */
public final class Aligned {
  /** The alignment: a page, a multiple of any cache line or vector width. */
  public static final int PAGE = 4096;

  private Aligned() {}

  /**
   * A direct buffer of {@code size} bytes starting at a page boundary. {@link
   * ByteBuffer#allocateDirect} returns what {@code malloc} does, which for a large buffer is 16 bytes
   * past a page boundary; on an AMD EPYC of this project's machines the kernel's copy of a file's
   * cached pages into such a buffer (a {@code read}) ran 4-5 times slower than into an aligned one:
   * 512 MiB in 256 KiB reads took 242-328 ms against 61-67 ms, 1.44-1.64 s of system time against
   * 0.35 (from 32 bytes past a boundary on, no slower than aligned). Writes from it were not slower.
   */
  public static ByteBuffer direct(int size) {
    // alignedSlice keeps whole pages only: room for the size rounded up, and a page to align in.
    int pages = (size + PAGE - 1) & -PAGE;
    return ByteBuffer.allocateDirect(pages + PAGE).alignedSlice(PAGE).limit(size).slice();
  }
}
