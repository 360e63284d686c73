package io.github.scratch4j.internal.compress;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import io.github.scratch4j.internal.exec.Threads;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes one gzip member (RFC 1952) whose deflate stream is compressed in blocks on several
 * threads, the way pigz does: each block is primed with the previous block's last 32 KiB as its
 * dictionary and ends with a sync flush (an empty stored block that aligns it to a byte), so the
 * blocks' outputs join into one valid deflate stream (RFC 1951). The CRC-32 and length are
 * computed over the input as it arrives. The output depends only on the input, the level and the
 * block size, never on the number of threads.
 *
 * <p>A task compresses {@value #BLOCKS_PER_TASK} consecutive blocks and hands their outputs on as
 * one piece: the bytes are those of one task per block, while every stage downstream (the hash,
 * the cache, the socket) is called a third as often, which on a short-lived JVM is JIT work not
 * done. A task's arrays (384 KiB of input, a third of that as output, grown when a block
 * compresses poorly) stay under half of G1's smallest region, 1 MiB, with which a 64 MiB heap is
 * laid out: an array of half a region or more takes whole regions of its own, and three layers
 * pushed side by side with 512 KiB tasks ran such a heap out of memory.
 *
 * <p>A block whose bytes look random (already compressed or encrypted data: an order-0 entropy
 * above {@value #STORE_ABOVE} bits per byte) is written as stored blocks without trying to
 * compress it. zlib would store such a block too, or save at most a fraction of a percent, after
 * spending most of its time failing to find matches. A task whose blocks are all stored is written
 * from its input, with the blocks' 5-byte headers between, so such data is not copied here at all.
 */
public final class ParallelGzipOutputStream extends OutputStream {
  /** Deflate's window: the most a match can reach back (RFC 1951 section 3.2.5). */
  static final int DICTIONARY = 32 << 10;
  /** Order-0 entropy, in bits per byte, above which a block is stored rather than compressed. */
  static final double STORE_ABOVE = 7.99;
  /** Blocks shorter than this are always compressed: their entropy says little. */
  private static final int MIN_STORED = 16 << 10;
  /** The bytes at a block's start counted first. */
  private static final int FIRST = 8 << 10;
  /** How many windows of a block's rest are sampled for its entropy. */
  private static final int SAMPLES = 16;
  /** The bytes in each sampled window (a multiple of 4). */
  private static final int WINDOW = 512;
  /** Longest stored block (RFC 1951 section 3.2.4: LEN is 16 bits). */
  private static final int MAX_STORED = 65535;
  /** Blocks compressed by one task and written as one piece. */
  static final int BLOCKS_PER_TASK = 3;

  private final OutputStream out;
  private final int level;
  private final ExecutorService pool;
  private final int maxInFlight;
  private final int blockSize;
  private final int taskSize;
  private final CRC32 crc = new CRC32();
  /**
   * The tasks submitted and not yet written, in order. Once a second task is submitted, a
   * thread of {@link #WRITERS} writes them to {@code out} as they are done (and hashes them, when
   * {@code out} does), beside the thread that feeds this stream; a one-task stream is written by
   * the thread that finishes it.
   */
  private final BlockingQueue<Future<Compressed>> inFlight = new LinkedBlockingQueue<>();
  /** Room for tasks in flight: taken by a submit, given back when the task's output is written. */
  private final Semaphore room;
  /** Done when the writing thread has written the last task's output, or failed. */
  private final CompletableFuture<Void> written = new CompletableFuture<>();
  private Future<?> writer;
  private static final Future<Compressed> END = CompletableFuture.completedFuture(null);
  private static final ExecutorService WRITERS = Threads.cached("scratch4j-gzip-out");
  /**
   * Arrays done with, used again: a layer of any size then costs a few blocks' worth of memory
   * instead of its size in garbage, which a JVM with a default heap repays in resident memory.
   * Inputs and dictionaries are taken by the feeding thread and returned by the writing one;
   * outputs are taken by the compressing threads.
   */
  private final Deque<byte[]> freeInputs = new ConcurrentLinkedDeque<>();
  private final Deque<byte[]> freeDictionaries = new ConcurrentLinkedDeque<>();
  private final java.util.Queue<byte[]> freeOutputs = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /**
   * A task's compressed blocks, with the arrays they were made from, to be used again once written;
   * a task stored whole has no output array, and its length is its input's.
   */
  private record Compressed(byte[] input, byte[] dictionary, byte[] output, int length) {}
  private final ThreadLocal<Deflater> deflaters;
  /**
   * The next task's input, filled up to {@link #filled}: one block long at first, then
   * {@link #BLOCKS_PER_TASK} blocks once the stream has had more than one.
   */
  private byte[] input;
  private int filled;
  private byte[] dictionary;
  private long length;
  private boolean finished;

  /**
   * Compresses into {@code out}, which this stream does not close.
   *
   * @param blockSize the uncompressed size of each block
   * @param threads how many blocks may be compressed at once
   */
  public ParallelGzipOutputStream(OutputStream out, int level, int blockSize, ExecutorService pool, int threads)
      throws IOException {
    if (blockSize < DICTIONARY) {
      throw new IllegalArgumentException("block size " + blockSize + " is smaller than the 32 KiB dictionary");
    }
    this.out = out;
    this.level = level;
    this.pool = pool;
    int workers = Math.max(1, threads);
    // Two tasks per thread keep every thread busy while the writer catches up; on many
    // processors, one each and one more, so that the memory in flight stays a few MiB.
    this.maxInFlight = Math.max(workers + 1, Math.min(2 * workers, 8));
    this.room = new Semaphore(maxInFlight);
    this.blockSize = blockSize;
    this.taskSize = blockSize * BLOCKS_PER_TASK;
    // One block to begin with: a small layer does not pay for a whole task's array.
    this.input = new byte[blockSize];
    this.deflaters = ThreadLocal.withInitial(() -> new Deflater(level, true));
    out.write(GzipOutputStream.HEADER);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (finished) {
      throw new IOException("the gzip stream is finished");
    }
    crc.update(b, off, len);
    length += len;
    while (len > 0) {
      int n = Math.min(len, input.length - filled);
      System.arraycopy(b, off, input, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == taskSize) {
        submit(false);
      } else if (filled == input.length) {
        input = Arrays.copyOf(input, taskSize);
      }
    }
  }

  /**
   * Hands the filled input to a task. Only the last task (from {@link #finish}) is short; the
   * others are whole blocks, so the next task's first block is primed with the last 32 KiB of
   * this one's.
   */
  private void submit(boolean last) throws IOException {
    takeRoom();
    byte[] task = input;
    byte[] dict = dictionary;
    int taskLength = filled;
    inFlight.add(pool.submit(() -> compress(task, taskLength, dict, last)));
    if (writer == null && !last) {
      writer = WRITERS.submit(this::writeInTurn);
    }
    if (last) {
      return;
    }
    byte[] next = freeDictionaries.poll();
    next = next != null ? next : new byte[DICTIONARY];
    System.arraycopy(task, taskLength - DICTIONARY, next, 0, DICTIONARY);
    dictionary = next;
    byte[] free = freeInputs.poll();
    input = free != null ? free : new byte[taskSize];
    filled = 0;
  }

  /** Waits for room for one more block, or throws the writing thread's failure. */
  private void takeRoom() throws IOException {
    try {
      do {
        if (written.isDone()) {
          written.join();
        }
      } while (!room.tryAcquire(100, TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing");
    } catch (CompletionException e) {
      throw asIOException(e.getCause());
    }
  }

  /** The writing thread: writes blocks in order until the end, then says it is done. */
  private void writeInTurn() {
    try {
      for (Future<Compressed> next = inFlight.take(); next != END; next = inFlight.take()) {
        writeOne(next);
      }
      written.complete(null);
    } catch (Throwable t) {
      written.completeExceptionally(t);
      inFlight.forEach(f -> f.cancel(true));
    }
  }

  private static IOException asIOException(Throwable t) {
    return t instanceof IOException io ? io : new IOException("writing compressed blocks failed: " + t, t);
  }

  /**
   * Compresses a task's blocks one after the other into one output: its whole blocks, then, in
   * the last task, the rest (empty when the input ends on a block's edge) as the final block.
   * Each block is what compressing it alone gives, primed with the 32 KiB before it.
   */
  private Compressed compress(byte[] task, int taskLength, byte[] dict, boolean last) {
    int whole = taskLength / blockSize;
    // Only the last task is short; it ends with the rest, empty or not, as the final block.
    int blocks = last ? whole + 1 : whole;
    boolean[] random = new boolean[blocks];
    boolean allRandom = true;
    for (int b = 0; b < blocks; b++) {
      int at = b * blockSize;
      random[b] = level != Deflater.NO_COMPRESSION && looksRandom(task, at, Math.min(blockSize, taskLength - at));
      allRandom &= random[b];
    }
    if (allRandom && !last) {
      // Stored whole: written from the input itself with the blocks' headers between (writeStored).
      return new Compressed(task, dict, null, taskLength);
    }
    byte[] out = freeOutputs.poll();
    if (out == null) {
      out = new byte[taskLength / 3 + 64];
    }
    int length = 0;
    for (int b = 0; b < blocks; b++) {
      int at = b * blockSize;
      int n = Math.min(blockSize, taskLength - at);
      boolean end = b == whole;
      if (random[b]) {
        int size = storedSize(n);
        out = roomFor(out, length, size);
        stored(task, at, n, end, out, length);
        length += size;
        continue;
      }
      Deflater d = deflaters.get();
      d.reset();
      if (at > 0) {
        d.setDictionary(task, at - DICTIONARY, DICTIONARY);
      } else if (dict != null) {
        d.setDictionary(dict);
      }
      d.setInput(task, at, n);
      // Deflated straight into an output array used again once written (grown when a block
      // compresses poorly), not into a new one per task: the garbage would be a third of the input
      // and more. zlib's output does not depend on how its output space is cut up.
      if (end) {
        d.finish();
        while (!d.finished()) {
          out = roomIn(out, length);
          length += d.deflate(out, length, out.length - length, Deflater.NO_FLUSH);
        }
      } else {
        // SYNC_FLUSH until the output space is not filled: then everything is out, byte-aligned.
        int written;
        int room;
        do {
          out = roomIn(out, length);
          room = out.length - length;
          written = d.deflate(out, length, room, Deflater.SYNC_FLUSH);
          length += written;
        } while (written == room || !d.needsInput());
      }
    }
    return new Compressed(task, dict, out, length);
  }

  /** {@code out}, or a larger copy of it when its first {@code used} bytes fill it. */
  private static byte[] roomIn(byte[] out, int used) {
    return roomFor(out, used, 1);
  }

  /** {@code out}, or a larger copy of it when it has no room for {@code needed} bytes after its first {@code used}. */
  private static byte[] roomFor(byte[] out, int used, int needed) {
    return out.length - used >= needed ? out
        : Arrays.copyOf(out, Math.max(used + needed, Math.max(64 << 10, out.length * 2)));
  }

  /**
   * Whether the block's order-0 entropy is above {@link #STORE_ABOVE}: judged on its first 8 KiB,
   * which settles text and code at once, then on those and {@value #SAMPLES} windows of
   * {@value #WINDOW} bytes spread evenly over the rest, so a block that is random only in part
   * shows it in proportion. The estimate from 16 KiB of samples carries the Miller-Madow
   * correction: the plain estimate falls short of the true entropy by about (values seen - 1) /
   * (2 samples ln 2) bits, 0.011 bits for random bytes here, more than the margin that matters;
   * corrected, it strays by about 0.001 bits.
   * {@link StrictMath} keeps the verdict, and so the output, the same on every JVM.
   */
  static boolean looksRandom(byte[] input, int length) {
    return looksRandom(input, 0, length);
  }

  /** {@link #looksRandom(byte[], int)} of the {@code length} bytes at {@code from}. */
  static boolean looksRandom(byte[] input, int from, int length) {
    if (length < MIN_STORED) {
      return false;
    }
    int[] counts = new int[256];
    count(counts, input, from, from + FIRST);
    if (entropy(counts, FIRST) < STORE_ABOVE - 0.2) {
      return false;
    }
    int counted = FIRST;
    int rest = length - FIRST;
    if (rest >= SAMPLES * WINDOW) {
      long stride = rest / SAMPLES;
      for (int w = 0; w < SAMPLES; w++) {
        int at = from + FIRST + (int) (w * stride);
        count(counts, input, at, at + WINDOW);
      }
      counted += SAMPLES * WINDOW;
    }
    int seen = 0;
    for (int c : counts) {
      seen += c > 0 ? 1 : 0;
    }
    double correction = (seen - 1) / (2.0 * counted * Logs.LN[2]);
    return entropy(counts, counted) + correction > STORE_ABOVE;
  }

  /**
   * Counts each byte value in {@code input[from..to)}: one table and a plain loop, which C2
   * compiles small and fast. The bytes that get here look random, so neighbours rarely hit the
   * same count, which is what four tables summed after would have avoided. Measured against four
   * tables: a random 128 KiB block judged in 8 µs against 24 µs once compiled (the block in
   * cache), C2's time on this class during a 512 MiB gzip push 67-95 ms against 164-234 ms, and
   * no difference on 64 MiB compressed on one thread (CompressionBenchmark).
   */
  private static void count(int[] counts, byte[] input, int from, int to) {
    for (int i = from; i < to; i++) {
      counts[input[i] & 0xff]++;
    }
  }

  private static double entropy(int[] counts, int total) {
    double sum = 0;
    for (int c : counts) {
      if (c > 0) {
        sum += c * Logs.LN[c];
      }
    }
    return (Logs.LN[total] - sum / total) / Logs.LN[2];
  }

  /** Natural logarithms of the counts a sample can reach, made once. */
  private static final class Logs {
    static final double[] LN = new double[FIRST + SAMPLES * WINDOW + 1];

    static {
      for (int i = 1; i < LN.length; i++) {
        LN[i] = StrictMath.log(i);
      }
    }
  }

  /** The size of {@code length} bytes as stored blocks. */
  private static int storedSize(int length) {
    return length + 5 * Math.max(1, (length + MAX_STORED - 1) / MAX_STORED);
  }

  /**
   * The {@code length} bytes at {@code from} as stored deflate blocks (RFC 1951 section 3.2.4),
   * {@link #storedSize} bytes written at {@code at}: a header byte (BFINAL on the last one of the
   * stream, BTYPE 00; the stream is byte-aligned here, so the padding is in the byte), LEN and its
   * complement NLEN, little-endian, then the bytes. Byte-aligned at the end, like a sync flush.
   */
  private static void stored(byte[] input, int from, int length, boolean last, byte[] out, int at) {
    int pieces = Math.max(1, (length + MAX_STORED - 1) / MAX_STORED);
    for (int p = 0, off = from; p < pieces; p++) {
      int n = Math.min(MAX_STORED, from + length - off);
      storedHeader(out, at, n, last && p == pieces - 1);
      at += 5;
      System.arraycopy(input, off, out, at, n);
      at += n;
      off += n;
    }
  }

  /** A stored block's 5-byte header (see {@link #stored}) for {@code n} bytes, at {@code at}. */
  private static void storedHeader(byte[] out, int at, int n, boolean last) {
    out[at] = (byte) (last ? 1 : 0);
    out[at + 1] = (byte) n;
    out[at + 2] = (byte) (n >>> 8);
    out[at + 3] = (byte) ~n;
    out[at + 4] = (byte) (~n >>> 8);
  }

  /**
   * Writes a task whose blocks are all stored, none of them the last of the stream: what {@link
   * #stored} would make of each block, written from the input without that copy.
   */
  private void writeStored(byte[] input, int length) throws IOException {
    byte[] header = new byte[5];
    // Whole blocks only (the last task, which ends short, is never stored whole).
    for (int from = 0; from < length; from += blockSize) {
      int end = from + blockSize;
      for (int off = from; off < end; off += MAX_STORED) {
        int n = Math.min(MAX_STORED, end - off);
        storedHeader(header, 0, n, false);
        out.write(header);
        out.write(input, off, n);
      }
    }
  }

  private void writeOne(Future<Compressed> next) throws IOException, InterruptedException {
    try {
      Compressed c = next.get();
      if (c.output() == null) {
        writeStored(c.input(), c.length());
      } else {
        out.write(c.output(), 0, c.length());
      }
      room.release();
      // Written (an OutputStream keeps no reference to what it was given): the arrays are free.
      if (c.input().length == taskSize && freeInputs.size() < maxInFlight + 1) {
        freeInputs.push(c.input());
      }
      if (c.dictionary() != null && c.dictionary().length == DICTIONARY && freeDictionaries.size() < maxInFlight + 1) {
        freeDictionaries.push(c.dictionary());
      }
      if (c.output() != null && freeOutputs.size() < maxInFlight + 1) {
        freeOutputs.offer(c.output());
      }
    } catch (ExecutionException e) {
      throw new IOException("compressing blocks failed: " + e.getCause(), e.getCause());
    }
  }

  /** Compresses the last block, writes everything and the trailer; the underlying stream stays open. */
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    submit(true);
    if (writer == null) {
      try {
        writeOne(inFlight.remove());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while compressing");
      }
    } else {
      inFlight.add(END);
      try {
        written.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while compressing");
      } catch (ExecutionException e) {
        throw asIOException(e.getCause());
      }
    }
    long c = crc.getValue();
    // RFC 1952 section 2.3.1: CRC32 then ISIZE (length modulo 2^32), both little-endian.
    byte[] trailer = new byte[8];
    for (int i = 0; i < 4; i++) {
      trailer[i] = (byte) (c >>> (8 * i));
      trailer[4 + i] = (byte) (length >>> (8 * i));
    }
    out.write(trailer);
  }

  @Override
  public void close() throws IOException {
    try {
      finish();
    } finally {
      if (writer != null) {
        writer.cancel(true);
      }
      inFlight.forEach(f -> f.cancel(true));
      inFlight.clear();
    }
  }
}
