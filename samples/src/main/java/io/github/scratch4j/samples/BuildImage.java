package io.github.scratch4j.samples;

import io.github.scratch4j.Compression;
import io.github.scratch4j.Image;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.RegistryOptions;
import io.github.scratch4j.TransferEvent;
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
 *     [--gzip | --zstd | --uncompressed] [--no-dependency-check] (-o OUTPUT | --push REFERENCE)
 * </pre>
 *
 * <p>{@code --from} takes an archive or layout path, or else a registry reference. With
 * {@code --push}, layers are gzipped unless {@code --zstd} or {@code --uncompressed} says
 * otherwise; loopback registries may use plain HTTP.
 */
public final class BuildImage {
  /** Registry options that say on standard error what happened to each blob. */
  private static RegistryOptions registry() {
    return RegistryOptions.defaults().withProgress(BuildImage::report);
  }

  private BuildImage() {}

  private static void report(TransferEvent e) {
    String what = switch (e.kind()) {
      case PRESENT -> "already there";
      case MOUNTED -> "mounted";
      case UPLOADED -> "uploaded";
      case MANIFEST_PUSHED -> "manifest pushed";
      case CACHED -> "cached";
      case DOWNLOADED -> "downloaded";
      case UPLOADING, DOWNLOADING -> null;
    };
    if (what != null) {
      System.err.printf("%s %s (%,d bytes)%n", e.digest().toString().substring(0, 19), what, e.size());
    }
  }

  /** Builds the image the arguments describe. */
  public static void main(String[] args) throws IOException {
    Image image = Image.fromScratch();
    List<String> entrypoint = new ArrayList<>();
    Path output = null;
    String push = null;
    Compression pushed = Compression.GZIP;
    WriteOptions options = WriteOptions.defaults();
    boolean check = true;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--from" -> {
          String base = args[++i];
          image = java.nio.file.Files.exists(Path.of(base)) ? Image.from(Path.of(base)) : Image.from(base, registry());
        }
        case "--add" -> {
          String spec = args[++i];
          int colon = spec.lastIndexOf(':');
          image = colon > 0 ? image.add(Path.of(spec.substring(0, colon)), spec.substring(colon + 1))
              : image.add(Path.of(spec));
        }
        case "--entrypoint" -> entrypoint.add(args[++i]);
        case "--tag" -> image = image.tag(args[++i]);
        case "--gzip" -> {
          options = options.withCompression(Compression.GZIP);
          pushed = Compression.GZIP;
        }
        case "--zstd" -> {
          options = options.withCompression(Compression.ZSTD);
          pushed = Compression.ZSTD;
        }
        case "--uncompressed" -> {
          options = options.withCompression(Compression.NONE);
          pushed = Compression.NONE;
        }
        case "--push" -> push = args[++i];
        case "--no-dependency-check" -> check = false;
        case "-o" -> output = Path.of(args[++i]);
        default -> usage("unknown argument: " + a);
      }
    }
    if ((output == null) == (push == null)) {
      usage("give one of -o OUTPUT and --push REFERENCE");
    }
    if (!entrypoint.isEmpty()) {
      image = image.entrypoint(entrypoint.toArray(String[]::new));
    }
    if (!check) {
      image = image.withoutDependencyCheck();
    }
    if (push != null) {
      System.out.println(image.pushTo(push, registry().withCompression(pushed)));
      return;
    }
    Manifest m = image.writeTo(output, options);
    System.out.println(m.config().digest());
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println("usage: BuildImage [--from BASE] --add SRC[:DEST]... [--entrypoint PROGRAM]... [--tag NAME]"
        + " [--gzip | --zstd | --uncompressed] [--no-dependency-check] (-o OUTPUT | --push REFERENCE)");
    System.exit(2);
  }
}
