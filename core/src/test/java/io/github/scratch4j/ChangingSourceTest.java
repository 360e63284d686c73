package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.scratch4j.internal.io.CopyProbe;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A large source file that changes while an image is written: the write fails with a
 * {@link SourceChangedException} naming the file and the change, whatever the target, and leaves a
 * file or layout target as it was, with no temporary file behind. Large files take the fast paths:
 * into a file target read ahead in chunks by a copier thread that writes them while they are
 * hashed, elsewhere read in chunks by the writing thread. The changes are made at fixed points of
 * the copy through {@link CopyProbe}, on those real paths, and also at random moments in a loop.
 */
class ChangingSourceTest {
  private static final int BIG = (32 << 20) + (2 << 20);
  /** Where the file is cut between chunks: the chunks before are read whole. */
  private static final long CUT_AT = 32L << 20;

  @TempDir Path dir;

  @AfterEach
  void removeProbe() {
    CopyProbe.install(null);
  }

  /** Where the image goes. */
  enum Target {
    /** An archive file: a copier thread reads the file ahead and writes it while it is hashed. */
    FILE,
    /** Two layers into an archive file, generated side by side into reserved ranges. */
    FILE_TWO_LAYERS,
    /** A gzipped archive file: the chunks read go through the compressor. */
    FILE_GZIP,
    /** A stream: a layer larger than 4 MiB is generated twice, first only to hash it. */
    STREAM,
    /** A gzipped stream: the layer is spooled. */
    STREAM_GZIP,
    /** A new image layout directory, built in a temporary sibling. */
    LAYOUT,
    /** An existing image layout, which blobs are added to in place. */
    LAYOUT_EXISTING
  }

  /** What happens to the file, and when. */
  enum Change {
    TRUNCATED_BETWEEN_CHUNKS,
    TRUNCATED_BEFORE_THE_COPY,
    GREW_AFTER_THE_COPY,
    REPLACED_WHILE_OPEN,
    MODIFIED_IN_PLACE,
    REMOVED_WHILE_OPEN
  }

