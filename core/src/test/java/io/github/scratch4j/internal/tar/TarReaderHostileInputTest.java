package io.github.scratch4j.internal.tar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.internal.tar.TarHeader.Fields;
import io.github.scratch4j.internal.tar.TarType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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

/** The reader refuses what commons-compress 1.28.0 was measured to accept or choke on, and more. */
class TarReaderHostileInputTest {
  @TempDir Path dir;

  static byte[] file(String name, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(TarHeader.encode(new Fields(name, TarType.FILE, 0644, 0, 0, content.length, 1, "", 0, 0)));
    out.writeBytes(content);
    out.writeBytes(new byte[(int) (TarHeader.padded(content.length) - content.length)]);
    return out.toByteArray();
  }

  static byte[] tar(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  static List<TarEntry> readAll(byte[] tar) throws IOException {
    List<TarEntry> out = new ArrayList<>();
    try (TarReader r = new TarReader(new ByteArrayInputStream(tar), "test.tar")) {
      Optional<TarEntry> e;
      while ((e = r.next()).isPresent()) {
        r.content().readAllBytes();
        out.add(e.get());
      }
    }
    return out;
  }

  /** A raw header block with the given type and size and a correct checksum. */
  static byte[] rawHeader(String name, char type, String octalSize) {
    byte[] b = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(n, 0, b, 0, n.length);
    System.arraycopy("0000644\0".getBytes(StandardCharsets.US_ASCII), 0, b, 100, 8);
    System.arraycopy("0000000\0".getBytes(StandardCharsets.US_ASCII), 0, b, 108, 8);
    System.arraycopy("0000000\0".getBytes(StandardCharsets.US_ASCII), 0, b, 116, 8);
    byte[] size = octalSize.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(size, 0, b, 124, size.length);
    System.arraycopy("00000000001\0".getBytes(StandardCharsets.US_ASCII), 0, b, 136, 12);
    b[156] = (byte) type;
    System.arraycopy("ustar\00000".getBytes(StandardCharsets.US_ASCII), 0, b, 257, 8);
    fixChecksum(b);
    return b;
  }

  static void fixChecksum(byte[] b) {
    Arrays.fill(b, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte x : b) {
      sum += x & 0xff;
    }
    byte[] c = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(c, 0, b, 148, 8);
  }

  /** A GNU long name ('L') or long link name ('K') header with its content. */
  static byte[] longName(char type, String name) {
    byte[] body = (name + "\0").getBytes(StandardCharsets.UTF_8);
    byte[] h = rawHeader("././@LongLink", type, String.format("%011o", body.length));
    byte[] out = new byte[512 + (int) TarHeader.padded(body.length)];
    System.arraycopy(h, 0, out, 0, 512);
    System.arraycopy(body, 0, out, 512, body.length);
    return out;
  }

  static byte[] paxHeader(String records) {
    byte[] body = records.getBytes(StandardCharsets.UTF_8);
    byte[] h = rawHeader("PaxHeaders/x", 'x', String.format("%011o", body.length));
    byte[] out = new byte[512 + (int) TarHeader.padded(body.length)];
    System.arraycopy(h, 0, out, 0, 512);
    System.arraycopy(body, 0, out, 512, body.length);
    return out;
  }

  @Test
  void readsWhatTheWriterWrites() throws IOException {
    String longName = ("dir-" + "x".repeat(60) + "/").repeat(5) + "file";
    byte[] t = tar(file("a.txt", "hello".getBytes(StandardCharsets.UTF_8)), file(longName, new byte[700]),
        file("café/名前.txt", new byte[0]),
        TarHeader.encode(new Fields("l", TarType.SYMLINK, 0777, 3_000_000, 0, 0, -5, "../".repeat(50), 0, 0)));
    List<TarEntry> entries = readAll(t);
    assertThat(entries).extracting(TarEntry::name).containsExactly("a.txt", longName, "café/名前.txt", "l");
    assertThat(entries.get(1).size()).isEqualTo(700);
    assertThat(entries.get(3).linkName()).isEqualTo("../".repeat(50));
    assertThat(entries.get(3).uid()).isEqualTo(3_000_000);
    assertThat(entries.get(3).mtimeSeconds()).isEqualTo(-5);
    assertThat(entries.get(0).dataOffset()).isEqualTo(512);
  }

  @Test
  void contentIsExactlyTheEntrysBytes() throws IOException {
    byte[] t = tar(file("a", "hello".getBytes(StandardCharsets.UTF_8)), file("b", "world!".getBytes(StandardCharsets.UTF_8)));
    try (TarReader r = new TarReader(new ByteArrayInputStream(t), "t")) {
      r.next();
      assertThat(new String(r.content().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
      r.next();
      assertThat(new String(r.content().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("world!");
      assertThat(r.next()).isEmpty();
      assertThat(r.endMarkerSeen()).isTrue();
    }
  }

  @Test
  void refusesABadChecksum() {
    byte[] t = tar(file("a", new byte[3]));
    t[0] = 'b';
    assertThatThrownBy(() -> readAll(t)).isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("checksum").hasMessageContaining("offset 0").hasMessageContaining("test.tar");
  }

  @Test
  void refusesATarCutInsideItsFirstHeader() {
    byte[] t = Arrays.copyOf(tar(file("a", new byte[3])), 100);
    assertThatThrownBy(() -> readAll(t)).isInstanceOf(ImageFormatException.class).hasMessageContaining("cut inside a header");
  }

  @Test
  void refusesATarCutInsideContentOrPadding() {
    byte[] whole = tar(file("a", new byte[1000]));
    assertThatThrownBy(() -> readAll(Arrays.copyOf(whole, 700))).hasMessageContaining("cut inside the content of 'a'");
    assertThatThrownBy(() -> readAll(Arrays.copyOf(whole, 512 + 1010))).isInstanceOf(ImageFormatException.class);
  }

  @Test
  void refusesATarWithoutItsEndBlocksUnlessTheCallerChecksItself() throws IOException {
    byte[] noEnd = file("a", new byte[3]);
    assertThatThrownBy(() -> readAll(noEnd)).hasMessageContaining("end-of-archive");
    try (TarReader r = new TarReader(new ByteArrayInputStream(noEnd), "t",
        new TarReader.Limits(1 << 20, 1 << 16, 100, false))) {
      assertThat(r.next()).isPresent();
      assertThat(r.next()).isEmpty();
      assertThat(r.endMarkerSeen()).isFalse();
    }
  }

  @Test
  void acceptsASingleZeroBlockAtTheEndButNotDataAfterIt() throws IOException {
    byte[] one = Arrays.copyOf(file("a", new byte[3]), 1024 + 512);
    assertThat(readAll(Arrays.copyOf(one, 1024 + 512))).hasSize(1);
    byte[] more = new byte[1024 + 512 + 1024];
    System.arraycopy(file("a", new byte[3]), 0, more, 0, 1024);
    System.arraycopy(file("b", new byte[3]), 0, more, 1536, 1024);
    assertThatThrownBy(() -> readAll(more)).hasMessageContaining("zero block is followed by more entries");
  }

  @Test
  void refusesAnOversizedPaxHeaderBeforeAllocatingIt() {
    byte[] huge = rawHeader("PaxHeaders/x", 'x', "77777777777");
    assertThatThrownBy(() -> readAll(tar(huge))).isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("pax extended header of 8589934591 bytes");
  }

  @Test
  void refusesAnOversizedGnuLongName() {
    byte[] huge = rawHeader("././@LongLink", 'L', "00100000000");
    assertThatThrownBy(() -> readAll(tar(huge))).hasMessageContaining("GNU long name of 16777216 bytes");
    byte[] link = rawHeader("././@LongLink", 'K', "00100000000");
    assertThatThrownBy(() -> readAll(tar(link))).hasMessageContaining("GNU long link name");
  }

  @Test
  void refusesMalformedPaxRecords() {
    for (String records : List.of("abc path=x\n", "0 path=x\n", "99 path=x\n", "12 pathx=yy\n".replace("=", ""),
        "11 path=xy", "9 path=\n".replace("9", "3"), "10 path=a\0\n")) {
      byte[] t = tar(paxHeader(records), file("a", new byte[1]));
      assertThatThrownBy(() -> readAll(t)).as(records).isInstanceOf(ImageFormatException.class).hasMessageContaining("pax");
    }
  }

  @Test
  void refusesBadPaxNumbers() {
    for (String value : List.of("-1", "12x", "99999999999999999999")) {
      String body = " size=" + value + "\n";
      String record = (body.length() + 2) + body;
      byte[] t = tar(paxHeader(record), file("a", new byte[1]));
      assertThatThrownBy(() -> readAll(t)).as(value).isInstanceOf(ImageFormatException.class).hasMessageContaining("pax size");
    }
  }

  @Test
  void aLaterPaxHeaderReplacesAnEarlierOneAsInGoAndGnuTar() throws IOException {
    // Go's archive/tar and GNU tar keep only the last pax header before an entry (Go's
    // testdata/pax-multi-hdrs.tar): records of the first one do not reach the entry.
    byte[] t = tar(paxHeader(paxRecord("path", "first") + paxRecord("uid", "7")), paxHeader(paxRecord("path", "second")),
        file("a", new byte[1]));
    List<TarEntry> entries = readAll(t);
    assertThat(entries).extracting(TarEntry::name).containsExactly("second");
    assertThat(entries.get(0).uid()).isZero();
  }

  @Test
  void aLaterGnuLongNameReplacesAnEarlierOne() throws IOException {
    byte[] t = tar(longName('L', "first-long-name"), longName('L', "second-long-name"), file("a", new byte[1]));
    assertThat(readAll(t)).extracting(TarEntry::name).containsExactly("second-long-name");
  }

  @Test
  void extendedHeadersFollowedByTheEndOfTheArchiveAreIgnored() throws IOException {
    // Go's testdata/pax-path-hdr.tar; GNU tar lists nothing for it and exits with 0.
    assertThat(readAll(tar(paxHeader("10 path=a\n")))).isEmpty();
    assertThat(readAll(tar(file("a", new byte[1]), longName('L', "dangling")))).extracting(TarEntry::name)
        .containsExactly("a");
  }

  @Test
  void aPaxHeaderWithoutEndBlocksIsACutArchiveWhereTheEndIsRequired() throws IOException {
    byte[] cut = paxHeader("10 path=a\n");
    assertThatThrownBy(() -> readAll(cut)).hasMessageContaining("end-of-archive");
    try (TarReader r = new TarReader(new ByteArrayInputStream(cut), "t", new TarReader.Limits(1 << 20, 1 << 16, 100, false))) {
      assertThat(r.next()).isEmpty();
    }
  }

  @Test
  void acceptsPaxNumbersWithLeadingZeros() throws IOException {
    // Go's testdata/pax-pos-size-file.tar has size=000000000000000000000999.
    byte[] t = tar(paxHeader(paxRecord("size", "0".repeat(21) + "3")), rawHeader("a", '0', "00000000000"),
        new byte[512]);
    List<TarEntry> entries = readAll(t);
    assertThat(entries.get(0).size()).isEqualTo(3);
    byte[] tooLong = tar(paxHeader(paxRecord("size", "0".repeat(41) + "3")), file("a", new byte[1]));
    assertThatThrownBy(() -> readAll(tooLong)).hasMessageContaining("pax size of 42 bytes");
  }

  @Test
  void anEmptyPaxValueLeavesTheHeadersOwnValue() throws IOException {
    // POSIX: a record with an empty value undoes the override; Go keeps the ustar value too.
    byte[] t = tar(paxHeader(paxRecord("path", "") + paxRecord("uname", "")), file("ustar-name", new byte[1]));
    assertThat(readAll(t)).extracting(TarEntry::name).containsExactly("ustar-name");
  }

  @Test
  void refusesANulInAPaxKeyOrInAUserOrGroupName() {
    // The record that made an image read here and then fail docker load and podman load.
    byte[] key = tar(paxHeader(paxRecord("SCHILY.xattr.user.a\0b", "v")), file("a", new byte[1]));
    assertThatThrownBy(() -> readAll(key)).isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("NUL character in its key").hasMessageContaining("offset 0");
    for (String k : List.of("uname", "gname")) {
      byte[] t = tar(paxHeader(paxRecord(k, "ro\0ot")), file("a", new byte[1]));
      assertThatThrownBy(() -> readAll(t)).as(k).hasMessageContaining("pax " + k + " contains a NUL");
    }
  }

  @Test
  void refusesAPaxPathThatDisagreesWithAGnuLongName() throws IOException {
    // GNU tar would extract the pax path, Go's archive/tar (Docker) the long name.
    byte[] t = tar(longName('L', "../../escape"), paxHeader(paxRecord("path", "harmless")), file("a", new byte[1]));
    assertThatThrownBy(() -> readAll(t)).isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("GNU long name '../../escape'").hasMessageContaining("pax path 'harmless'");
    byte[] links = tar(longName('K', "one"), paxHeader(paxRecord("linkpath", "other")), rawHeader("l", '2', "00000000000"));
    assertThatThrownBy(() -> readAll(links)).hasMessageContaining("GNU long link name 'one'");
    byte[] same = tar(longName('L', "same"), paxHeader(paxRecord("path", "same")), file("a", new byte[1]));
    assertThat(readAll(same)).extracting(TarEntry::name).containsExactly("same");
  }

  @Test
  void aDirectorysDeclaredSizeIsNotContent() throws IOException {
    // Go's archive/tar and GNU tar both read the next header right after a directory's header
    // whatever its size says; skipping it would hide the entries they extract.
    byte[] t = tar(rawHeader("d/", '5', "00000001000"), file("d/hidden", new byte[3]));
    List<TarEntry> entries = readAll(t);
    assertThat(entries).extracting(TarEntry::name).containsExactly("d/", "d/hidden");
    assertThat(entries.get(0).size()).isZero();
  }

  @Test
  void namesThatAreNotUtf8ReadAsEscapesAndAreWrittenBackByteForByte() throws IOException {
    byte[] latin1 = {'c', 'a', 'f', (byte) 0xe9, '.', 't', 'x', 't'};
    byte[] h = rawHeader("x", '0', "00000000000");
    Arrays.fill(h, 0, 100, (byte) 0);
    System.arraycopy(latin1, 0, h, 0, latin1.length);
    fixChecksum(h);
    List<TarEntry> entries = readAll(tar(h, file("café.txt", new byte[0])));
    // Two different names stay two names: Latin-1 decoding made both "café.txt".
    assertThat(entries).extracting(TarEntry::name).containsExactly("caf\uDCE9.txt", "café.txt");
    assertThat(TarNames.encode(entries.get(0).name())).isEqualTo(latin1);
    assertThat(TarNames.printable(entries.get(0).name(), 80)).isEqualTo("caf\\xe9.txt");
    byte[] written = TarHeader.encode(new Fields(".wh." + entries.get(0).name(), TarType.FILE, 0644, 0, 0, 0, 1, "", 0, 0));
    List<TarEntry> back = readAll(tar(written));
    assertThat(back).extracting(TarEntry::name).containsExactly(".wh.caf\uDCE9.txt");
    assertThat(new String(written, StandardCharsets.ISO_8859_1)).contains("path=.wh.caf\u00e9.txt\n");
  }

  @Test
  void refusesGarbageInNumericFields() {
    byte[] h = rawHeader("a", '0', "0000000001x");
    assertThatThrownBy(() -> readAll(tar(h))).hasMessageContaining("size field");
    byte[] neg = rawHeader("a", '0', "");
    neg[124] = (byte) 0xff;
    fixChecksum(neg);
    assertThatThrownBy(() -> readAll(tar(neg))).hasMessageContaining("negative base-256 size");
    byte[] big = rawHeader("a", '0', "");
    Arrays.fill(big, 124, 136, (byte) 0x7f);
    big[124] = (byte) 0xbf;
    fixChecksum(big);
    assertThatThrownBy(() -> readAll(tar(big))).hasMessageContaining("overflows");
  }

  @Test
  void readsBase256Sizes() throws IOException {
    byte[] h = rawHeader("a", '0', "");
    Arrays.fill(h, 124, 136, (byte) 0);
    h[124] = (byte) 0x80;
    h[135] = 3;
    fixChecksum(h);
    byte[] t = new byte[512 + 512 + 1024];
    System.arraycopy(h, 0, t, 0, 512);
    assertThat(readAll(t).get(0).size()).isEqualTo(3);
  }

  @Test
  void refusesMultiVolumeEntries() {
    assertThatThrownBy(() -> readAll(tar(rawHeader("m", 'M', "00000000000")))).hasMessageContaining("multi-volume");
  }

  @Test
  void refusesLinksThatDeclareContent() {
    assertThatThrownBy(() -> readAll(tar(rawHeader("l", '2', "00000000010"))))
        .hasMessageContaining("declares 8 bytes");
  }

  @Test
  void refusesTooManyEntries() {
    byte[] t = tar(file("a", new byte[0]), file("b", new byte[0]), file("c", new byte[0]));
    assertThatThrownBy(() -> {
      try (TarReader r = new TarReader(new ByteArrayInputStream(t), "t", new TarReader.Limits(1024, 1024, 2, true))) {
        while (r.next().isPresent()) {
          // read on
        }
      }
    }).hasMessageContaining("more than 2 entries");
  }

  @Test
  void readsWhatGnuTarWrites() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src/" + "d".repeat(120)));
    Files.writeString(src.resolve("f".repeat(150)), "gnu");
    Files.createSymbolicLink(dir.resolve("src/link"), Path.of("x".repeat(120)));
    for (String format : List.of("gnu", "pax", "ustar")) {
      Path out = dir.resolve(format + ".tar");
      Process p = new ProcessBuilder("tar", "--format=" + format, "-C", dir.resolve("src").toString(), "-cf",
          out.toString(), ".").redirectErrorStream(true).start();
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int rc = p.waitFor();
      if (format.equals("ustar")) {
        continue; // ustar cannot hold the 150-byte name; tar refuses, which is fine
      }
      assertThat(rc).as(log).isZero();
      List<TarEntry> entries = readAll(Files.readAllBytes(out));
      assertThat(entries).extracting(TarEntry::name)
          .contains("./" + "d".repeat(120) + "/" + "f".repeat(150), "./link");
      assertThat(entries).filteredOn(e -> e.name().equals("./link")).first()
          .extracting(TarEntry::linkName).isEqualTo("x".repeat(120));
    }
  }

  @Test
  void randomCorruptionOnlyEverGivesIoExceptions() throws IOException {
    byte[] valid = tar(file("a", new byte[100]), paxHeader("14 path=long\n"), file("b", new byte[700]),
        TarHeader.encode(new Fields("c".repeat(300), TarType.FILE, 0644, 0, 0, 0, 1, "", 0, 0)));
    Random random = new Random(42);
    for (int i = 0; i < 5000; i++) {
      byte[] t = Arrays.copyOf(valid, random.nextInt(valid.length + 1));
      for (int k = random.nextInt(4); k >= 0; k--) {
        if (t.length > 0) {
          t[random.nextInt(t.length)] = (byte) random.nextInt(256);
        }
      }
      try {
        readAll(t);
      } catch (IOException expected) {
        // fine: a corrupt archive is an IOException with a message
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }

  static String paxRecord(String key, String value) {
    String body = " " + key + "=" + value + "\n";
    int length = body.getBytes(StandardCharsets.UTF_8).length;
    int digits = String.valueOf(length).length();
    int total = length + digits;
    if (String.valueOf(total).length() != digits) {
      total++;
    }
    return total + body;
  }

  @Test
  void refusesAPaxPathLongerThanAPathCanBeBeforeLookingAtIt() {
    // The shape that made a trailing-slash regex backtrack for minutes: ~1 MiB of '/' then a letter.
    String name = "/".repeat((1 << 20) - 64) + "a";
    byte[] t = tar(paxHeader(paxRecord("path", name)), file("a", new byte[1]));
    assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
        assertThatThrownBy(() -> readAll(t)).isInstanceOf(ImageFormatException.class)
            .hasMessageContaining("pax path of " + (name.length()) + " bytes")
            .hasMessageContaining(TarReader.MAX_NAME_BYTES + " bytes a path can have"));
    byte[] link = tar(paxHeader(paxRecord("linkpath", "x/".repeat(3000))), file("l", new byte[0]));
    assertThatThrownBy(() -> readAll(link)).hasMessageContaining("pax linkpath of 6000 bytes");
  }

  @Test
  void acceptsNamesUpToTheLimit() throws IOException {
    String name = "./" + ("d".repeat(254) + "/").repeat(15) + "f".repeat(TarReader.MAX_NAME_BYTES - 2 - 255 * 15 - 1) + "/";
    assertThat(name.length()).isEqualTo(TarReader.MAX_NAME_BYTES);
    byte[] t = tar(paxHeader(paxRecord("path", name)), file("a", new byte[1]));
    assertThat(readAll(t)).extracting(TarEntry::name).containsExactly(name);
  }

  @Test
  void refusesAGnuLongNameLongerThanAPathCanBe() {
    byte[] body = ("/".repeat(60_000) + "a").getBytes(StandardCharsets.US_ASCII);
    byte[] h = rawHeader("././@LongLink", 'L', String.format("%011o", body.length));
    byte[] longName = new byte[512 + (int) TarHeader.padded(body.length)];
    System.arraycopy(h, 0, longName, 0, 512);
    System.arraycopy(body, 0, longName, 512, body.length);
    assertThatThrownBy(() -> readAll(tar(longName, file("a", new byte[1]))))
        .isInstanceOf(ImageFormatException.class).hasMessageContaining("GNU long name is longer than");
  }

  @Test
  void refusesTimesInstantCannotHold() {
    for (String value : List.of("9000000000000000000", "-9000000000000000000", "-9000000000000000000.5",
        String.valueOf(java.time.Instant.MAX.getEpochSecond() + 1))) {
      byte[] t = tar(paxHeader(paxRecord("mtime", value)), file("a", new byte[1]));
      assertThatThrownBy(() -> readAll(t)).as(value).isInstanceOf(ImageFormatException.class)
          .hasMessageContaining("modification time").hasMessageContaining("outside the times");
    }
    byte[] huge = rawHeader("a", '0', "00000000000");
    Arrays.fill(huge, 136, 148, (byte) 0);
    huge[136] = (byte) 0x80;
    huge[140] = 0x40; // 2^62 seconds, in base-256
    fixChecksum(huge);
    assertThatThrownBy(() -> readAll(tar(huge))).isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("modification time 4611686018427387904");
  }

  @Test
  void acceptsTheExtremeTimesInstantCanHold() throws IOException {
    long max = java.time.Instant.MAX.getEpochSecond();
    byte[] t = tar(paxHeader(paxRecord("mtime", String.valueOf(max))), file("a", new byte[1]));
    assertThat(readAll(t).get(0).mtimeSeconds()).isEqualTo(max);
  }

  @Test
  void refusesASizeWhosePaddedEndOverflows() {
    byte[] t = tar(paxHeader(paxRecord("size", String.valueOf(Long.MAX_VALUE))), file("a", new byte[1]));
    assertThatThrownBy(() -> readAll(t)).isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("more than a tar can hold");
  }

  @Test
  void refusesNumericPaxValuesThatNoHeaderCouldHold() {
    byte[] t = tar(paxHeader(paxRecord("uid", "1".repeat(100_000))), file("a", new byte[1]));
    assertThatThrownBy(() -> readAll(t)).isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("pax uid of 100000 bytes");
  }

  @Test
  void refusesDeviceNumbersOutOfRange() {
    byte[] h = rawHeader("dev", '3', "00000000000");
    Arrays.fill(h, 329, 337, (byte) 0);
    h[329] = (byte) 0x80;
    h[332] = 0x01; // 2^32 in base-256
    fixChecksum(h);
    assertThatThrownBy(() -> readAll(tar(h))).isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("devmajor 4294967296 is out of range");
  }
}
