package io.github.scratch4j.internal.compress;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
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
 * <p>A block whose bytes look random (already compressed or encrypted data: an order-0 entropy
 * above {@value #STORE_ABOVE} bits per byte) is written as stored blocks without trying to
 * compress it. zlib would store such a block too, or save at most a fraction of a percent, after
 * spending most of its time failing to find matches; stored, it costs a copy.
 */
public final class ParallelGzipOutputStream extends OutputStream {
  /** Deflate's window: the most a match can reach back (RFC 1951 section 3.2.5). */
  static final int DICTIONARY = 32 << 10;
  /** Order-0 entropy, in bits per byte, above which a block is stored rather than compressed. */
  static final double STORE_ABOVE = 7.99;
  /** Blocks shorter than this are always compressed: their entropy says little. */
  private static final int MIN_STORED = 16 << 10;
  /** Longest stored block (RFC 1951 section 3.2.4: LEN is 16 bits). */
  private static final int MAX_STORED = 65535;

  private final OutputStream out;
  private final int level;
  private final ExecutorService pool;
  private final int maxInFlight;
  private final CRC32 crc = new CRC32();
  private final Deque<Future<Compressed>> inFlight = new ArrayDeque<>();
  /**
   * Arrays done with, used again: a layer of any size then costs a few blocks' worth of memory
   * instead of its size in garbage, which a JVM with a default heap repays in resident memory.
   * Blocks and dictionaries are taken and returned on the writing thread only; outputs are taken
   * by the compressing threads.
   */
  private final Deque<byte[]> freeBlocks = new ArrayDeque<>();
  private final Deque<byte[]> freeDictionaries = new ArrayDeque<>();
  private final java.util.Queue<byte[]> freeOutputs = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private static final ThreadLocal<byte[]> DEFLATED = ThreadLocal.withInitial(() -> new byte[64 << 10]);

  /** A compressed block, with the arrays it was made from, to be used again once it is written. */
  private record Compressed(byte[] input, byte[] dictionary, byte[] output, int length, boolean reusable) {}
  private final ThreadLocal<Deflater> deflaters;
  private byte[] block;
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
    this.maxInFlight = Math.max(1, threads) * 2;
    this.block = new byte[blockSize];
    this.deflaters = ThreadLocal.withInitial(() -> new Deflater(level, true));
    out.write(GzipOutputStream.HEADER);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    crc.update(b, off, len);
    length += len;
    while (len > 0) {
      int n = Math.min(len, block.length - filled);
      System.arraycopy(b, off, block, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == block.length) {
        submit(false);
      }
    }
  }

  private void submit(boolean last) throws IOException {
    byte[] input = filled == block.length ? block : Arrays.copyOf(block, filled);
    byte[] dict = dictionary;
    int inputLength = filled;
    inFlight.addLast(pool.submit(() -> compress(input, inputLength, dict, last)));
    if (inputLength >= DICTIONARY) {
      byte[] next = freeDictionaries.isEmpty() ? new byte[DICTIONARY] : freeDictionaries.pop();
      System.arraycopy(input, inputLength - DICTIONARY, next, 0, DICTIONARY);
      dictionary = next;
    } else if (inputLength > 0) {
      byte[] joined = dict == null ? new byte[0] : dict;
      byte[] next = Arrays.copyOf(joined, joined.length + inputLength);
      System.arraycopy(input, 0, next, joined.length, inputLength);
      dictionary = next.length > DICTIONARY ? Arrays.copyOfRange(next, next.length - DICTIONARY, next.length) : next;
    }
    block = freeBlocks.isEmpty() ? new byte[block.length] : freeBlocks.pop();
    filled = 0;
    while (inFlight.size() >= maxInFlight) {
      drainOne();
    }
  }

  private Compressed compress(byte[] input, int inputLength, byte[] dict, boolean last) {
    if (level != Deflater.NO_COMPRESSION && looksRandom(input, inputLength)) {
      int size = storedSize(inputLength);
      byte[] out = freeOutputs.poll();
      if (out == null || out.length != size) {
        out = new byte[size];
      }
      stored(input, inputLength, last, out);
      return new Compressed(input, dict, out, size, true);
    }
    Deflater d = deflaters.get();
    d.reset();
    if (dict != null) {
      d.setDictionary(dict);
    }
    d.setInput(input, 0, inputLength);
    java.io.ByteArrayOutputStream result = new java.io.ByteArrayOutputStream(inputLength / 3 + 64);
    byte[] buffer = DEFLATED.get();
    if (last) {
      d.finish();
      while (!d.finished()) {
        result.write(buffer, 0, d.deflate(buffer, 0, buffer.length, Deflater.NO_FLUSH));
      }
    } else {
      // SYNC_FLUSH until the output buffer is not filled: then everything is out, byte-aligned.
      int n;
      do {
        n = d.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
        result.write(buffer, 0, n);
      } while (n == buffer.length || !d.needsInput());
    }
    byte[] out = result.toByteArray();
    return new Compressed(input, dict, out, out.length, false);
  }

  /**
   * Whether the block's order-0 entropy is above {@link #STORE_ABOVE}: judged on its first 16 KiB
   * first, which settles text and code at once, then on all of it. {@link StrictMath} keeps the
   * verdict, and so the output, the same on every JVM.
   */
  static boolean looksRandom(byte[] input, int length) {
    if (length < MIN_STORED) {
      return false;
    }
    int[] counts = new int[256];
    for (int i = 0; i < MIN_STORED; i++) {
      counts[input[i] & 0xff]++;
    }
    if (entropy(counts, MIN_STORED) < STORE_ABOVE - 0.2) {
      return false;
    }
    // Four tables, summed after: consecutive equal bytes then do not wait on each other's count,
    // which makes the loop several times faster on random data (the counts are the same).
    int[] c1 = new int[256];
    int[] c2 = new int[256];
    int[] c3 = new int[256];
    int i = MIN_STORED;
    for (; i + 3 < length; i += 4) {
      counts[input[i] & 0xff]++;
      c1[input[i + 1] & 0xff]++;
      c2[input[i + 2] & 0xff]++;
      c3[input[i + 3] & 0xff]++;
    }
    for (; i < length; i++) {
      counts[input[i] & 0xff]++;
    }
    for (int b = 0; b < 256; b++) {
      counts[b] += c1[b] + c2[b] + c3[b];
    }
    return entropy(counts, length) > STORE_ABOVE;
  }

  private static double entropy(int[] counts, int total) {
    double sum = 0;
    for (int c : counts) {
      if (c > 0) {
        sum += c * StrictMath.log(c);
      }
    }
    return (StrictMath.log(total) - sum / total) / StrictMath.log(2);
  }

  /**
   * The block as stored deflate blocks (RFC 1951 section 3.2.4): a header byte (BFINAL on the last
   * one of the stream, BTYPE 00; the stream is byte-aligned here, so the padding is in the byte),
   * LEN and its complement NLEN, little-endian, then the bytes. Byte-aligned at the end, like a
   * sync flush.
   */
  static byte[] stored(byte[] input, int length, boolean last) {
    byte[] out = new byte[storedSize(length)];
    stored(input, length, last, out);
    return out;
  }

  private static int storedSize(int length) {
    return length + 5 * Math.max(1, (length + MAX_STORED - 1) / MAX_STORED);
  }

  /** {@link #stored(byte[], int, boolean)} into {@code out}, of {@link #storedSize} bytes. */
  private static void stored(byte[] input, int length, boolean last, byte[] out) {
    int pieces = Math.max(1, (length + MAX_STORED - 1) / MAX_STORED);
    int at = 0;
    for (int p = 0, off = 0; p < pieces; p++) {
      int n = Math.min(MAX_STORED, length - off);
      out[at++] = (byte) (last && p == pieces - 1 ? 1 : 0);
      out[at++] = (byte) n;
      out[at++] = (byte) (n >>> 8);
      out[at++] = (byte) ~n;
      out[at++] = (byte) (~n >>> 8);
      System.arraycopy(input, off, out, at, n);
      at += n;
      off += n;
    }
  }

  private void drainOne() throws IOException {
    Future<Compressed> next = inFlight.pollFirst();
    try {
      Compressed c = next.get();
      out.write(c.output(), 0, c.length());
      // Written (an OutputStream keeps no reference to what it was given): the arrays are free.
      if (c.input().length == block.length && freeBlocks.size() < maxInFlight + 1) {
        freeBlocks.push(c.input());
      }
      if (c.dictionary() != null && c.dictionary().length == DICTIONARY && freeDictionaries.size() < maxInFlight + 1) {
        freeDictionaries.push(c.dictionary());
      }
      if (c.reusable() && freeOutputs.size() < maxInFlight + 1) {
        freeOutputs.offer(c.output());
      }
    } catch (ExecutionException e) {
      throw new IOException("compressing a block failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing");
    }
  }

  /** Compresses the last block, writes everything and the trailer; the underlying stream stays open. */
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    submit(true);
    while (!inFlight.isEmpty()) {
      drainOne();
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
      inFlight.forEach(f -> f.cancel(true));
      inFlight.clear();
    }
  }
}