  static Stream<Arguments> targetsAndChanges() {
    List<Arguments> all = new ArrayList<>();
    for (Target t : Target.values()) {
      for (Change c : Change.values()) {
        all.add(Arguments.of(t, c));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("targetsAndChanges")
  void aChangeDuringTheWriteIsASourceChangedExceptionNamingTheFileAndTheChange(Target target, Change change)
      throws Exception {
    Path big = bigFile();
    Path out = dir.resolve(target.name().startsWith("LAYOUT") ? "layout" : "out.tar");
    Before before = prepare(target, out);
    Image image = image(target, big);
    AtomicBoolean acted = new AtomicBoolean();
    CopyProbe.install((point, file, offset) -> {
      if (file.equals(big) && isTheMoment(change, point, offset) && acted.compareAndSet(false, true)) {
        act(change, big);
      }
    });

    Throwable thrown = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> catchThrowable(() -> write(image, target, out)));

    assertThat(acted).as("the change was made").isTrue();
    assertThat(thrown).isInstanceOf(SourceChangedException.class)
        .hasMessageContaining("source of /big.bin (file " + big + ")");
    switch (change) {
      case TRUNCATED_BETWEEN_CHUNKS -> {
        assertThat(thrown).hasMessageContaining("shrank while it was archived: expected " + BIG + " bytes")
            .hasMessageContaining("got " + (10 << 20));
        // The read ended early, and that is what revealed the change.
        assertThat(thrown.getCause()).isInstanceOf(java.io.EOFException.class)
            .hasMessageContaining("ended after " + CUT_AT + " of " + BIG + " bytes");
      }
      case TRUNCATED_BEFORE_THE_COPY ->
          assertThat(thrown).hasMessageContaining("shrank while it was archived: expected " + BIG + " bytes")
              .hasMessageContaining("got " + (CUT_AT + (1 << 20)));
      case GREW_AFTER_THE_COPY ->
          assertThat(thrown).hasMessageContaining("grew while it was archived: expected " + BIG + " bytes")
              .hasMessageContaining("got " + (BIG + 10));
      case REPLACED_WHILE_OPEN -> assertThat(thrown).hasMessageContaining("was replaced while it was archived");
      case MODIFIED_IN_PLACE -> assertThat(thrown).hasMessageContaining("was modified while it was archived");
      case REMOVED_WHILE_OPEN -> assertThat(thrown).hasMessageContaining("was removed while it was archived");
    }
    before.assertUntouched();
    assertNoTemporaryFiles();
  }

  /**
   * No fixed points: another thread truncates or extends the file at a moment that moves through
   * the write from one run to the next. Each write succeeds (the change came after it) or fails with
   * a {@link SourceChangedException} naming the file; never anything else, and never a temporary
   * file left behind.
   */
  @ParameterizedTest
  @EnumSource(value = Target.class, names = {"FILE", "FILE_GZIP", "STREAM", "LAYOUT"})
  void aFileChangedAtAnyMomentFailsOnlyWithSourceChangedException(Target target) throws Exception {
    byte[] content = new byte[16 << 20];
    new Random(3).nextBytes(content);
    Path big = dir.resolve("big.bin");
    int failures = 0;
    for (int run = 0; run < 16; run++) {
      Files.write(big, content);
      Path out = dir.resolve(target.name().startsWith("LAYOUT") ? "layout" + run : "out.tar");
      Image image = image(target, big);
      long delay = run * 2L;
      long newLength = run % 2 == 0 ? 1 << 20 : 20 << 20;
      Thread changer = new Thread(() -> {
        try {
          Thread.sleep(delay);
          try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(newLength);
          }
        } catch (InterruptedException | IOException e) {
          throw new IllegalStateException(e);
        }
      });
      changer.start();
      Throwable thrown = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> catchThrowable(() -> write(image, target, out)));
      changer.join();
      if (thrown != null) {
        failures++;
        assertThat(thrown).isInstanceOf(SourceChangedException.class)
            .hasMessageContaining("file " + big)
            .hasMessageMatching("(?s).*(shrank|grew) (while|after) it was (archived|added): expected "
                + content.length + " bytes \\(its size when it was added\\), got " + newLength + ".*");
      }
      assertNoTemporaryFiles();
    }
    // Most runs change the file in the middle of the write (one that never did would prove nothing).
    assertThat(failures).isGreaterThan(4);
  }

