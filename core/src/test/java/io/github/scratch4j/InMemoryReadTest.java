package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Archives read back from a byte array or a stream, and their files read without casts. */
class InMemoryReadTest {
  private static final byte[] HELLO = "hello\n".getBytes(StandardCharsets.UTF_8);

  private static Image image() {
    return Image.fromScratch()
        .add(Layer.builder()
            .owner(1000, 1000)
            .addFile("/etc/greeting", Source.of(HELLO))
            .addFile("/bin/tool", Source.of(new byte[] {1, 2, 3}), 0755)
            .addDirectory("/var/data")
            .addSymlink("/usr/bin/tool", "/bin/tool")
            .addHardlink("/etc/greeting-again", "/etc/greeting")
            .build())
        .cmd("/bin/tool").without(ImageCheck.ENTRYPOINT)
        .env("GREETING", "/etc/greeting")
        .tag("memory:1");
  }

  private static byte[] bytes(Image image, WriteOptions options) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    image.writeTo(out, options);
    return out.toByteArray();
  }

  @Test
  void anArchiveWrittenToBytesReadsBackFromThemWithoutAFile() throws IOException {
    List<Path> before = spools();
    Image read = Archive.read(bytes(image(), WriteOptions.defaults())).image("memory:1").orElseThrow();

    FileEntry greeting = read.file("/etc/greeting").orElseThrow();
    assertThat(greeting.readString()).isEqualTo("hello\n");
    assertThat(greeting.mode()).isEqualTo(0644);
    assertThat(greeting.uid()).isEqualTo(1000);
    assertThat(read.file("/bin/tool").orElseThrow().readAllBytes()).containsExactly(1, 2, 3);
    assertThat(read.config().env("GREETING")).contains("/etc/greeting");
    assertThat(spools()).isEqualTo(before);
  }

  @Test
  void gzipLayersAndAWholeGzippedArchiveReadFromBytes() throws IOException {
    byte[] gzipLayers = bytes(image(), WriteOptions.defaults().withCompression(Compression.GZIP));
    assertThat(Archive.read(gzipLayers).images().get(0).file("/etc/greeting").orElseThrow().readString())
        .isEqualTo("hello\n");

    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(bytes(image(), WriteOptions.defaults()));
    }
    assertThat(Archive.read(gz.toByteArray()).images().get(0).file("/bin/tool").orElseThrow().readAllBytes())
        .containsExactly(1, 2, 3);
  }

  @Test
  void aStreamIsSpooledToATemporaryFileThatLeavesNothingOnDisk() throws IOException {
    List<Path> before = spools();
    byte[] archive = bytes(image(), WriteOptions.defaults());
    InputStream in = new ByteArrayInputStream(archive);
    Archive read = Archive.read(in);
    assertThat(in.read()).as("the stream is read to its end").isEqualTo(-1);
    assertThat(spools()).as("temporary files in java.io.tmpdir").isEqualTo(before);

    // The layers are read again, after the stream has ended, when the image is written.
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    read.images().get(0).writeTo(again);
    assertThat(again.toByteArray()).isEqualTo(archive);
  }

  @Test
  void anEndlessStreamIsRefusedAtTheImageSizeLimitWithoutFillingTheDisk() throws IOException {
    long[] given = {0};
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        given[0]++;
        return 0;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        java.util.Arrays.fill(b, off, off + len, (byte) 0);
        given[0] += len;
        return len;
      }
    };
    List<Path> before = spools();
    assertThatThrownBy(() -> Archive.read(endless, ReadOptions.defaults().withMaxImageSize(1 << 20)))
        .isInstanceOf(ImageFormatException.class)
        .hasMessage("the archive read from a stream is more than 1048576 bytes, the most an archive read from a "
            + "stream may hold (ReadOptions.maxImageSize)");
    assertThat(given[0]).as("bytes taken from the stream").isLessThan(2 << 20);
    assertThat(spools()).isEqualTo(before);
  }

  /** Every archive input the fuzz test keeps, read from a file and from its bytes: the same images, or the same refusal. */
  @Test
  void theFuzzCorpusReadsFromBytesAsFromAFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path corpus = Path.of(InMemoryReadTest.class.getResource("ArchiveFuzzTestInputs/archive").toURI());
    List<Path> inputs;
    try (Stream<Path> s = Files.list(corpus)) {
      inputs = s.sorted().toList();
    }
    assertThat(inputs).hasSizeGreaterThan(10);
    for (Path input : inputs) {
      byte[] bytes = Files.readAllBytes(input);
      Path file = dir.resolve(input.getFileName().toString());
      Files.write(file, bytes);
      Object fromFile = outcome(() -> Archive.read(file));
      Object fromBytes = outcome(() -> Archive.read(bytes));
      if (fromFile instanceof Archive a && fromBytes instanceof Archive b) {
        assertThat(b).as(input.getFileName().toString()).isEqualTo(a);
      } else {
        assertThat(fromBytes).as(input.getFileName().toString()).hasSameClassAs(fromFile);
      }
    }
  }

  private interface Read {
    Archive read() throws IOException;
  }

  private static Object outcome(Read read) {
    try {
      return read.read();
    } catch (IOException e) {
      return e;
    }
  }

  @Test
  void aReadImageWrittenBackToBytesIsTheSameArchive() throws IOException {
    byte[] first = bytes(image(), WriteOptions.defaults());
    byte[] second = bytes(Archive.read(first).images().get(0), WriteOptions.defaults());
    assertThat(second).isEqualTo(first);
    Image changed = Archive.read(second).images().get(0).add(Entry.file("/etc/new", Source.of(HELLO)));
    Image reread = Archive.read(bytes(changed, WriteOptions.defaults())).images().get(0);
    assertThat(reread.layers()).hasSize(2);
    assertThat(reread.file("/etc/new")).isPresent();
  }

  @Test
  void corruptBytesAreAnImageFormatExceptionNamingTheArchiveInMemory() throws IOException {
    byte[] archive = bytes(image(), WriteOptions.defaults());
    archive[100] ^= 1; // inside the first tar header's name
    assertThatThrownBy(() -> Archive.read(archive))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("the archive of " + archive.length + " bytes in memory");
  }

  @Test
  void typedReadsGiveEachKindWithoutACast() throws IOException {
    Image read = Archive.read(bytes(image(), WriteOptions.defaults())).images().get(0);

    assertThat(read.symlink("/usr/bin/tool").orElseThrow().target()).isEqualTo("/bin/tool");
    assertThat(read.directory("/var/data")).isPresent();
    assertThat(read.directory("/var/data/")).as("normalized").isPresent();
    assertThat(read.file("/etc/greeting-again").orElseThrow().readString()).as("a hard link reads as its file")
        .isEqualTo("hello\n");
    assertThat(read.file("/var/data")).as("a directory is not a file").isEmpty();
    assertThat(read.file("/usr/bin/tool")).as("links are not followed").isEmpty();
    assertThat(read.file("/missing")).isEmpty();
    assertThat(read.symlink("/bin/tool")).isEmpty();
    assertThat(read.entry("/etc")).containsInstanceOf(DirectoryEntry.class);
    assertThat(read.listing()).contains(
        "-rwxr-xr-x 1000:1000 3 /bin/tool",
        "-rw-r--r-- 1000:1000 6 /etc/greeting",
        "drwxr-xr-x 1000:1000 /var/data/",
        "lrwxrwxrwx 1000:1000 /usr/bin/tool -> /bin/tool");
    assertThat(read.listing()).anyMatch(l -> l.endsWith("/etc/greeting-again (hard link to /etc/greeting)"));
  }

  private static List<Path> spools() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("scratch4j-read-")).sorted().toList();
    }
  }
}
