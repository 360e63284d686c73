package io.github.scratch4j.internal.tar;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.scratch4j.TarFiles;
import io.github.scratch4j.internal.tar.TarHeader.Fields;
import io.github.scratch4j.internal.tar.TarType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;

class TarHeaderTest {

  private static TarArchiveEntry roundTrip(Fields f) throws IOException {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    tar.writeBytes(TarHeader.encode(f));
    tar.writeBytes(new byte[(int) TarHeader.padded(f.type() == TarType.FILE ? Math.min(f.size(), 4096) : 0)]);
    tar.writeBytes(new byte[1024]);
    Map<String, TarFiles.Item> items = TarFiles.read(tar.toByteArray());
    assertThat(items).hasSize(1);
    return items.values().iterator().next().header();
  }

  private static Fields file(String name, long size) {
    return new Fields(name, TarType.FILE, 0644, 0, 0, size, 1, "", 0, 0);
  }

  @Test
  void shortAsciiNameIsOneUstarBlock() throws IOException {
    byte[] header = TarHeader.encode(file("hello", 0));
    assertThat(header).hasSize(512);
    assertThat(new String(header, 257, 8, StandardCharsets.US_ASCII)).isEqualTo("ustar\u000000");
    assertThat(roundTrip(file("hello", 0)).getName()).isEqualTo("hello");
  }

  @Test
  void checksumCoversTheWholeBlock() {
    byte[] header = TarHeader.encode(file("hello", 12));
    long sum = 0;
    for (int i = 0; i < 512; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xff;
    }
    String field = new String(header, 148, 6, StandardCharsets.US_ASCII);
    assertThat(Long.parseLong(field, 8)).isEqualTo(sum);
  }

  @Test
  void nameOver100BytesWithASlashUsesThePrefixField() throws IOException {
    String name = "a".repeat(90) + "/" + "b".repeat(90);
    byte[] header = TarHeader.encode(file(name, 0));
    assertThat(header).hasSize(512);
    assertThat(roundTrip(file(name, 0)).getName()).isEqualTo(name);
  }

  @Test
  void namesOver255BytesUsePax() throws IOException {
    String name = ("d".repeat(50) + "/").repeat(6) + "file.txt";
    assertThat(name.length()).isGreaterThan(255);
    assertThat(TarHeader.encode(file(name, 0)).length).isGreaterThan(512);
    assertThat(roundTrip(file(name, 0)).getName()).isEqualTo(name);
  }

  @Test
  void nonAsciiNamesArePaxUtf8() throws IOException {
    byte[] header = TarHeader.encode(file("café/ünïcödé-名前.txt", 0));
    assertThat(new String(header, StandardCharsets.ISO_8859_1)).contains("path=");
    assertThat(roundTrip(file("café/ünïcödé-名前.txt", 0)).getName()).isEqualTo("café/ünïcödé-名前.txt");
  }

  @Test
  void longLinkTargetsUsePax() throws IOException {
    String target = "../".repeat(40) + "target";
    TarArchiveEntry e = roundTrip(new Fields("link", TarType.SYMLINK, 0777, 0, 0, 0, 1, target, 0, 0));
    assertThat(e.isSymbolicLink()).isTrue();
    assertThat(e.getLinkName()).isEqualTo(target);
  }

