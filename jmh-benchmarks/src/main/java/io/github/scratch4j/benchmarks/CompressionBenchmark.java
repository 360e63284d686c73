package io.github.scratch4j.benchmarks;

import com.github.luben.zstd.ZstdOutputStream;
import io.github.scratch4j.internal.compress.GzipOutputStream;
import io.github.scratch4j.internal.compress.ParallelGzipOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compressing 64 MiB of log-like text or of random bytes: the JDK's GZIPOutputStream, scratch4j's single-stream gzip,
 * its block-parallel gzip on every core (block sizes 128 KiB and 1 MiB), and zstd without and with
 * workers. Each benchmark also reports the output size through a secondary counter.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Benchmark)
public class CompressionBenchmark {
  @Param({"1", "6", "9"})
  public int level;

  /** {@code text}: log-like text; {@code random}: incompressible bytes, like a compressed file's. */
  @Param({"text", "random"})
  public String input;

  private byte[] data;
  private ExecutorService pool;
  private final int threads = Runtime.getRuntime().availableProcessors();

  @Setup(Level.Trial)
  public void setUp() {
    data = input.equals("random") ? Inputs.random(64 << 20, 64) : Inputs.logText(64);
    pool = Executors.newFixedThreadPool(threads);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.shutdown();
  }

  private int write(OutputStream out, ByteArrayOutputStream sink) throws Exception {
    for (int off = 0; off < data.length; off += 1 << 20) {
      out.write(data, off, Math.min(1 << 20, data.length - off));
    }
    out.close();
    return sink.size();
  }

  @Benchmark
  public int jdkGzipOutputStream() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream(data.length / 3);
    GZIPOutputStream gz = new GZIPOutputStream(sink, 1 << 16) {
      {
        def.setLevel(level);
      }
    };
    return write(gz, sink);
  }

  @Benchmark
  public int scratch4jGzipSingle() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream(data.length / 3);
    return write(new GzipOutputStream(sink, level), sink);
  }

  @Benchmark
  public int scratch4jGzipParallel128k() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream(data.length / 3);
    return write(new ParallelGzipOutputStream(sink, level, 128 << 10, pool, threads), sink);
  }

  @Benchmark
  public int scratch4jGzipParallel1m() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream(data.length / 3);
    return write(new ParallelGzipOutputStream(sink, level, 1 << 20, pool, threads), sink);
  }

  @Benchmark
  public int scratch4jGzipParallelOneThread() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream(data.length / 3);
    ExecutorService one = Executors.newSingleThreadExecutor();
    try {
      return write(new ParallelGzipOutputStream(sink, level, 128 << 10, one, 1), sink);
    } finally {
      one.shutdown();
    }
  }

  @Benchmark
  public int zstdNoWorkers() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream(data.length / 3);
    ZstdOutputStream z = new ZstdOutputStream(sink, 3);
    return write(z, sink);
  }

  @Benchmark
  public int zstdWorkers() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream(data.length / 3);
    ZstdOutputStream z = new ZstdOutputStream(sink, 3);
    z.setWorkers(threads);
    return write(z, sink);
  }

}