  /**
   * A stream target reads a layer of more than 4 MiB twice, first only to hash it. A file
   * rewritten in place between the two reads (same size, other bytes) changes the layer's digest,
   * and the failure names the file, not only the digests.
   */
  @org.junit.jupiter.api.Test
  void aFileRewrittenBetweenTheHashAndTheWriteOfAStreamIsNamed() throws Exception {
    Path small = Files.writeString(dir.resolve("app.conf"), "port=80\n".repeat(640 << 10));
    Image image = Image.fromScratch().add(small, "/etc/app.conf");
    AtomicBoolean rewritten = new AtomicBoolean();
    OutputStream sink = new OutputStream() {
      private long count;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        // The archive's two directory headers come first, then the layer's header, after its hash.
        count += len;
        if (count > 1024 && rewritten.compareAndSet(false, true)) {
          Files.writeString(small, "port=81\n".repeat(640 << 10));
        }
      }
    };
    Throwable thrown = catchThrowable(() -> image.writeTo(sink));
    assertThat(rewritten).isTrue();
    assertThat(thrown).isInstanceOf(SourceChangedException.class)
        .hasMessageContaining("changed between hashing it and writing it")
        .hasMessageContaining("changed since the write began: /etc/app.conf (file " + small + ", modified at");
  }

  private Path bigFile() throws IOException {
    byte[] content = new byte[BIG];
    new Random(1).nextBytes(content);
    return Files.write(dir.resolve("big.bin"), content);
  }

  private static Image image(Target target, Path big) {
    Image image = Image.fromScratch();
    if (target == Target.FILE_TWO_LAYERS) {
      image = image.add(Layer.builder().addFile("/small", Source.of(new byte[] {1, 2, 3})).build());
    }
    return image.add(big, "/big.bin");
  }

  private static boolean isTheMoment(Change change, CopyProbe.Point point, long offset) {
    return switch (change) {
      case TRUNCATED_BETWEEN_CHUNKS -> point == CopyProbe.Point.CHUNK_READ && offset == CUT_AT;
      case TRUNCATED_BEFORE_THE_COPY -> point == CopyProbe.Point.CHUNK_READ && offset == 0;
      case GREW_AFTER_THE_COPY, MODIFIED_IN_PLACE -> point == CopyProbe.Point.COPIED;
      case REPLACED_WHILE_OPEN, REMOVED_WHILE_OPEN -> point == CopyProbe.Point.OPENED;
    };
  }

  private void act(Change change, Path big) throws IOException {
    switch (change) {
      // The chunks before 32 MiB were read whole; the next read finds the end.
      case TRUNCATED_BETWEEN_CHUNKS -> setLength(big, 10 << 20);
      // Nothing is read yet: the copy reads 33 MiB of the 34 it expects, then finds the end.
      case TRUNCATED_BEFORE_THE_COPY -> setLength(big, CUT_AT + (1 << 20));
      case GREW_AFTER_THE_COPY -> Files.write(big, new byte[10], StandardOpenOption.APPEND);
      case REPLACED_WHILE_OPEN -> {
        // Same size, other bytes: a copy that reopened the name would read another file.
        Path other = Files.write(dir.resolve("other.bin"), new byte[BIG]);
        Files.move(other, big, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
      case MODIFIED_IN_PLACE -> {
        FileTime mtime = Files.getLastModifiedTime(big);
        try (FileChannel channel = FileChannel.open(big, StandardOpenOption.WRITE)) {
          channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), 1000);
        }
        // The kernel sets the new time; set it clearly later too, so that the test does not depend
        // on how fine the file system's timestamps are.
        Files.setLastModifiedTime(big, FileTime.fromMillis(mtime.toMillis() + 2000));
      }
      case REMOVED_WHILE_OPEN -> Files.delete(big);
    }
  }

  private static void setLength(Path file, long length) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(length);
    }
  }

  private static void write(Image image, Target target, Path out) throws IOException {
    WriteOptions gzip = WriteOptions.defaults().withCompression(Compression.GZIP);
    switch (target) {
      case FILE, FILE_TWO_LAYERS -> image.writeTo(out);
      case FILE_GZIP -> image.writeTo(out, gzip);
      case STREAM -> image.writeTo(OutputStream.nullOutputStream());
      case STREAM_GZIP -> image.writeTo(new ByteArrayOutputStream(), gzip);
      case LAYOUT, LAYOUT_EXISTING -> image.writeTo(out, WriteOptions.defaults().withFormat(WriteOptions.Format.OCI_LAYOUT));
    }
  }

  /** What the target was before the write. */
  private interface Before {
    void assertUntouched() throws IOException;
  }

  private Before prepare(Target target, Path out) throws IOException {
    switch (target) {
      case FILE, FILE_TWO_LAYERS, FILE_GZIP -> {
        Files.writeString(out, "previous content");
        return () -> assertThat(out).hasContent("previous content");
      }
      case LAYOUT -> {
        return () -> assertThat(out).doesNotExist();
      }
      case LAYOUT_EXISTING -> {
        Image.fromScratch().add(Layer.builder().addFile("/old", Source.of(new byte[] {9})).build()).tag("old:1")
            .writeTo(out, WriteOptions.defaults().withFormat(WriteOptions.Format.OCI_LAYOUT));
        byte[] index = Files.readAllBytes(out.resolve("index.json"));
        return () -> {
          assertThat(Files.readAllBytes(out.resolve("index.json"))).isEqualTo(index);
          // Whatever blobs are there are whole: each file's name is its digest.
          try (Stream<Path> blobs = Files.list(out.resolve("blobs/sha256"))) {
            for (Path blob : blobs.toList()) {
              assertThat(blob.getFileName().toString()).isEqualTo(sha256(blob));
            }
          }
        };
      }
      default -> {
        return () -> { };
      }
    }
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void assertNoTemporaryFiles() throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      assertThat(all.map(p -> dir.relativize(p).toString()))
          .noneMatch(name -> name.contains(".tmp") || name.startsWith(".") || name.contains("/."));
    }
  }
}
