package io.github.scratch4j.internal.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Temporary siblings: what a killed writer leaves is recognised and removed by the next write to the
 * same target; a fresh one, a locked one, and anything not clearly ours for that target is kept.
 */
class TempSiblingsTest {
  private static final String OURS = ".out.tar.scratch4j-0123456789ab.tmp";

  @TempDir Path dir;

  /** A file as a killed writer leaves it: named for its target, partly written, unlocked. */
  private Path leftFile(String name, long ageSeconds) throws IOException {
    Path file = Files.write(dir.resolve(name), new byte[4096]);
    age(file, ageSeconds);
    return file;
  }

  /**
   * Back-dates a file by {@code touch}: another process, because the JDK sets times through a
   * descriptor it opens and closes, and closing any descriptor of a file drops the POSIX locks this
   * process holds on it.
   */
  static void age(Path file, long seconds) throws IOException {
    long at = Instant.now().minusSeconds(seconds).getEpochSecond();
    try {
      Process touch = new ProcessBuilder("touch", "-h", "-d", "@" + at, file.toString()).redirectErrorStream(true).start();
      String output = new String(touch.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(touch.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(touch.exitValue()).as(output).isZero();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    assertThat(Files.getLastModifiedTime(file, java.nio.file.LinkOption.NOFOLLOW_LINKS).toInstant().getEpochSecond()).isEqualTo(at);
  }

  private void writeTarget() throws IOException {
    AtomicFile.write(dir.resolve("out.tar"), channel -> channel.write(ByteBuffer.wrap(new byte[] {1})));
  }

  private List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aStaleFileLeftByAKilledWriterIsRemovedByTheNextWriteToTheSameTarget() throws Exception {
    leftFile(OURS, 120);
    writeTarget();
    assertThat(names()).containsExactly("out.tar");
  }

  @Test
  void aFreshOneIsKept() throws Exception {
    leftFile(OURS, 10);
    writeTarget();
    assertThat(names()).containsExactly(OURS, "out.tar");
  }

  @Test
  void oneLockedByAnotherProcessIsKeptUntilThatProcessEnds() throws Exception {
    Path left = leftFile(OURS, 120);
    try (LockHolder holder = LockHolder.lock(left)) {
      // Locking does not modify the file, so it is still two minutes old.
      writeTarget();
      assertThat(names()).containsExactly(OURS, "out.tar");
    }
    writeTarget();
    assertThat(names()).containsExactly("out.tar");
  }

  @Test
  void oneLockedThroughAnotherChannelOfThisJvmIsKept() throws Exception {
    Path left = leftFile(OURS, 120);
    try (FileChannel channel = FileChannel.open(left, StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
      writeTarget();
      assertThat(names()).containsExactly(OURS, "out.tar");
      assertThat(lock.isValid()).isTrue();
    }
  }

  /**
   * A live writer of this JVM that has not written for over a minute is not even opened by a sweep:
   * closing any channel to a file drops every POSIX lock the process holds on it, which would leave
   * the writer's file unprotected against other processes.
   */
  @Test
  void aLiveWriterOfThisJvmKeepsItsFileAndItsLock() throws Exception {
    try (TempSiblings.TempFile live = TempSiblings.createFile(dir.resolve("out.tar"))) {
      age(live.path(), 120);
      writeTarget();
      assertThat(live.path()).exists();
      assertThat(LockHolder.canLock(live.path())).as("another process can take the lock").isFalse();
    }
    assertThat(names()).containsExactly("out.tar");
  }

  @Test
  void filesThatOnlyLookLikeOursAreKept() throws Exception {
    List<String> others = List.of(
        ".out.tar.scratch4j-0123456789AB.tmp",   // not lower-case hex
        ".out.tar.scratch4j-0123456789a.tmp",    // 11 digits
        ".out.tar.scratch4j-0123456789abc.tmp",  // 13 digits
        ".out.tar.scratch4j-0123456789ab.tmp.x",
        ".out.tar.scratch4j-0123456789ab",
        "out.tar.scratch4j-0123456789ab.tmp",    // no leading dot
        ".other.tar.scratch4j-0123456789ab.tmp", // another target's
        ".out.tar.0123456789ab.tmp",             // no mark (an older scheme, or someone else's)
        ".xout.tar.scratch4j-0123456789ab.tmp");
    for (String name : others) {
      leftFile(name, 120);
    }
    // A link with our name is not a temporary file: neither it nor what it points at is touched.
    Path pointee = leftFile("precious", 120);
    age(Files.createSymbolicLink(dir.resolve(OURS), pointee), 120);
    writeTarget();
    assertThat(names()).containsExactlyInAnyOrderElementsOf(
        Stream.concat(others.stream(), Stream.of(OURS, "precious", "out.tar")).toList());
    assertThat(Files.size(pointee)).isEqualTo(4096);
  }

  @Test
  void staleDirectoriesAreRemovedUnlessTheirLockFileIsHeld() throws Exception {
    Path dead = Files.createDirectories(dir.resolve(".layout.scratch4j-00000000000a.tmp/blobs/sha256"));
    Files.write(dead.resolve("aa"), new byte[10]);
    Files.createFile(dir.resolve(".layout.scratch4j-00000000000a.tmp").resolve(TempSiblings.LOCK_FILE));
    Path noLockFile = Files.createDirectories(dir.resolve(".layout.scratch4j-00000000000b.tmp/blobs"));
    Path live = Files.createDirectories(dir.resolve(".layout.scratch4j-00000000000c.tmp"));
    Path liveLock = Files.createFile(live.resolve(TempSiblings.LOCK_FILE));
    Path fresh = Files.createDirectories(dir.resolve(".layout.scratch4j-00000000000d.tmp"));
    for (Path p : List.of(dead.getParent().getParent(), noLockFile.getParent(), live)) {
      age(p, 120);
    }
    try (LockHolder holder = LockHolder.lock(liveLock)) {
      TempSiblings.sweep(dir.resolve("layout"));
      assertThat(names()).containsExactly(live.getFileName().toString(), fresh.getFileName().toString());
    }
  }

  @Test
  void blobTemporaryFilesInALayoutAreSweptByName() throws Exception {
    Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
    Path left = Files.write(blobs.resolve(".blob.scratch4j-fedcba987654.tmp"), new byte[100]);
    Path blob = Files.write(blobs.resolve("ab".repeat(32)), new byte[1]);
    age(left, 120);
    age(blob, 120);
    TempSiblings.sweep(blobs, "blob");
    assertThat(left).doesNotExist();
    assertThat(blob).exists();
  }

  @Test
  void aTargetNameTooLongForTheMarkGetsAHashedPrefixThatIsStillRecognised() throws Exception {
    String longName = "n".repeat(250);
    String name = TempSiblings.name(longName);
    assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
    assertThat(name).startsWith(".~").endsWith(".tmp");
    assertThat(TempSiblings.isSibling(name, TempSiblings.prefix(longName))).isTrue();
    assertThat(TempSiblings.isSibling(name, TempSiblings.prefix("n".repeat(249)))).isFalse();
    Path left = leftFile(name, 120);
    TempSiblings.sweep(dir, longName);
    assertThat(left).doesNotExist();
  }

  @Test
  void aFailedWriteLeavesNoTemporaryFileAndTheTargetAsItWas() throws Exception {
    Path out = Files.writeString(dir.resolve("out.tar"), "previous");
    IOException failure = new IOException("the writer failed");
    assertThatThrownBy(() -> AtomicFile.write(out, channel -> {
      channel.write(ByteBuffer.wrap(new byte[100]));
      throw failure;
    })).isSameAs(failure);
    assertThat(names()).containsExactly("out.tar");
    assertThat(out).hasContent("previous");
  }

  /** Another process that holds a POSIX lock on a file until closed. */
  static final class LockHolder implements AutoCloseable {
    private final Process process;

    private LockHolder(Process process) {
      this.process = process;
    }

    static LockHolder lock(Path file) throws IOException {
      Process p = child("hold", file);
      String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      assertThat(line).isEqualTo("locked");
      return new LockHolder(p);
    }

    /** Whether another process could take the lock on {@code file} now. */
    static boolean canLock(Path file) throws Exception {
      Process p = child("try", file);
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return out.equals("free");
    }

    private static Process child(String mode, Path file) throws IOException {
      return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), Main.class.getName(), mode, file.toString())
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
    }

    @Override
    public void close() throws Exception {
      process.getOutputStream().close();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    /** The child: {@code hold FILE} locks it until its input ends; {@code try FILE} says whether it could. */
    static final class Main {
      public static void main(String[] args) throws IOException {
        try (FileChannel channel = FileChannel.open(Path.of(args[1]), StandardOpenOption.WRITE)) {
          if (args[0].equals("hold")) {
            channel.lock();
            System.out.println("locked");
            System.out.flush();
            System.in.readAllBytes();
          } else {
            System.out.println(channel.tryLock() != null ? "free" : "held");
          }
        }
      }
    }
  }
}
