package io.github.scratch4j.benchmarks;

import io.github.scratch4j.Image;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor and what scratch4j does on it: SHA-256 of a 512 MiB file with the JDK read through a 1
 * MiB heap buffer (the baseline: the plain way, whose cost does not hang on what page faults cost
 * where it runs), mapped in 32 MiB windows, and of the same number of bytes already in memory;
 * against scratch4j writing a one-layer image of that file to a new archive file (tar framing, hash
 * and copy included), the layer tar writer alone into a discarding sink, and the two designs of the
 * copy without the tar: the file hashed from mappings while the kernel copies it on another thread
 * (what scratch4j did), and read ahead by another thread that writes each chunk while this one
 * hashes it (what it does). Run through {@link #main}, it prints each result as a ratio of the
 * baseline.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 8, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@State(Scope.Benchmark)
public class LayerWriteBenchmark {
  private Path file;
  private Path out;
  private int n;
  private final byte[] inMemory = new byte[1 << 20];
  private final ExecutorService copier = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "copier");
    t.setDaemon(true);
    return t;
  });

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    file = Inputs.big(512);
    new java.util.Random(1).nextBytes(inMemory);
  }

  @Setup(Level.Invocation)
  public void target() throws IOException {
    out = Inputs.dir().resolve("layer-out-" + (n++) + ".tar");
  }

  @TearDown(Level.Invocation)
  public void removeTarget() throws IOException {
    Files.deleteIfExists(out);
  }

  @Benchmark
  public byte[] jdkSha256Mapped() throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (FileChannel ch = FileChannel.open(file)) {
      long size = ch.size();
      hashMapped(ch, size, md);
    }
    return md.digest();
  }

  /**
   * Hashes the file from 32 MiB mappings, each unmapped at once (as scratch4j did when it mapped
   * files), so that this way does not pay for mappings left to the collector.
   */
  private static void hashMapped(FileChannel ch, long size, MessageDigest md) throws Exception {
    for (long at = 0; at < size; at += 32L << 20) {
      java.nio.MappedByteBuffer window = ch.map(FileChannel.MapMode.READ_ONLY, at, Math.min(32L << 20, size - at));
      md.update(window);
      UNMAP.invoke(UNSAFE, window);
    }
  }

  private static final Object UNSAFE;
  private static final java.lang.reflect.Method UNMAP;

  static {
    try {
      Class<?> c = Class.forName("sun.misc.Unsafe");
      java.lang.reflect.Field f = c.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      UNSAFE = f.get(null);
      UNMAP = c.getMethod("invokeCleaner", ByteBuffer.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Benchmark
  public byte[] jdkSha256Read() throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[1 << 20];
    // Read into a page-aligned buffer first (see ProcessMains.alignedDirect).
    ByteBuffer b = ProcessMains.alignedDirect(1 << 20);
    try (FileChannel ch = FileChannel.open(file)) {
      while (ch.read(b.clear()) > 0) {
        int k = b.flip().remaining();
        b.get(buffer, 0, k);
        md.update(buffer, 0, k);
      }
    }
    return md.digest();
  }

  /** The floor under any copy: the same number of bytes hashed from a buffer already in memory. */
  @Benchmark
  public byte[] jdkSha256InMemory() throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (int i = 0; i < 512; i++) {
      md.update(inMemory);
    }
    return md.digest();
  }

  /** The previous design: mapped hash here, kernel copy ({@code transferTo}) on another thread. */
  @Benchmark
  public byte[] copyMappedHashKernelCopy() throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (FileChannel ch = FileChannel.open(file);
        FileChannel target = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long size = ch.size();
      Future<?> copy = copier.submit(() -> {
        try (FileChannel in = FileChannel.open(file)) {
          for (long done = 0; done < size; ) {
            done += in.transferTo(done, size - done, target);
          }
        }
        return null;
      });
      hashMapped(ch, size, md);
      copy.get();
    }
    return md.digest();
  }

  /**
   * The present design without the tar: another thread reads 256 KiB chunks into four direct
   * buffers and writes each to the target while this one hashes it.
   */
  @Benchmark
  public byte[] copyReadAhead() throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (FileChannel ch = FileChannel.open(file);
        FileChannel target = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long size = ch.size();
      BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(4);
      BlockingQueue<ByteBuffer> read = new ArrayBlockingQueue<>(5);
      for (int i = 0; i < 4; i++) {
        free.add(ByteBuffer.allocateDirect(256 << 10));
      }
      ByteBuffer end = ByteBuffer.allocate(0);
      Future<?> copy = copier.submit(() -> {
        try {
          for (long at = 0; at < size; ) {
            ByteBuffer b = free.take();
            b.clear().limit((int) Math.min(b.capacity(), size - at));
            while (b.hasRemaining()) {
              if (ch.read(b, at + b.position()) < 0) {
                throw new java.io.EOFException();
              }
            }
            b.flip();
            read.add(b);
            ByteBuffer w = b.duplicate();
            while (w.hasRemaining()) {
              target.write(w, at + w.position());
            }
            at += b.limit();
          }
        } finally {
          read.add(end);
        }
        return null;
      });
      for (ByteBuffer b = read.take(); b != end; b = read.take()) {
        md.update(b.duplicate());
        free.add(b);
      }
      copy.get();
    }
    return md.digest();
  }

  @Benchmark
  public Object scratch4jLayerTarHashedOnly() throws IOException {
    return Image.fromScratch().add(file).withoutDependencyCheck().writeTo(java.io.OutputStream.nullOutputStream());
  }

  @Benchmark
  public Object scratch4jImageToNewFile() throws IOException {
    return Image.fromScratch().add(file).writeTo(out);
  }

  /**
   * Runs these benchmarks (or those matching the first argument, a regular expression on the
   * method names) and prints each score beside its ratio to the baseline, {@code jdkSha256Read}.
   * Further arguments go to JMH as on its command line.
   */
  public static void main(String[] args) throws Exception {
    String methods = args.length > 0 ? args[0] : ".*";
    String[] rest = java.util.Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
    org.openjdk.jmh.runner.options.Options options = new org.openjdk.jmh.runner.options.OptionsBuilder()
        .parent(new org.openjdk.jmh.runner.options.CommandLineOptions(rest))
        .include(LayerWriteBenchmark.class.getName() + "\\.(" + methods + "|jdkSha256Read)$")
        .build();
    java.util.Collection<org.openjdk.jmh.results.RunResult> results = new org.openjdk.jmh.runner.Runner(options).run();
    double base = Double.NaN;
    for (org.openjdk.jmh.results.RunResult r : results) {
      if (r.getParams().getBenchmark().endsWith(".jdkSha256Read")) {
        base = r.getPrimaryResult().getScore();
      }
    }
    System.out.printf("%n%-28s %12s %10s %10s%n", "benchmark", "ms/op", "error", "x jdkSha256Read");
    for (org.openjdk.jmh.results.RunResult r : results) {
      org.openjdk.jmh.results.Result<?> p = r.getPrimaryResult();
      String name = r.getParams().getBenchmark();
      System.out.printf("%-28s %12.1f %10.1f %10.3f%n",
          name.substring(name.lastIndexOf('.') + 1), p.getScore(), p.getScoreError(), p.getScore() / base);
    }
  }
}
