package io.github.scratch4j.samples;

import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.Source;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The README's main job: builds a runnable scratch image from a static binary and writes it as an
 * archive that {@code docker load} reads.
 *
 * <pre>
 * java -jar scratch4j-samples.jar hello [STATIC_BINARY] [OUTPUT.tar]
 * java -cp scratch4j-samples.jar io.github.scratch4j.samples.HelloImage [STATIC_BINARY] [OUTPUT.tar]
 * </pre>
 *
 * Without a binary it uses a minimal static hello world that it writes itself ({@link MinimalElf}).
 */
public final class HelloImage {
  private HelloImage() {}

  /** Builds the image; see the class comment for the arguments. */
  public static void main(String[] args) throws IOException {
    if (args.length > 2 || (args.length > 0 && args[0].startsWith("-"))) {
      System.err.println("usage: java -jar scratch4j-samples.jar hello [STATIC_BINARY] [OUTPUT.tar]");
      System.exit(2);
    }
    Optional<Path> binary = args.length > 0 ? Optional.of(Path.of(args[0])) : Optional.empty();
    Path output = Path.of(args.length > 1 ? args[1] : "hello.tar");
    build(binary, output, "hello:latest", System.out);
  }

  /** Writes the image tagged {@code tag} to {@code output} and prints how to run it. */
  public static Manifest build(Optional<Path> binary, Path output, String tag, PrintStream out) throws IOException {
    Image image;
    String what;
    if (binary.isPresent()) {
      Path file = binary.get();
      image = Image.fromScratch().add(file).entrypoint("/" + file.getFileName());
      what = file.toString();
    } else {
      byte[] elf = MinimalElf.forHost();
      image = Image.fromScratch().add(Entry.file("/hello", Source.of(elf)).withMode(0755)).entrypoint("/hello");
      what = "the built-in " + elf.length + "-byte static hello world";
    }
    Manifest manifest = image.tag(tag).writeTo(output);
    out.println("Wrote " + output + " (" + Files.size(output) + " bytes) from " + what + ".");
    out.println("Image " + tag + ", ID " + manifest.config().digest() + ". Try it:");
    out.println();
    out.println("  docker load -i " + output);
    out.println("  docker run --rm " + tag);
    return manifest;
  }
}
