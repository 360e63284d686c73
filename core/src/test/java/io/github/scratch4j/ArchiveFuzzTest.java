package io.github.scratch4j;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the whole read path: {@link Archive#read} of a file, then for every image read its file
 * system, every file's bytes, and an image derived from it written to a discarding stream. Any
 * input may be refused with an {@link IOException}; anything else that comes out (a runtime
 * exception, {@link UncheckedIOException}, an error, or more than the timeout on one input) is a
 * finding.
 *
 * <p>Two targets. {@code archive} takes the fuzzer's bytes as the archive file. {@code layer}
 * takes them (after a first byte that picks the wrapper) as the one layer of an otherwise valid
 * image, with the right digest and diff_id, so that the fuzzer reaches the layer parser instead of
 * the digest checks: in an OCI archive, in a legacy docker-archive, or as a plain root file system
 * tarball. An uncompressed layer gets its tar header checksums fixed first
 * ({@link ArchiveFuzzInputs#withHeaderChecksums}), the one check a mutation nearly always breaks;
 * {@code archive} keeps its bytes as they are, so checksum errors stay covered there.
 *
 * <p>Under {@code mvn verify} (regression mode) each target replays its corpus in
 * {@code src/test/resources/io/github/scratch4j/ArchiveFuzzTestInputs/<target>}, each input within
 * the {@link Timeout}. To fuzz for real, one target per run:
 * {@code JAZZER_FUZZ=1 mvn -pl core -am test -Dtest='ArchiveFuzzTest#layer' -Dsurefire.failIfNoSpecifiedTests=false}
 * (10 minutes unless {@code JAZZER_MAX_DURATION=3m}). Jazzer hands the {@link Timeout} to libFuzzer
 * as its per-input {@code -timeout}; the {@code fuzzing} profile of core's pom, active when
 * {@code JAZZER_FUZZ} is set, keeps JUnit from also applying it to the whole fuzzing run. The run
 * stops at the first finding and writes it to the inputs directory ({@code crash-*},
 * {@code timeout-*}); {@code JAZZER_KEEP_GOING=N} goes on past findings, but then the test passes
 * whatever was found, so read the log's {@code DEDUP_TOKEN} lines.
 */
class ArchiveFuzzTest {
  private static Path work;

  @BeforeAll
  static void workDirectory() throws IOException {
    work = Files.createTempDirectory("scratch4j-fuzz");
  }

  @AfterAll
  static void removeWorkDirectory() throws IOException {
    try (var files = Files.list(work)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(work);
  }

  /** Tokens of the formats read, offered to the fuzzer's mutations. */
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @DictionaryEntries({"ustar\u000000", "ustar  \u0000", "././@LongLink", "PaxHeader", "path=", "linkpath=",
      "mtime=", "size=", "uid=", "gid=", ".wh.", ".wh..wh..opq", "../", "index.json", "manifest.json",
      "oci-layout", "blobs/sha256/", "\"diff_ids\"", "\"layers\"", "\"config\"", "\"mediaType\"", "\"digest\"",
      "\"size\"", "sha256:", "\"manifests\"", "\"Config\"", "\"Layers\"", "\"RepoTags\"",
      "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json",
      "application/vnd.oci.image.layer.v1.tar+gzip", "application/vnd.oci.image.config.v1+json",
      "org.opencontainers.image.ref.name"})
  @FuzzTest(maxDuration = "10m")
  void archive(byte[] data) throws IOException {
    readAndUse(Files.write(work.resolve("archive.tar"), data));
  }

  /** The fuzzer's bytes as the one layer of a valid image (the first byte picks the wrapper). */
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @DictionaryEntries({"ustar\u000000", "ustar  \u0000", "././@LongLink", "PaxHeader", "path=", "linkpath=",
      "mtime=", "size=", "uid=", "gid=", "uname=", "gname=", ".wh.", ".wh..wh..opq", "../", "./", "//",
      "0000755\u0000", "0000644\u0000"})
  @FuzzTest(maxDuration = "10m")
  void layer(byte[] data) throws IOException {
    if (data.length == 0) {
      return; // no wrapper chosen
    }
    byte[] archive = ArchiveFuzzInputs.wrapLayer(data[0], java.util.Arrays.copyOfRange(data, 1, data.length));
    readAndUse(Files.write(work.resolve("layer.tar"), archive));
  }

  /**
   * The limits of the fuzzed reads: the defaults, but a layer (and what its sparse files expand to)
   * of at most 256 MiB. A sparse file's holes cost its tar nothing, so a small input can stand for
   * files of 64 GiB; reading all their bytes, as this test does, then takes minutes, which is the
   * documented cost of reading such a file, not a finding.
   */
  static final ReadOptions LIMITS = ReadOptions.defaults().withMaxLayerSize(256L << 20);

  /** Reads the file and uses every image in it; IOExceptions are the allowed refusals. */
  private static void readAndUse(Path file) {
    Archive archive;
    try {
      archive = Archive.read(file, LIMITS);
    } catch (IOException refused) {
      requireMessage(refused);
      return;
    }
    List<Image> images = new ArrayList<>(archive.images());
    archive.indexes().forEach(index -> images.addAll(index.images()));
    for (Image image : images) {
      try {
        use(image);
      } catch (IOException refused) {
        requireMessage(refused);
      }
    }
  }

  private static void use(Image image) throws IOException {
    image.toString();
    image.config().entrypoint();
    for (Layer layer : image.layers()) {
      for (Entry e : layer.entries()) {
        if (e instanceof FileEntry f) {
          readFully(f);
        }
      }
    }
    for (Entry e : image.fileSystem().values()) {
      if (e instanceof FileEntry f) {
        readFully(f);
      }
    }
    Image derived = image.add(Entry.file("/scratch4j-fuzz/added", Source.of("added\n".getBytes(StandardCharsets.UTF_8))));
    try {
      derived.writeTo(OutputStream.nullOutputStream());
    } catch (ImageCheckException refusedAsDocumented) {
      // The base image's entrypoint may be missing, its user unknown, or its executables of two
      // architectures: Image.writeTo refuses such images on purpose. Write it anyway, to reach the writer.
      derived.without(ImageCheck.values()).writeTo(OutputStream.nullOutputStream());
    }
  }

  /** Reads a file's bytes; a source that gives other than its size in bytes is a finding too. */
  private static void readFully(FileEntry f) throws IOException {
    long n;
    try (InputStream in = f.source().open()) {
      n = in.transferTo(OutputStream.nullOutputStream());
    }
    if (n != f.source().size()) {
      throw new AssertionError(f.path() + " gave " + n + " bytes; its source says " + f.source().size());
    }
  }

  private static void requireMessage(IOException e) {
    if (e.getMessage() == null || e.getMessage().isBlank()) {
      throw new AssertionError("an exception without a message", e);
    }
  }
}
