package io.github.scratch4j.internal.io;

import java.nio.ByteBuffer;

/** Direct buffers whose address is a multiple of the page size, for the kernel to read files into. */
public final class Aligned {
  /** The alignment: a page, a multiple of any cache line or vector width. */
  public static final int PAGE = 4096;

  /** Files at least this long are worth a borrowed aligned buffer and the copy out of it. */
  public static final int WORTH = 16 << 10;
  /** Free buffers kept for the next copies: as many as usually run at once, and some. */
  private static final int KEPT = 8;
  /**
   * Buffers free to lend. Lent for the length of one file's copy rather than kept per thread: a
   * caller's executor may run each task on a thread of its own (a virtual thread per task), and a
   * direct buffer's memory returns only when the collector finds it.
   */
  private static final java.util.Queue<ByteBuffer> FREE = new java.util.concurrent.ConcurrentLinkedQueue<>();

  private Aligned() {}

  /**
   * Lends a page-aligned direct buffer of one file chunk ({@link ReadAhead#CHUNK}); {@link
   * #giveBack} it once read from.
   */
  public static ByteBuffer take() {
    ByteBuffer b = FREE.poll();
    return b != null ? b.clear() : ReadAhead.newChunk();
  }

  /** Takes back a buffer {@link #take} lent, which the caller no longer uses. */
  public static void giveBack(ByteBuffer b) {
    if (FREE.size() < KEPT) {
      FREE.offer(b);
    }
  }

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
