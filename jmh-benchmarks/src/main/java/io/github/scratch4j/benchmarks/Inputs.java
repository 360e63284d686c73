package io.github.scratch4j.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The benchmark inputs, made once under {@code target/bench-inputs}: a 512 MiB incompressible
 * file, 10,000 files of 1 to 8 KiB, a static hello world compiled with {@code gcc -static}, and
 * 256 MiB of log-like text.
 */
public final class Inputs {
  private Inputs() {}

  static Path dir() throws IOException {
    return Files.createDirectories(Path.of(System.getProperty("bench.inputs", "target/bench-inputs")).toAbsolutePath());
  }

  /** A file of {@code mib} MiB of random bytes. */
  public static Path big(int mib) throws IOException {
    Path file = dir().resolve("big-" + mib + "m.bin");
    if (!Files.exists(file) || Files.size(file) != (long) mib << 20) {
      Random random = new Random(42);
      byte[] chunk = new byte[1 << 20];
      try (OutputStream out = Files.newOutputStream(file)) {
        for (int i = 0; i < mib; i++) {
          random.nextBytes(chunk);
          out.write(chunk);
        }
      }
    }
    return file;
  }

  /** A directory of 10,000 files of 1 to 8 KiB, in 100 subdirectories. */
  public static Path smallFiles() throws IOException {
    Path root = dir().resolve("small-files");
    Path marker = root.resolve(".complete");
    if (!Files.exists(marker)) {
      Random random = new Random(7);
      for (int i = 0; i < 10_000; i++) {
        Path d = Files.createDirectories(root.resolve("d" + (i % 100)));
        byte[] content = new byte[1024 + random.nextInt(7 * 1024 + 1)];
        random.nextBytes(content);
        Files.write(d.resolve("f" + i + ".bin"), content);
      }
      Files.writeString(marker, "");
    }
    return root;
  }

  /** A static hello world, compiled with {@code gcc -static -O2}. */
  public static Path hello() throws IOException, InterruptedException {
    Path binary = dir().resolve("hello");
    if (!Files.exists(binary)) {
      Path c = Files.writeString(dir().resolve("hello.c"),
          "#include <stdio.h>\nint main(void) { puts(\"hello world\"); return 0; }\n");
      Process p = new ProcessBuilder("gcc", "-static", "-O2", "-o", binary.toString(), c.toString())
          .inheritIO().start();
      if (p.waitFor() != 0) {
        throw new IOException("gcc -static failed; the hello benchmark needs gcc and a static libc");
      }
    }
    return binary;
  }

  /** {@code mib} MiB of text shaped like a web server's log: compresses about 4:1. */
  public static byte[] logText(int mib) {
    String[] words = {"GET", "POST", "/api/v1/items", "/api/v1/users", "200", "404", "500", "user", "took",
        "ms", "INFO", "WARN", "request", "session", "cache", "hit", "miss"};
    Random r = new Random(1);
    StringBuilder sb = new StringBuilder(mib << 20);
    while (sb.length() < (mib << 20)) {
      sb.append("2026-11-22T12:").append(10 + r.nextInt(50)).append(':').append(10 + r.nextInt(50))
          .append(" ").append(words[r.nextInt(words.length)]).append(' ').append(words[r.nextInt(words.length)])
          .append(" id=").append(r.nextInt(100000)).append(' ').append(words[r.nextInt(words.length)])
          .append(" took=").append(r.nextInt(900)).append("ms\n");
    }
    return sb.substring(0, mib << 20).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** {@code size} random bytes from a fixed seed: incompressible, like an already compressed file. */
  public static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Deletes a file or directory tree, quietly. */
  static void delete(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path x : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(x);
      }
    }
  }
}