  @Test
  void sizesOver8GiBUsePax() throws IOException {
    long size = 9L << 30;
    byte[] header = TarHeader.encode(file("big", size));
    assertThat(new String(header, StandardCharsets.ISO_8859_1)).contains("size=" + size);
    try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
        new java.io.ByteArrayInputStream(header))) {
      assertThat(in.getNextEntry().getSize()).isEqualTo(size);
    }
  }

  @Test
  void largeIdsAndNegativeTimesUsePax() throws IOException {
    TarArchiveEntry e = roundTrip(new Fields("f", TarType.FILE, 04755, 3_000_000, 2_097_152, 0, -86_400, "", 0, 0));
    assertThat(e.getLongUserId()).isEqualTo(3_000_000);
    assertThat(e.getLongGroupId()).isEqualTo(2_097_152);
    assertThat(e.getLastModifiedTime().toInstant()).isEqualTo(Instant.ofEpochSecond(-86_400));
    assertThat(e.getMode() & 07777).isEqualTo(04755);
  }

  @Test
  void devicesCarryMajorAndMinor() throws IOException {
    TarArchiveEntry e = roundTrip(new Fields("dev/null", TarType.CHAR_DEVICE, 0666, 0, 0, 0, 1, "", 1, 3));
    assertThat(e.isCharacterDevice()).isTrue();
    assertThat(e.getDevMajor()).isEqualTo(1);
    assertThat(e.getDevMinor()).isEqualTo(3);
  }

  @Test
  void paxRecordLengthCountsItsOwnDigits() {
    // 9 characters of body plus the length's own digits: "11 a=12345\n" is 11 bytes.
    byte[] r = TarHeader.paxRecords(Map.of("a", "12345"));
    assertThat(new String(r, StandardCharsets.UTF_8)).isEqualTo("11 a=12345\n");
    // Crossing a digit boundary: a body of 98 bytes needs a 3-digit length, 101.
    String value = "v".repeat(92);
    String record = new String(TarHeader.paxRecords(Map.of("k", value)), StandardCharsets.UTF_8);
    assertThat(record).startsWith(record.length() + " ");
  }

  @Test
  void encodingIsDeterministic() {
    Fields f = file("x/".repeat(80) + "y", 123);
    assertThat(TarHeader.encode(f)).isEqualTo(TarHeader.encode(f));
  }

  @Test
  void blobHeadersHaveTheSameLengthWhateverTheFinalSize() throws IOException {
    long max = 10L << 30;
    byte[] placeholder = TarHeader.encodeBlob("blobs/sha256/" + "0".repeat(64), 0, max, 1);
    byte[] small = TarHeader.encodeBlob("blobs/sha256/" + "a".repeat(64), 5, max, 1);
    byte[] big = TarHeader.encodeBlob("blobs/sha256/" + "b".repeat(64), max, max, 1);
    assertThat(small).hasSameSizeAs(placeholder);
    assertThat(big).hasSameSizeAs(placeholder);
    try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
        new java.io.ByteArrayInputStream(big))) {
      assertThat(in.getNextEntry().getSize()).isEqualTo(max);
    }
    assertThat(TarHeader.encodeBlob("blobs/sha256/x", 5, 1 << 20, 1)).hasSize(512);
  }

  @Test
  void lengthIsTheEncodedLengthForAnyFields() {
    java.util.Random random = new java.util.Random(7);
    String[] pieces = {"a", "dir/", "é", "\u00ff", "日本", "\ud83d\ude00", "x".repeat(60), "y".repeat(99), "\u0001", " "};
    long[] numbers = {0, 1, 07777777L, 010000000L, 077777777777L, 0100000000000L, -1, Long.MAX_VALUE};
    int padded = 0;
    for (int i = 0; i < 5000; i++) {
      StringBuilder name = new StringBuilder();
      StringBuilder link = new StringBuilder();
      for (int k = random.nextInt(6); k > 0; k--) {
        name.append(pieces[random.nextInt(pieces.length)]);
      }
      for (int k = random.nextInt(3); k > 0; k--) {
        link.append(pieces[random.nextInt(pieces.length)]);
      }
      if (name.length() == 0) {
        name.append('n');
      }
      Fields f = new Fields(name.toString(), TarType.values()[random.nextInt(TarType.values().length - 1)], 0644,
          Math.abs(numbers[random.nextInt(4)]), Math.abs(numbers[random.nextInt(4)]),
          Math.abs(numbers[random.nextInt(6)]), numbers[random.nextInt(numbers.length)], link.toString(), 0, 0);
      int length = TarHeader.encode(f).length;
      assertThat(TarHeader.length(f)).as("%s", f).isEqualTo(length);
      padded += length > 512 ? 1 : 0;
    }
    // Both kinds occur, so both paths of length() were compared.
    assertThat(padded).isBetween(100, 4900);
  }
}
