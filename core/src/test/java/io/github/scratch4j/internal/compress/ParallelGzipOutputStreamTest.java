package io.github.scratch4j.internal.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.testing.Tools;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParallelGzipOutputStreamTest {
  private static final int BLOCK = 64 << 10;
  private static ExecutorService pool;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    pool = Executors.newFixedThreadPool(4);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  /** Log-like text with some randomness, so matches cross block boundaries and are not trivial. */
  private static byte[] text(int size) {
    Random random = new Random(size);
    StringBuilder b = new StringBuilder(size + 100);
    while (b.length() < size) {
      b.append("2026-11-22T10:").append(random.nextInt(60)).append(" INFO request ")
          .append(random.nextInt(100_000)).append(" served in ").append(random.nextInt(900)).append(" ms\n");
    }
    return b.substring(0, size).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] compress(byte[] input, int level, int threads, int chunk) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, level, BLOCK, pool, threads)) {
      for (int at = 0; at < input.length; at += chunk) {
        gz.write(input, at, Math.min(chunk, input.length - at));
      }
    }
    return out.toByteArray();
  }

  private static byte[] gunzip(byte[] gz) throws Exception {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 100, (32 << 10) - 1, 32 << 10, BLOCK - 1, BLOCK, BLOCK + 1, 5 * BLOCK + 12345})
  void decompressesToTheInputWhateverItsLength(int size) throws Exception {
    byte[] input = text(size);
    assertThat(gunzip(compress(input, 6, 2, 8192))).isEqualTo(input);
  }

  @Test
  void incompressibleInputRoundTrips() throws Exception {
    byte[] input = new byte[3 * BLOCK + 7];
    new Random(1).nextBytes(input);
    assertThat(gunzip(compress(input, 9, 4, 100_000))).isEqualTo(input);
  }

  @Test
  void singleByteWritesGiveTheSameBytesAsBulkWrites() throws Exception {
    byte[] input = text(2 * BLOCK + 99);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, 6, BLOCK, pool, 2)) {
      for (byte b : input) {
        gz.write(b);
      }
    }
    assertThat(out.toByteArray()).isEqualTo(compress(input, 6, 2, input.length + 1));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 6, 9})
  void theBytesDoNotDependOnTheNumberOfThreadsOrHowTheInputArrives(int level) throws Exception {
    byte[] input = text(20 * BLOCK + 5);
    byte[] one = compress(input, level, 1, 1 << 20);
    assertThat(compress(input, level, 2, 4096)).isEqualTo(one);
    assertThat(compress(input, level, 4, 77_777)).isEqualTo(one);
    assertThat(gunzip(one)).isEqualTo(input);
  }

  @Test
  void isWithinHalfAPercentOfASingleStreamAtTheDefaultBlockSize() throws Exception {
    byte[] input = text(16 << 20);
    ByteArrayOutputStream single = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(single)) {
      gz.write(input);
    }
    ByteArrayOutputStream parallel = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(parallel, 6, Codecs.GZIP_BLOCK, pool, 2)) {
      gz.write(input);
    }
    double ratio = (double) parallel.size() / single.size();
    assertThat(ratio).isBetween(0.995, 1.005);
  }

  @Test
  void gzipAcceptsTheOutput() throws Exception {
    Path gzip = Tools.require("gzip");
    byte[] input = text(10 * BLOCK + 3);
    Path file = Files.write(dir.resolve("layer.gz"), compress(input, 6, 2, 10_000));
    Tools.Result test = Tools.run(List.of(gzip.toString(), "-t", file.toString()));
    assertThat(test.exitCode()).as(test.stderr()).isZero();
    Tools.Result out = Tools.run(List.of(gzip.toString(), "-dc", file.toString()));
    assertThat(out.stdout()).isEqualTo(new String(input, StandardCharsets.US_ASCII));
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Text, random bytes (some blocks, some not aligned to them), text again, and random to the end. */
  private static byte[] mixed() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(text(3 * BLOCK + 100));
    b.writeBytes(random(4 * BLOCK, 7));
    b.writeBytes(text(BLOCK / 2));
    b.writeBytes(random(2 * BLOCK + 65535 * 3, 8));
    return b.toByteArray();
  }

  @Test
  void randomBlocksAreStoredAndTextBlocksCompressed() {
    assertThat(ParallelGzipOutputStream.looksRandom(random(BLOCK, 1), BLOCK)).isTrue();
    assertThat(ParallelGzipOutputStream.looksRandom(text(BLOCK), BLOCK)).isFalse();
    // Random bytes drawn from 200 values only: entropy about 7.64 bits, worth compressing.
    byte[] skewed = random(BLOCK, 2);
    for (int i = 0; i < skewed.length; i++) {
      skewed[i] = (byte) ((skewed[i] & 0xff) % 200);
    }
    assertThat(ParallelGzipOutputStream.looksRandom(skewed, BLOCK)).isFalse();
    // Too short to judge.
    assertThat(ParallelGzipOutputStream.looksRandom(random(BLOCK, 3), (16 << 10) - 1)).isFalse();
  }

  @Test
  void theEntropyJudgedOnSamplesStillSeesRandomBytesAndCompressibleParts() {
    // Random at any length from the shortest judged to a whole block, for many seeds: the sampled
    // estimate, corrected for its bias, stays above the line.
    for (int seed = 10; seed < 60; seed++) {
      for (int length : new int[] {16 << 10, 20_000, 40_000, BLOCK, 100_000, Codecs.GZIP_BLOCK}) {
        assertThat(ParallelGzipOutputStream.looksRandom(random(Codecs.GZIP_BLOCK, seed), length)).as("seed %d, %d bytes", seed, length)
            .isTrue();
      }
    }
    // Random at the start, where the first look is taken, but a third of the rest zeros: compressed.
    int whole = Codecs.GZIP_BLOCK;
    byte[] partly = random(whole, 4);
    java.util.Arrays.fill(partly, whole / 2, whole / 2 + whole / 3, (byte) 0);
    assertThat(ParallelGzipOutputStream.looksRandom(partly, whole)).isFalse();
    // Random bytes of 250 values: 7.97 bits, worth compressing, and close to the line.
    byte[] nearly = random(whole, 5);
    for (int i = 0; i < nearly.length; i++) {
      nearly[i] = (byte) ((nearly[i] & 0xff) % 250);
    }
    assertThat(ParallelGzipOutputStream.looksRandom(nearly, whole)).isFalse();
  }

  @Test
  void theVerdictIsTheDocumentedEstimateOfExactlyTheSampledBytes() {
    // The verdict decides the output's bytes, so it is part of what reproducible output means:
    // blocks whose entropy straddles the line (random bytes with 0.75-1.05 % of them zeros) are
    // judged as the estimate the class documents, computed here on its own, judges them.
    int whole = Codecs.GZIP_BLOCK;
    int stored = 0;
    for (int k = 0; k < 300; k++) {
      Random r = new Random(k);
      byte[] block = new byte[whole];
      r.nextBytes(block);
      double zeros = 0.0075 + 0.003 * k / 300;
      for (int i = 0; i < whole; i++) {
        if (r.nextDouble() < zeros) {
          block[i] = 0;
        }
      }
      boolean expected = documentedEstimate(block, whole);
      stored += expected ? 1 : 0;
      assertThat(ParallelGzipOutputStream.looksRandom(block, whole)).as("block %d", k).isEqualTo(expected);
    }
    assertThat(stored).as("blocks on both sides of the line").isBetween(30, 270);
  }

  /**
   * The class's estimate as its Javadoc says it: the first 8 KiB, then 16 windows of 512 bytes
   * spread evenly over the rest, order-0 entropy with the Miller-Madow correction, above 7.99 bits.
   */
  private static boolean documentedEstimate(byte[] b, int length) {
    int first = 8 << 10;
    int[] counts = new int[256];
    for (int i = 0; i < first; i++) {
      counts[b[i] & 0xff]++;
    }
    if (bits(counts, first) < 7.99 - 0.2) {
      return false;
    }
    long stride = (length - first) / 16;
    for (int w = 0; w < 16; w++) {
      int at = first + (int) (w * stride);
      for (int i = at; i < at + 512; i++) {
        counts[b[i] & 0xff]++;
      }
    }
    int total = first + 16 * 512;
    long seen = java.util.Arrays.stream(counts).filter(c -> c > 0).count();
    return bits(counts, total) + (seen - 1) / (2.0 * total * StrictMath.log(2)) > 7.99;
  }

  private static double bits(int[] counts, int total) {
    double sum = 0;
    for (int c : counts) {
      if (c > 0) {
        sum += c * StrictMath.log(c);
      }
    }
    return (StrictMath.log(total) - sum / total) / StrictMath.log(2);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 6, 9})
  void mixedInputRoundTripsAndDoesNotDependOnTheThreads(int level) throws Exception {
    byte[] input = mixed();
    byte[] one = compress(input, level, 1, 1 << 20);
    assertThat(compress(input, level, 4, 10_007)).isEqualTo(one);
    assertThat(gunzip(one)).isEqualTo(input);
  }

  @Test
  void randomInputIsNoLargerThanZlibMakesIt() throws Exception {
    byte[] input = random(40 * BLOCK + 12345, 9);
    ByteArrayOutputStream single = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(single)) {
      gz.write(input);
    }
    byte[] parallel = compress(input, 6, 2, 1 << 20);
    assertThat(gunzip(parallel)).isEqualTo(input);
    // 5 bytes per stored block of at most 64 KiB, header and trailer: zlib stores such data too.
    assertThat(parallel.length).isLessThanOrEqualTo(single.size() + 64)
        .isLessThanOrEqualTo(input.length + 5 * (input.length / 65535 + 41) + 18);
  }

  /** An output that takes {@code limit} bytes, then fails every write. */
  private static final class FailingOutput extends java.io.OutputStream {
    private final int limit;
    private int taken;
    final java.util.Set<Thread> writers = java.util.concurrent.ConcurrentHashMap.newKeySet();

    FailingOutput(int limit) {
      this.limit = limit;
    }

    @Override
    public void write(int b) throws java.io.IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws java.io.IOException {
      writers.add(Thread.currentThread());
      if (taken + len > limit) {
        throw new java.io.IOException("disk full after " + taken + " bytes");
      }
      taken += len;
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(20)
  void aFailingOutputEndsTheWritesWithItsOwnExceptionAndLeavesNoThreadWaiting() throws Exception {
    FailingOutput out = new FailingOutput(3 * BLOCK);
    byte[] input = random(40 * BLOCK, 11);
    ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, 6, BLOCK, pool, 2);
    java.io.IOException thrown = null;
    try {
      for (int at = 0; at < input.length; at += 10_000) {
        gz.write(input, at, Math.min(10_000, input.length - at));
      }
      gz.finish();
    } catch (java.io.IOException e) {
      thrown = e;
    }
    assertThat(thrown).as("the output's failure reaches the writer").isNotNull()
        .hasMessageContaining("disk full after");
    // Closing after the failure neither hangs nor hides it.
    java.util.concurrent.Future<?> closing = java.util.concurrent.Executors.newSingleThreadExecutor().submit(() -> {
      gz.close();
      return null;
    });
    assertThatThrownBy(() -> closing.get(10, java.util.concurrent.TimeUnit.SECONDS))
        .hasRootCauseMessage(thrown.getMessage());
    // Blocks were written by a thread beside the one that fed them (which wrote the header), and
    // that thread is not left waiting in this stream.
    out.writers.remove(Thread.currentThread());
    assertThat(out.writers).isNotEmpty();
    for (Thread t : out.writers) {
      for (int i = 0; i < 100 && t.getState() == Thread.State.RUNNABLE; i++) {
        Thread.sleep(10);
      }
      assertThat(t.getState()).as(t.getName()).isNotEqualTo(Thread.State.RUNNABLE);
      assertThat(java.util.Arrays.stream(t.getStackTrace()).map(StackTraceElement::getClassName))
          .doesNotContain(ParallelGzipOutputStream.class.getName());
    }
  }

  @Test
  void aOneBlockStreamIsWrittenByTheThreadThatFinishesIt() throws Exception {
    FailingOutput out = new FailingOutput(Integer.MAX_VALUE);
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, 6, BLOCK, pool, 2)) {
      gz.write(text(BLOCK - 1));
    }
    assertThat(out.writers).containsExactly(Thread.currentThread());
  }

  @Test
  void storedBlocksEndingTheStreamAreAcceptedByGzip() throws Exception {
    Path gzip = Tools.require("gzip");
    byte[] input = mixed();
    Path file = Files.write(dir.resolve("mixed.gz"), compress(input, 6, 2, 10_000));
    Tools.Result test = Tools.run(List.of(gzip.toString(), "-t", file.toString()));
    assertThat(test.exitCode()).as(test.stderr()).isZero();
    Tools.Result list = Tools.run(List.of(gzip.toString(), "-lv", file.toString()));
    assertThat(list.exitCode()).as(list.stderr()).isZero();
    assertThat(list.stdout()).contains(Integer.toString(input.length));
  }

  /** Bytes of 7 bits each: deflated, not stored, yet to no less than about 7/8 of their size. */
  private static byte[] sevenBit(int size, long seed) {
    byte[] b = random(size, seed);
    for (int i = 0; i < b.length; i++) {
      b[i] &= 0x7f;
    }
    return b;
  }

  /**
   * What the stream must write, made block by block with one Deflater and an output space that
   * holds each block whole: each block primed with the 32 KiB before it and sync-flushed, the
   * last one (shorter than a block, empty when the input ends on a block's edge) finished; a
   * block that looks random is stored instead.
   */
  private static byte[] reference(byte[] input, int level) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(GzipOutputStream.HEADER);
    java.util.zip.Deflater d = new java.util.zip.Deflater(level, true);
    byte[] space = new byte[2 * BLOCK + 1024];
    for (int at = 0; ; at += BLOCK) {
      int n = Math.min(BLOCK, input.length - at);
      boolean last = n < BLOCK;
      if (ParallelGzipOutputStream.looksRandom(input, at, n)) {
        // Stored blocks of at most 65535 bytes (RFC 1951 section 3.2.4), BFINAL on the stream's last.
        for (int p = at, end = at + n; p < end; p += 65535) {
          int k = Math.min(65535, end - p);
          out.write(last && p + k == end ? 1 : 0);
          out.write(new byte[] {(byte) k, (byte) (k >>> 8), (byte) ~k, (byte) (~k >>> 8)});
          out.write(input, p, k);
        }
        if (last) {
          break;
        }
        continue;
      }
      d.reset();
      if (at > 0) {
        d.setDictionary(input, at - ParallelGzipOutputStream.DICTIONARY, ParallelGzipOutputStream.DICTIONARY);
      }
      d.setInput(input, at, n);
      if (last) {
        d.finish();
      }
      int k = d.deflate(space, 0, space.length, last ? java.util.zip.Deflater.NO_FLUSH : java.util.zip.Deflater.SYNC_FLUSH);
      assertThat(last ? d.finished() : d.needsInput()).as("one call deflated block at %d", at).isTrue();
      out.write(space, 0, k);
      if (last) {
        break;
      }
    }
    d.end();
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(input);
    for (long v : new long[] {crc.getValue(), input.length}) {
      for (int i = 0; i < 4; i++) {
        out.write((int) (v >>> (8 * i)) & 0xff);
      }
    }
    return out.toByteArray();
  }

  @Test
  void blocksThatCompressWellAndBlocksThatCompressPoorlyGiveTheBytesOfOneDeflatePerBlock() throws Exception {
    // Text first, so that the output arrays used again are small when the poorly compressing
    // blocks need more room.
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    input.writeBytes(text(6 * BLOCK));
    input.writeBytes(sevenBit(6 * BLOCK + 777, 3));
    input.writeBytes(text(2 * BLOCK));
    byte[] bytes = input.toByteArray();
    for (int threads : new int[] {1, 3}) {
      assertThat(compress(bytes, 6, threads, 8192)).as("%d threads", threads).isEqualTo(reference(bytes, 6));
    }
  }

  @Test
  void whatCompressingAllocatesDoesNotGrowWithTheInput() throws Exception {
    byte[] input = text(48 << 20);
    compress(input, 1, 2, 1 << 20); // the code compiled and the arrays made once
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getTotalThreadAllocatedBytes();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(java.io.OutputStream.nullOutputStream(), 1,
        BLOCK, pool, 2)) {
      for (int at = 0; at < input.length; at += 1 << 20) {
        gz.write(input, at, 1 << 20);
      }
    }
    long allocated = threads.getTotalThreadAllocatedBytes() - before;
    // A new array for each block's output, a fifth of its input or more here, would pass 9 MiB.
    assertThat(allocated).as("bytes allocated compressing %d bytes", input.length).isLessThan(4L << 20);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, ParallelGzipOutputStream.BLOCKS_PER_TASK, ParallelGzipOutputStream.BLOCKS_PER_TASK + 1,
      3 * ParallelGzipOutputStream.BLOCKS_PER_TASK - 1})
  void blocksCompressedSeveralToATaskGiveTheBytesOfOneDeflatePerBlockWhereverTheInputEnds(int blocks)
      throws Exception {
    // Random and text blocks alternate, so stored and deflated blocks meet inside a task and
    // across tasks; the input ends on a block's edge, a task's edge, and a byte after each.
    for (int extra : new int[] {0, 1}) {
      ByteArrayOutputStream input = new ByteArrayOutputStream();
      for (int b = 0; b < blocks; b++) {
        input.writeBytes(b % 3 == 1 ? random(BLOCK, b) : text(BLOCK));
      }
      input.writeBytes(random(extra, 5));
      byte[] bytes = input.toByteArray();
      for (int threads : new int[] {1, 3}) {
        byte[] gz = compress(bytes, 6, threads, 50_000);
        assertThat(gz).as("%d blocks and %d bytes, %d threads", blocks, extra, threads).isEqualTo(reference(bytes, 6));
        assertThat(gunzip(gz)).isEqualTo(bytes);
      }
    }
  }

  @Test
  void aWriteAfterFinishIsRefused() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, 6, BLOCK, pool, 2);
    gz.write(text(3 * BLOCK));
    gz.finish();
    assertThatThrownBy(() -> gz.write(new byte[1])).hasMessageContaining("finished");
    gz.close();
    assertThat(gunzip(out.toByteArray())).isEqualTo(text(3 * BLOCK));
  }

  /**
   * A task whose blocks all look random is written from its input, each stored block's header
   * before its bytes, rather than copied into an output array first; the bytes are the same.
   */
  @Test
  void aTaskOfStoredBlocksIsWrittenFromItsInputWithTheBlocksHeadersBetween() throws Exception {
    int task = ParallelGzipOutputStream.BLOCKS_PER_TASK * BLOCK;
    List<int[]> writes = new java.util.concurrent.CopyOnWriteArrayList<>();
    ByteArrayOutputStream all = new ByteArrayOutputStream() {
      @Override
      public synchronized void write(byte[] b, int off, int len) {
        writes.add(new int[] {off, len});
        super.write(b, off, len);
      }
    };
    // Four whole tasks of random bytes, then a byte for the last one.
    byte[] input = random(4 * task + 1, 21);
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(all, 6, BLOCK, pool, 2)) {
      for (int at = 0; at < input.length; at += 100_000) {
        gz.write(input, at, Math.min(100_000, input.length - at));
      }
    }
    assertThat(all.toByteArray()).isEqualTo(reference(input, 6));
    // After the gzip header: per stored block of the four tasks, its 5-byte header, then its bytes
    // at the offset they have in their task (in an output array they would be past the headers).
    int at = 0;
    int i = 1;
    while (at < 4 * task) {
      int n = Math.min(65535, BLOCK - at % BLOCK);
      assertThat(writes.get(i)[1]).as("the header of the stored block at %d", at).isEqualTo(5);
      assertThat(writes.get(i + 1)).as("the bytes of the stored block at %d", at).containsExactly(at % task, n);
      at += n;
      i += 2;
    }
    assertThat(gunzip(all.toByteArray())).isEqualTo(input);
  }
}
