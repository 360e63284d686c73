package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A writer killed with SIGKILL in the middle of a write leaves the previous target as it was, and
 * temporary files that the next write to the same target removes once they are over a minute old
 * (here back-dated by two minutes, as if the next write came later).
 */
class KilledWriteTest {
  @TempDir Path dir;

  enum Target {
    /** An archive file that already exists. */
    ARCHIVE,
    /** A new image layout directory (built in a temporary sibling directory). */
    NEW_LAYOUT,
    /** An existing image layout (blobs written to temporary files inside it). */
    EXISTING_LAYOUT
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void aKilledWriteLeavesThePreviousTargetAndTheNextWriteRemovesItsTemporaryFiles(Target target) throws Exception {
    Path big = dir.resolve("big.bin");
    byte[] content = new byte[12 << 20];
    new Random(5).nextBytes(content);
    Files.write(big, content);
    Path out = dir.resolve(target == Target.ARCHIVE ? "out.tar" : "layout");
    WriteOptions options = target == Target.ARCHIVE
        ? WriteOptions.defaults()
        : WriteOptions.defaults().withFormat(WriteOptions.Format.OCI_LAYOUT);
    if (target != Target.NEW_LAYOUT) {
      Image.fromScratch().add(Layer.builder().addFile("/previous", Source.of(new byte[] {1})).build())
          .tag("previous:1").writeTo(out, options);
    }
    Snapshot before = Snapshot.of(out);

    assertTimeoutPreemptively(Duration.ofSeconds(120), () -> killMidWrite(target, out, big));

    assertThat(Snapshot.of(out)).as("the previous target").isEqualTo(before);
    List<Path> left = temporaryFiles();
    assertThat(left).as("what the killed writer left").isNotEmpty();

    // Less than a minute old: a live writer may own them; they stay.
    Image next = Image.fromScratch().add(big, "/big.bin").tag("next:1");
    next.writeTo(out, options);
    assertThat(temporaryFiles()).containsAll(left);

    for (Path p : left) {
      backDate(p);
    }
    next.writeTo(out, options);
    assertThat(temporaryFiles()).as("after the next write").isEmpty();
    Archive written = Archive.read(out);
    assertThat(written.image("next:1")).isPresent();
  }

  /** Starts a child JVM that writes an image whose second layer never ends, and kills it with SIGKILL. */
  private void killMidWrite(Target target, Path out, Path big) throws Exception {
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Writer.class.getName(), target.name(), out.toString(),
        big.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    try {
      String line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      assertThat(line).isEqualTo("stalled");
      // The stall is in the middle: the big file's layer is generated side by side with it.
      waitForAFileOf(big, big.toFile().length());
    } finally {
      child.destroyForcibly(); // SIGKILL: no finally block, no shutdown hook runs
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(child.exitValue()).isEqualTo(128 + 9);
  }

  /** Waits until some file other than {@code big} is at least as large: the big layer is written. */
  private void waitForAFileOf(Path big, long bytes) throws Exception {
    while (true) {
      try (Stream<Path> all = Files.walk(dir)) {
        if (all.anyMatch(p -> !p.equals(big) && Files.isRegularFile(p) && p.toFile().length() >= bytes)) {
          return;
        }
      } catch (java.io.UncheckedIOException e) {
        // A temporary file renamed while walking; look again.
      }
      Thread.sleep(20);
    }
  }

  /** Every file or directory under the test directory whose name marks it as a temporary sibling. */
  private List<Path> temporaryFiles() throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(p -> p.getFileName().toString().contains(".scratch4j-")
          && p.getFileName().toString().endsWith(".tmp")).toList();
    }
  }

  /** Two minutes back, from another process (see TempSiblingsTest.age). */
  private static void backDate(Path p) throws Exception {
    long at = Instant.now().minusSeconds(120).getEpochSecond();
    Process touch = new ProcessBuilder("touch", "-h", "-d", "@" + at, p.toString()).start();
    assertThat(touch.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(touch.exitValue()).isZero();
  }

  /**
   * What the target was: an archive's bytes; a layout's index and the blobs it had. A killed write
   * into an existing layout may leave whole blobs that nothing refers to (each is renamed into place
   * only once complete), which is checked apart.
   */
  private record Snapshot(List<String> files) {
    static Snapshot of(Path p) throws IOException {
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        return new Snapshot(List.of());
      }
      if (Files.isRegularFile(p)) {
        return new Snapshot(List.of(digest(Files.readAllBytes(p))));
      }
      List<String> files = new java.util.ArrayList<>();
      files.add("index.json " + Files.readString(p.resolve("index.json")));
      files.add("oci-layout " + Files.readString(p.resolve("oci-layout")));
      try (Stream<Path> blobs = Files.list(p.resolve("blobs/sha256"))) {
        for (Path blob : blobs.sorted().toList()) {
          String name = blob.getFileName().toString();
          if (!name.startsWith(".")) {
            assertThat(digest(Files.readAllBytes(blob))).as("a blob is whole").isEqualTo(name);
          }
        }
      }
      return new Snapshot(files);
    }

    private static String digest(byte[] bytes) {
      try {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** The child: writes an image whose last layer's source stalls forever once it is opened. */
  static final class Writer {
    public static void main(String[] args) throws IOException {
      Target target = Target.valueOf(args[0]);
      Source stalling = Source.of(1 << 20, () -> new InputStream() {
        @Override
        public int read() {
          System.out.println("stalled");
          System.out.flush();
          while (true) {
            try {
              Thread.sleep(60_000);
            } catch (InterruptedException e) {
              // Keep stalling: only SIGKILL ends this write.
            }
          }
        }
      });
      Image image = Image.fromScratch()
          .add(Path.of(args[2]), "/big.bin")
          .add(Layer.builder().addFile("/stalls", stalling).build())
          .tag("killed:1");
      WriteOptions options = target == Target.ARCHIVE
          ? WriteOptions.defaults()
          : WriteOptions.defaults().withFormat(WriteOptions.Format.OCI_LAYOUT);
      image.writeTo(Path.of(args[1]), options);
      System.out.println("finished");
    }
  }
}
