package io.github.scratch4j.benchmarks;

import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.digests.SHA256Digest;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * SHA-256 of 64 MiB in memory: the JDK's MessageDigest (SHA-NI intrinsics where the CPU has them)
 * against Bouncy Castle's SHA256Digest, fed in chunks of each buffer size.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class DigestBenchmark {
  @Param({"8192", "65536", "1048576"})
  public int bufferSize;

  private byte[] data;

  @Setup(Level.Trial)
  public void setUp() {
    data = new byte[64 << 20];
    new Random(1).nextBytes(data);
  }

  @Benchmark
  public byte[] jdk() throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (int off = 0; off < data.length; off += bufferSize) {
      md.update(data, off, Math.min(bufferSize, data.length - off));
    }
    return md.digest();
  }

  @Benchmark
  public byte[] bouncyCastle() {
    SHA256Digest d = new SHA256Digest();
    for (int off = 0; off < data.length; off += bufferSize) {
      d.update(data, off, Math.min(bufferSize, data.length - off));
    }
    byte[] out = new byte[32];
    d.doFinal(out, 0);
    return out;
  }
}
