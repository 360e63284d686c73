package io.github.scratch4j.samples;

import io.github.scratch4j.Compression;
import io.github.scratch4j.Image;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.WriteOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small command-line image builder, the one the whole-process benchmarks time.
 *
 * <pre>
 * java -cp scratch4j-samples.jar io.github.scratch4j.samples.BuildImage \
 *     [--from BASE] --add SRC[:DEST]... [--entrypoint PROGRAM]... [--tag NAME] \
 *     [--gzip | --zstd] [--no-dependency-check] -o OUTPUT
 * </pre>
 */
public final class BuildImage {
  private BuildImage() {}

  /** Builds the image the arguments describe. */
  public static void main(String[] args) throws IOException {
    Image image = Image.fromScratch();
    List<String> entrypoint = new ArrayList<>();
    Path output = null;
    WriteOptions options = WriteOptions.defaults();
    boolean check = true;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--from" -> image = Image.from(Path.of(args[++i]));
        case "--add" -> {
          String spec = args[++i];
          int colon = spec.lastIndexOf(':');
          image = colon > 0 ? image.add(Path.of(spec.substring(0, colon)), spec.substring(colon + 1))
              : image.add(Path.of(spec));
        }
        case "--entrypoint" -> entrypoint.add(args[++i]);
        case "--tag" -> image = image.tag(args[++i]);
        case "--gzip" -> options = options.withCompression(Compression.GZIP);
        case "--zstd" -> options = options.withCompression(Compression.ZSTD);
        case "--no-dependency-check" -> check = false;
        case "-o" -> output = Path.of(args[++i]);
        default -> usage("unknown argument: " + a);
      }
    }
    if (output == null) {
      usage("no output: give -o OUTPUT");
    }
    if (!entrypoint.isEmpty()) {
      image = image.entrypoint(entrypoint.toArray(String[]::new));
    }
    if (!check) {
      image = image.withoutDependencyCheck();
    }
    Manifest m = image.writeTo(output, options);
    System.out.println(m.config().digest());
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println("usage: BuildImage [--from BASE] --add SRC[:DEST]... [--entrypoint PROGRAM]... [--tag NAME]"
        + " [--gzip | --zstd] [--no-dependency-check] -o OUTPUT");
    System.exit(2);
  }
}
