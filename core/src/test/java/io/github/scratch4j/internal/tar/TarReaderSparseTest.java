package io.github.scratch4j.internal.tar;

import static io.github.scratch4j.internal.tar.TarReaderHostileInputTest.file;
import static io.github.scratch4j.internal.tar.TarReaderHostileInputTest.fixChecksum;
import static io.github.scratch4j.internal.tar.TarReaderHostileInputTest.paxHeader;
import static io.github.scratch4j.internal.tar.TarReaderHostileInputTest.paxRecord;
import static io.github.scratch4j.internal.tar.TarReaderHostileInputTest.rawHeader;
import static io.github.scratch4j.internal.tar.TarReaderHostileInputTest.tar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.testing.Tools;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GNU sparse files, as GNU tar writes them (old GNU, pax 0.0, 0.1 and 1.0), read as the files
 * they stand for; and every number of a sparse map checked.
 */
class TarReaderSparseTest {
  @TempDir Path dir;

  /** Writes a file of {@code size} bytes with random data at each offset and holes elsewhere. */
  private static byte[] sparseFile(Path file, long size, long seed, long... dataAt) throws IOException {
    Random random = new Random(seed);
    byte[] expected = new byte[(int) size];
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
      for (long at : dataAt) {
        byte[] data = new byte[(int) Math.min(4096 + random.nextInt(5000), size - at)];
        random.nextBytes(data);
        f.seek(at);
        f.write(data);
        System.arraycopy(data, 0, expected, (int) at, data.length);
      }
    }
    return expected;
  }

  private Path gnuTar(String name, String... options) throws IOException, InterruptedException {
    Path out = dir.resolve(name + ".tar");
    List<String> argv = new ArrayList<>(List.of(Tools.require("tar").toString(), "-S"));
    argv.addAll(List.of(options));
    argv.addAll(List.of("-C", dir.resolve("src").toString(), "-cf", out.toString(), "."));
    Tools.Result r = Tools.run(argv);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return out;
  }

  private record Read(TarEntry entry, byte[] content) {}

  private static List<Read> readAll(Path tar) throws IOException {
    List<Read> out = new ArrayList<>();
    try (TarReader r = new TarReader(Files.newInputStream(tar), tar.toString())) {
      Optional<TarEntry> e;
      while ((e = r.next()).isPresent()) {
        out.add(new Read(e.get(), r.content().readAllBytes()));
      }
    }
    return out;
  }

  private static Read entry(List<Read> entries, String name) {
    return entries.stream().filter(r -> r.entry().name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in " + entries.stream().map(r -> r.entry().name()).toList()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"posix-0.0", "posix-0.1", "posix-1.0", "gnu"})
  void readsWhatGnuTarWritesAsTheOriginalFile(String format) throws Exception {
    Files.createDirectories(dir.resolve("src/sub"));
    // Data at the start, in the middle and at the end; a file that ends in a hole; one with more
    // segments than an old GNU header holds (4), so that extension blocks follow it.
    byte[] holes = sparseFile(dir.resolve("src/sub/holes"), 3 << 20, 1, 0, 1 << 20, (3 << 20) - 100);
    byte[] tail = sparseFile(dir.resolve("src/tail-hole"), 2 << 20, 2, 70_000);
    long[] many = new long[30];
    for (int i = 0; i < many.length; i++) {
      many[i] = i * 65536L + 8192;
    }
    byte[] manySegments = sparseFile(dir.resolve("src/many"), 31 * 65536L, 3, many);
    Files.writeString(dir.resolve("src/plain"), "plain\n");
    String[] options = format.equals("gnu") ? new String[] {"--format=gnu"}
        : new String[] {"--format=posix", "--sparse-version=" + format.substring("posix-".length())};
    Path tar = gnuTar(format, options);
    assertThat(Files.size(tar)).as("GNU tar stored the holes as holes").isLessThan(1 << 20);

    List<Read> entries = readAll(tar);
    for (var c : List.of(new Object[] {"./sub/holes", holes}, new Object[] {"./tail-hole", tail},
        new Object[] {"./many", manySegments})) {
      Read r = entry(entries, (String) c[0]);
      assertThat(r.entry().sparse()).as(c[0] + " is read as sparse").isPresent();
      assertThat(r.entry().type()).isEqualTo(TarType.FILE);
      assertThat(r.entry().size()).isEqualTo(((byte[]) c[1]).length);
      assertThat(r.content()).as(c[0] + " expands to the original bytes").isEqualTo((byte[]) c[1]);
      assertThat(r.entry().sparse().get().storedSize()).isLessThan(r.entry().size());
    }
    assertThat(entry(entries, "./many").entry().sparse().get().segments()).isGreaterThanOrEqualTo(30);
    assertThat(new String(entry(entries, "./plain").content(), StandardCharsets.UTF_8)).isEqualTo("plain\n");
    // No made-up GNUSparseFile.<pid> names are left.
    assertThat(entries).noneMatch(r -> r.entry().name().contains("GNUSparseFile"));
  }

  @Test
  void theExpandedContentCanBeSkippedThroughAndReadInPieces() throws Exception {
    Files.createDirectories(dir.resolve("src"));
    byte[] holes = sparseFile(dir.resolve("src/f"), 1 << 20, 4, 100_000, 500_000);
    Path tar = gnuTar("skip", "--format=posix", "--sparse-version=1.0");
    try (TarReader r = new TarReader(Files.newInputStream(tar), "t")) {
      assertThat(r.next().orElseThrow().name()).isEqualTo("./");
      assertThat(r.next().orElseThrow().name()).isEqualTo("./f");
      InputStream in = r.content();
      assertThat(in.skip(99_990)).isEqualTo(99_990);
      assertThat(in.readNBytes(20)).isEqualTo(Arrays.copyOfRange(holes, 99_990, 100_010));
      assertThat(in.skip(450_000)).isEqualTo(450_000);
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(holes, 550_010, holes.length));
      assertThat(r.next()).isEmpty();
    }
  }

  // Hand-made sparse entries: every number a map has is checked.

  /** A pax 0.1 sparse entry: the map in GNU.sparse.map, the stored segments as content. */
  private static byte[] pax01(String map, int numblocks, long realSize, byte[] stored) {
    String records = paxRecord("GNU.sparse.size", String.valueOf(realSize))
        + paxRecord("GNU.sparse.numblocks", String.valueOf(numblocks))
        + paxRecord("GNU.sparse.name", "real-name") + paxRecord("GNU.sparse.map", map);
    return concat(paxHeader(records), file("GNUSparseFile.1/real-name", stored));
  }

  /** A pax 1.0 sparse entry: the map text in front of the stored segments, padded to a block. */
  private static byte[] pax10(String mapText, long realSize, byte[] stored) {
    byte[] map = mapText.getBytes(StandardCharsets.US_ASCII);
    byte[] content = new byte[(int) TarHeader.padded(map.length) + stored.length];
    System.arraycopy(map, 0, content, 0, map.length);
    System.arraycopy(stored, 0, content, (int) TarHeader.padded(map.length), stored.length);
    String records = paxRecord("GNU.sparse.major", "1") + paxRecord("GNU.sparse.minor", "0")
        + paxRecord("GNU.sparse.realsize", String.valueOf(realSize)) + paxRecord("GNU.sparse.name", "real-name");
    return concat(paxHeader(records), file("GNUSparseFile.1/real-name", content));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] readOne(byte[] tar) throws IOException {
    try (TarReader r = new TarReader(new ByteArrayInputStream(tar), "t.tar")) {
      TarEntry e = r.next().orElseThrow();
      assertThat(e.name()).isEqualTo("real-name");
      return r.content().readAllBytes();
    }
  }

  @Test
  void expandsHandMadeMapsOfFormats01And10() throws IOException {
    byte[] stored = "abcde".getBytes(StandardCharsets.US_ASCII);
    assertThat(readOne(tar(pax01("1,3,6,2", 2, 10, stored)))).isEqualTo("\0abc\0\0de\0\0".getBytes(StandardCharsets.US_ASCII));
    assertThat(readOne(tar(pax10("2\n1\n3\n6\n2\n", 10, stored)))).isEqualTo("\0abc\0\0de\0\0".getBytes(StandardCharsets.US_ASCII));
    // Zero-length segments may share an offset; a map with no segment is all hole; leading zeros are numbers.
    assertThat(readOne(tar(pax01("1,3,6,0,6,0,6,2", 4, 8, stored)))).isEqualTo("\0abc\0\0de".getBytes(StandardCharsets.US_ASCII));
    assertThat(readOne(tar(pax10("0\n", 3, new byte[0])))).isEqualTo(new byte[3]);
    assertThat(readOne(tar(pax10("0002\n001\n3\n6\n2\n", 8, stored)))).isEqualTo("\0abc\0\0de".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void refusesMapsThatDoNotDescribeTheStoredBytes() {
    byte[] stored = "abcde".getBytes(StandardCharsets.US_ASCII);
    record Case(byte[] tar, String message) {}
    for (Case c : List.of(
        new Case(tar(pax01("1,3,2,2", 2, 10, stored)), "starts before the end of the one before it"),
        new Case(tar(pax01("6,2,1,3", 2, 10, stored)), "starts before the end of the one before it"),
        new Case(tar(pax01("1,3,6,5", 2, 10, stored)), "ends past the file's real size of 10 bytes"),
        new Case(tar(pax01("1,3,6,1", 2, 10, stored)), "hold 4 bytes but the entry stores 5"),
        new Case(tar(pax01("1,3,6,2", 3, 10, stored)), "GNU.sparse.numblocks says 3 data segments but the map has 4 numbers"),
        new Case(tar(pax01("1,3,6", 2, 10, stored)), "the map has 3 numbers"),
        new Case(tar(pax01("1, 3,6,2", 2, 10, stored)), "not a non-negative decimal number: ' 3'"),
        new Case(tar(pax01("1,3,-6,2", 2, 10, stored)), "not a non-negative decimal number: '-6'"),
        new Case(tar(pax01("1,3,9223372036854775807,2", 2, Long.MAX_VALUE - 600, stored)), "ends past the file's real size"),
        new Case(tar(pax01("1,3,6,2", 2, Long.MAX_VALUE, stored)), "more than a tar can hold"),
        new Case(tar(pax10("2\n1\n3\n6\n2\n", 7, stored)), "ends past the file's real size of 7 bytes"),
        new Case(tar(pax10("2\n" + "0".repeat(510), 10, stored)), "runs past the 517 bytes the entry stores"),
        new Case(tar(pax10("2\n1\n3\n", 10, stored)), "not a decimal digit or a newline: 0x0"),
        new Case(tar(pax10("2\n1\n\n6\n2\n", 10, stored)), "has an empty number"),
        new Case(tar(pax10("2\n1\n3x\n6\n2\n", 10, stored)), "not a decimal digit or a newline: 0x78"),
        new Case(tar(pax10("99999999999999999999\n", 10, stored)), "overflows"),
        new Case(tar(pax10("9223372036854775807\n", 10, stored)), "declares 9223372036854775807 data segments"))) {
      assertThatThrownBy(() -> readOne(c.tar())).as(c.message()).isInstanceOf(ImageFormatException.class)
          .hasMessageContaining(c.message()).hasMessageContaining("t.tar").hasMessageContaining("byte offset");
    }
  }

  @Test
  void refusesSparseVersionsItDoesNotKnowInsteadOfShowingTheMapAsContent() {
    String records = paxRecord("GNU.sparse.major", "2") + paxRecord("GNU.sparse.minor", "0")
        + paxRecord("GNU.sparse.realsize", "10");
    byte[] t = tar(paxHeader(records), file("GNUSparseFile.1/x", new byte[512]));
    assertThatThrownBy(() -> readOne(t)).hasMessageContaining("GNU sparse format 2.0 is not one scratch4j reads");
  }

  @Test
  void refusesSparseRecordsOnAnythingButAFile() {
    String records = paxRecord("GNU.sparse.numblocks", "0") + paxRecord("GNU.sparse.size", "10");
    byte[] t = tar(paxHeader(records), rawHeader("l", '2', "00000000000"));
    assertThatThrownBy(() -> readOne(t)).hasMessageContaining("has GNU sparse file records but is a SYMLINK");
  }

  @Test
  void refusesAMapWithMoreSegmentsThanTheLimitBeforeReadingThem() {
    // A 1.0 map may declare any count; it is checked before the numbers are read or kept.
    byte[] t = tar(pax10("1000001\n", 10, new byte[0]));
    assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
        assertThatThrownBy(() -> readOne(t)).hasMessageContaining("declares 1000001 data segments, more than the 1000000"));
  }

  @Test
  void refusesSparseFilesThatExpandToMoreThanTheLimitTogether() throws IOException {
    byte[] two = tar(pax10("0\n", 600, new byte[0]), pax10("0\n", 600, new byte[0]));
    TarReader.Limits limits = TarReader.Limits.defaults().withMaxSparseBytes(1000);
    try (TarReader r = new TarReader(new ByteArrayInputStream(two), "t.tar", limits)) {
      assertThat(r.next()).isPresent();
      assertThatThrownBy(r::next).isInstanceOf(ImageFormatException.class)
          .hasMessageContaining("expand to more than 1000 bytes together");
    }
  }

  /** An old GNU ('S') header with the given map, real size and stored content, and extension blocks. */
  private static byte[] oldGnu(long realSize, byte[] stored, long... map) {
    byte[] h = rawHeader("old-gnu", 'S', String.format("%011o", stored.length));
    System.arraycopy("ustar  \0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
    System.arraycopy(String.format("%011o\0", realSize).getBytes(StandardCharsets.US_ASCII), 0, h, 483, 12);
    List<byte[]> blocks = new ArrayList<>();
    blocks.add(h);
    int at = 386;
    int inBlock = 0;
    int perBlock = 4;
    byte[] current = h;
    for (int i = 0; i < map.length; i += 2) {
      if (inBlock == perBlock) {
        current[current == h ? 482 : 504] = 1;
        current = new byte[512];
        blocks.add(current);
        at = 0;
        inBlock = 0;
        perBlock = 21;
      }
      byte[] entry = String.format("%011o\0%011o\0", map[i], map[i + 1]).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(entry, 0, current, at + 24 * inBlock, 24);
      inBlock++;
    }
    fixChecksum(h);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    blocks.forEach(out::writeBytes);
    out.writeBytes(stored);
    out.writeBytes(new byte[(int) (TarHeader.padded(stored.length) - stored.length)]);
    return out.toByteArray();
  }

  @Test
  void readsOldGnuMapsAcrossExtensionBlocks() throws IOException {
    long[] map = new long[2 * 30];
    byte[] stored = new byte[30];
    byte[] expected = new byte[300];
    for (int i = 0; i < 30; i++) {
      map[2 * i] = 10L * i + 5;
      map[2 * i + 1] = 1;
      stored[i] = (byte) ('a' + i % 26);
      expected[10 * i + 5] = stored[i];
    }
    try (TarReader r = new TarReader(new ByteArrayInputStream(tar(oldGnu(300, stored, map), file("after", new byte[2]))), "t")) {
      TarEntry e = r.next().orElseThrow();
      assertThat(e.name()).isEqualTo("old-gnu");
      assertThat(e.size()).isEqualTo(300);
      assertThat(e.sparse().orElseThrow().segments()).isEqualTo(30);
      assertThat(r.content().readAllBytes()).isEqualTo(expected);
      assertThat(r.next().orElseThrow().name()).isEqualTo("after");
    }
  }

  @Test
  void refusesAnOldGnuMapCutInItsExtensionBlocksOrPastTheRealSize() {
    long[] map = new long[2 * 10];
    for (int i = 0; i < 10; i++) {
      map[2 * i] = 10L * i;
      map[2 * i + 1] = 1;
    }
    byte[] whole = oldGnu(100, new byte[10], map);
    assertThatThrownBy(() -> new TarReader(new ByteArrayInputStream(Arrays.copyOf(whole, 700)), "t").next())
        .hasMessageContaining("cut inside a GNU sparse map extension block");
    assertThatThrownBy(() -> readAllOf(tar(oldGnu(50, new byte[10], map))))
        .hasMessageContaining("ends past the file's real size of 50 bytes");
  }

  private static void readAllOf(byte[] tar) throws IOException {
    try (TarReader r = new TarReader(new ByteArrayInputStream(tar), "t")) {
      while (r.next().isPresent()) {
        r.content().readAllBytes();
      }
    }
  }
}
