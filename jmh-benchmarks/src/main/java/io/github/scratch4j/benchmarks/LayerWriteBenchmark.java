package io.github.scratch4j.benchmarks;

import io.github.scratch4j.Image;
import io.github.scratch4j.internal.io.MappedWindow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
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
 * The floor and what scratch4j does on it: SHA-256 of a 512 MiB file with the JDK (mapped in 32
 * MiB windows, the fastest way the JDK has, and read through a 1 MiB heap buffer), against
 * scratch4j writing a one-layer image of that file to a new archive file (tar framing, hash and
 * copy included), and against the layer tar writer alone into a discarding sink. The ratio of
 * these to the mapped hash is the number that matters.
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

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    file = Inputs.big(512);
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
      for (long at = 0; at < size; at += 32L << 20) {
        // Unmapped at once, as scratch4j does, so the baseline does not pay for lingering mappings.
        try (MappedWindow window = MappedWindow.map(ch, at, Math.min(32L << 20, size - at))) {
          window.hash(md);
        }
      }
    }
    return md.digest();
  }

  @Benchmark
  public byte[] jdkSha256Read() throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[1 << 20];
    try (FileChannel ch = FileChannel.open(file)) {
      ByteBuffer b = ByteBuffer.wrap(buffer);
      int k;
      while ((k = ch.read(b)) > 0) {
        md.update(buffer, 0, k);
        b.clear();
      }
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
}
