package io.github.scratch4j.benchmarks;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import io.github.scratch4j.Compression;
import io.github.scratch4j.Image;
import io.github.scratch4j.WriteOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * Whole image builds of the three inputs, scratch4j against Jib-core 0.27.3 in the same JVM. Jib
 * always gzips, on one thread, and goes through its layer cache; each of its runs gets new, empty
 * caches (cold), as a first build on a CI machine has.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@State(Scope.Benchmark)
public class ImageBuildBenchmark {
  @Param({"hello", "small-files", "big-512m"})
  public String input;

  private Path source;
  private Path work;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    source = switch (input) {
      case "hello" -> Inputs.hello();
      case "small-files" -> Inputs.smallFiles();
      default -> Inputs.big(512);
    };
  }

  @Setup(Level.Invocation)
  public void work() throws Exception {
    work = Files.createTempDirectory(Inputs.dir(), "build-");
  }

  @TearDown(Level.Invocation)
  public void clean() throws Exception {
    Inputs.delete(work);
  }

  @Benchmark
  public Object scratch4j() throws Exception {
    return Image.fromScratch().add(source).withoutDependencyCheck().writeTo(work.resolve("out.tar"));
  }

  @Benchmark
  public Object scratch4jGzip() throws Exception {
    return Image.fromScratch().add(source).withoutDependencyCheck()
        .writeTo(work.resolve("out.tar"), WriteOptions.defaults().withCompression(Compression.GZIP));
  }

  @Benchmark
  public Object jib() throws Exception {
    return Jib.fromScratch()
        .addLayer(List.of(source), AbsoluteUnixPath.get("/"))
        .containerize(Containerizer.to(TarImage.at(work.resolve("out.tar")).named("bench"))
            .setBaseImageLayersCache(work.resolve("base-cache"))
            .setApplicationLayersCache(work.resolve("app-cache")));
  }
}
