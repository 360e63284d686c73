package io.github.scratch4j.internal.tar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.ImageFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The test archives of Go's archive/tar ({@code src/archive/tar/testdata} of the Go source tree,
 * as Debian's {@code golang-1.19-src} package installs it under {@code /usr/share/go-1.19}; the
 * directory can be given with {@code GOTAR_TESTDATA}), read by {@link TarReader} and compared
 * with what Go's reader_test.go expects of each: names, types, sizes, modes, owners, times, link
 * targets, content digests, and which archives are errors. Where this reader refuses an archive
 * Go reads, the test says so and why (the list is in the project README); those refusals are
 * checked as strictly as the agreements. The archives are not copied into this repository.
 */
class GoTarTestdataTest {
  private static final java.nio.file.Path DIR = java.nio.file.Path.of(
      java.util.Optional.ofNullable(System.getenv("GOTAR_TESTDATA")).orElse("/usr/share/go-1.19/src/archive/tar/testdata"));

  /** One header as Go's reader_test.go gives it (Go's Typeflag mapped to ours; 'S' and '0' are files). */
  record H(String name, TarType type, long size, int mode, long uid, long gid, long mtime, String link,
      String user, String group) {
    static H file(String name, long size, int mode, long uid, long gid, long mtime, String user, String group) {
      return new H(name, TarType.FILE, size, mode, uid, gid, mtime, "", user, group);
    }

    static H bare(String name, TarType type, long size, long mtime, String link) {
      return new H(name, type, size, 0, 0, 0, mtime, link, "", "");
    }
  }

  /** An archive and what Go's reader gives for it, or the refusal (Go's error, or ours where noted). */
  record Vector(String file, List<H> headers, List<String> md5, Optional<String> refusal, String why) {
    static Vector reads(String file, List<H> headers, String... md5) {
      return new Vector(file, headers, List.of(md5), Optional.empty(), "");
    }

    static Vector refusedByGoToo(String file, String message) {
      return new Vector(file, List.of(), List.of(), Optional.of(message), "Go's reader gives ErrHeader");
    }

    static Vector refusedHere(String file, List<H> before, String message, String why) {
      return new Vector(file, before, List.of(), Optional.of(message), why);
    }

    @Override
    public String toString() {
      return file;
    }
  }

  private static final String SPARSE_MD5 = "6f53234398c2449fe67c1812d993012f";

  static List<Vector> vectors() {
    String paxLong = "123456789101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354"
        + "555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899100";
    String smileys = "☺☻☹".repeat(18);
    return List.of(
        Vector.reads("gnu.tar", List.of(
            H.file("small.txt", 5, 0640, 73025, 5000, 1244428340, "dsymonds", "eng"),
            H.file("small2.txt", 11, 0640, 73025, 5000, 1244436044, "dsymonds", "eng")),
            "e38b27eaccb4391bdec553a7f3ae6b2f", "c65bd2e50a56a2138bf1716f2fd56fe9"),
        // Old GNU, pax 0.0, 0.1 and 1.0 sparse files, each expanding to the same 200 bytes.
        Vector.reads("sparse-formats.tar", List.of(
            H.file("sparse-gnu", 200, 0644, 1000, 1000, 1392395740, "david", "david"),
            H.file("sparse-posix-0.0", 200, 0644, 1000, 1000, 1392342187, "david", "david"),
            H.file("sparse-posix-0.1", 200, 0644, 1000, 1000, 1392340456, "david", "david"),
            H.file("sparse-posix-1.0", 200, 0644, 1000, 1000, 1392337404, "david", "david"),
            H.file("end", 4, 0644, 1000, 1000, 1392398319, "david", "david")),
            SPARSE_MD5, SPARSE_MD5, SPARSE_MD5, SPARSE_MD5, "b0061974914468de549a2af8ced10316"),
        Vector.reads("star.tar", List.of(
            H.file("small.txt", 5, 0640, 73025, 5000, 1244592783, "dsymonds", "eng"),
            H.file("small2.txt", 11, 0640, 73025, 5000, 1244592783, "dsymonds", "eng"))),
        Vector.reads("v7.tar", List.of(
            H.file("small.txt", 5, 0444, 73025, 5000, 1244593104, "", ""),
            H.file("small2.txt", 11, 0444, 73025, 5000, 1244593104, "", ""))),
        Vector.reads("pax.tar", List.of(
            H.file("a/" + paxLong, 7, 0664, 1000, 1000, 1350244992, "shane", "shane"),
            new H("a/b", TarType.SYMLINK, 0, 0777, 1000, 1000, 1350266320, paxLong, "shane", "shane"))),
        Vector.refusedByGoToo("pax-bad-hdr-file.tar", "pax record at byte 0 does not end with a newline"),
        // Go: ErrFieldTooLong. Its one pax header is a byte over 1 MiB, the cap of both.
        Vector.refusedByGoToo("pax-bad-hdr-large.tar.bz2", "pax extended header of 1048577 bytes is larger than"),
        Vector.refusedByGoToo("pax-bad-mtime-file.tar", "pax mtime is not a number of seconds"),
        Vector.reads("pax-pos-size-file.tar", List.of(
            H.file("foo", 999, 0640, 319973, 5000, 1442282516, "joetsai", "eng")),
            "0afb597b283fe61b5d4879669a350556"),
        Vector.reads("pax-records.tar", List.of(H.file("file", 0, 0, 0, 0, 0, "long".repeat(10), ""))),
        // Go returns each global header ('g') as an entry of its own; here they are checked and
        // skipped, as Docker and containerd skip them.
        Vector.reads("pax-global-records.tar", List.of(
            H.bare("file1", TarType.FILE, 0, 0, ""), H.bare("file2", TarType.FILE, 0, 0, ""),
            H.bare("file3", TarType.FILE, 0, 0, ""), H.bare("file4", TarType.FILE, 0, 1400000000, ""))),
        Vector.reads("nil-uid.tar", List.of(
            H.file("P1050238.JPG.log", 14, 0664, 0, 0, 1365454838, "eyefi", "eyefi"))),
        // Extended attributes (SCHILY.xattr.*) are not modelled; a base layer keeps them in its bytes.
        Vector.reads("xattrs.tar", List.of(
            H.file("small.txt", 5, 0644, 1000, 10, 1386065770, "alex", "wheel"),
            H.file("small2.txt", 11, 0644, 1000, 10, 1386065770, "alex", "wheel"))),
        Vector.reads("gnu-multi-hdrs.tar", List.of(
            H.bare("GNU2/GNU2/long-path-name", TarType.SYMLINK, 0, 0, "GNU4/GNU4/long-linkpath-name"))),
        // 'D' (a GNU incremental dump directory) is a type a layer cannot hold: read as OTHER.
        Vector.reads("gnu-incremental.tar", List.of(
            new H("test2/", TarType.OTHER, 0, 0755, 1000, 1000, 1441973427, "", "rawr", "dsnet"),
            H.file("test2/foo", 64, 0644, 1000, 1000, 1441973363, "rawr", "dsnet"),
            H.file("test2/sparse", 536870912, 0644, 1000, 1000, 1441973427, "rawr", "dsnet"))),
        Vector.reads("pax-multi-hdrs.tar", List.of(
            H.bare("bar", TarType.SYMLINK, 0, 0, "PAX4/PAX4/long-linkpath-name"))),
        Vector.reads("gnu-long-nul.tar", List.of(H.file("0123456789", 0, 0644, 1000, 1000, 1486082191, "rawr", "dsnet"))),
        Vector.reads("gnu-utf8.tar", List.of(H.file(smileys, 0, 0644, 1000, 1000, 0, "☺", "⚹"))),
        // Go keeps the bytes \x80\x81\x82\x83; here each reads as U+DC80+byte and is written back as the byte.
        Vector.reads("gnu-not-utf8.tar", List.of(
            H.file("hi\uDC80\uDC81\uDC82\uDC83bye", 0, 0644, 1000, 1000, 0, "rawr", "dsnet"))),
        Vector.refusedByGoToo("pax-nul-xattrs.tar", "has a NUL character in its key"),
        Vector.refusedByGoToo("pax-nul-path.tar", "pax path contains a NUL character"),
        Vector.refusedByGoToo("neg-size.tar", "base-256 size overflows"),
        Vector.refusedByGoToo("issue10968.tar", "base-256 size overflows"),
        Vector.refusedByGoToo("issue11169.tar", "checksum field has characters after its terminator"),
        Vector.refusedByGoToo("issue12435.tar", "base-256 size overflows"),
        Vector.refusedHere("invalid-go17.tar", List.of(), "has a GNU header whose atime and ctime fields hold text",
            "Go reads the text in a GNU header's atime and ctime fields as a name prefix (what Go before 1.8"
                + " wrote there); GNU tar ignores it: the two would extract different names"),
        Vector.reads("ustar-file-devs.tar", List.of(H.bare("file", TarType.FILE, 0, 0, "")).stream()
            .map(h -> new H(h.name(), h.type(), 0, 0644, 0, 0, 0, "", "", "")).toList()),
        Vector.reads("gnu-nil-sparse-data.tar", List.of(H.bare("sparse.db", TarType.FILE, 1000, 0, "")),
            md5("0123456789".repeat(100))),
        Vector.reads("gnu-nil-sparse-hole.tar", List.of(H.bare("sparse.db", TarType.FILE, 1000, 0, "")),
            md5("\0".repeat(1000))),
        Vector.reads("pax-nil-sparse-data.tar", List.of(H.bare("sparse.db", TarType.FILE, 1000, 0, "")),
            md5("0123456789".repeat(100))),
        Vector.reads("pax-nil-sparse-hole.tar", List.of(H.bare("sparse.db", TarType.FILE, 1000, 0, "")),
            md5("\0".repeat(1000))),
        Vector.reads("trailing-slash.tar", List.of(H.bare("123456789/".repeat(30), TarType.DIRECTORY, 0, 0, ""))),
        // Go reads all 16 headers, taking the declared sizes of the last 8 as no content; GNU tar
        // skips that many bytes for a pipe, device or link (and so lists other entries).
        Vector.refusedHere("hdr-only.tar", hdrOnlyFirstNine(), "entry 'fifo' is a FIFO but declares 5 bytes of content",
            "Go and GNU tar disagree on whether a pipe's, device's or link's declared size is content"),
        Vector.reads("hardlink.tar", List.of(
            H.file("file.txt", 15, 0644, 1000, 100, 1425484303, "vbatts", "users"),
            new H("hard.txt", TarType.HARDLINK, 0, 0644, 1000, 100, 1425484303, "file.txt", "vbatts", "users")),
            md5("Slartibartfast\n"), md5("")),
        Vector.reads("file-and-dir.tar", List.of(
            H.bare("small.txt", TarType.FILE, 5, 0, ""), H.bare("dir/", TarType.DIRECTORY, 0, 0, "")),
            md5("Kilts"), md5("")),
        Vector.reads("ustar-file-reg.tar", List.of(
            H.file("foo", 684, 0640, 319973, 5000, 1442282516, "joetsai", "eng"))),
        // A pax header and nothing after it: Go's "valid" empty archive; GNU tar lists nothing too.
        Vector.reads("pax-path-hdr.tar", List.of()));
  }

  private static List<H> hdrOnlyFirstNine() {
    H dir = new H("dir/", TarType.DIRECTORY, 0, 0750, 319973, 5000, 1442273732, "", "joetsai", "eng");
    return List.of(dir,
        new H("fifo", TarType.FIFO, 0, 0640, 319973, 5000, 1442273806, "", "joetsai", "eng"),
        H.file("file", 46, 0640, 319973, 5000, 1442273747, "joetsai", "eng"),
        new H("hardlink", TarType.HARDLINK, 0, 0640, 319973, 5000, 1442273747, "file", "joetsai", "eng"),
        new H("null", TarType.CHAR_DEVICE, 0, 0666, 319973, 5000, 1442264573, "", "joetsai", "eng"),
        new H("sda", TarType.BLOCK_DEVICE, 0, 0660, 319973, 5000, 1442264573, "", "joetsai", "eng"),
        new H("symlink", TarType.SYMLINK, 0, 0777, 319973, 5000, 1442273756, "file", "joetsai", "eng"),
        new H("badlink", TarType.SYMLINK, 0, 0777, 319973, 5000, 1442274044, "missing", "joetsai", "eng"),
        // The ninth is the directory again, its size now 5: not content for Go or GNU tar, nor here.
        dir);
  }

  private static String md5(String content) {
    return md5(content.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String md5(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] resource(String file) throws IOException {
    if (!java.nio.file.Files.isDirectory(DIR)) {
      io.github.scratch4j.testing.Tools.unavailable("Go's archive/tar test archives are not at " + DIR
          + " (Debian package golang-1.19-src, or set GOTAR_TESTDATA; see .ci/run)");
    }
    try (InputStream in = java.nio.file.Files.newInputStream(DIR.resolve(file))) {
      return file.endsWith(".bz2") ? new BZip2CompressorInputStream(in).readAllBytes() : in.readAllBytes();
    }
  }

  /** Reads like Go's reader: no end-of-archive blocks required (some of Go's files have none). */
  private static TarReader reader(byte[] tar, String name) {
    return new TarReader(new ByteArrayInputStream(tar), name, TarReader.Limits.defaults().withEndMarkerRequired(false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void readsGosTestArchivesAsGosReaderTestExpects(Vector v) throws IOException {
    byte[] tar = resource(v.file());
    List<H> got = new ArrayList<>();
    List<String> sums = new ArrayList<>();
    IOException refused = null;
    try (TarReader r = reader(tar, v.file())) {
      Optional<TarEntry> e;
      while ((e = r.next()).isPresent()) {
        TarEntry t = e.get();
        got.add(new H(t.name(), t.type(), t.size(), t.mode(), t.uid(), t.gid(), t.mtimeSeconds(), t.linkName(),
            t.userName(), t.groupName()));
        sums.add(md5(r.content().readAllBytes()));
      }
    } catch (IOException e) {
      refused = e;
    }
    if (v.refusal().isPresent()) {
      assertThat(refused).as(v.file() + " is refused: " + v.why()).isInstanceOf(ImageFormatException.class)
          .hasMessageContaining(v.refusal().get()).hasMessageContaining(v.file()).hasMessageContaining("byte offset");
    } else {
      assertThat(refused).as(v.file()).isNull();
    }
    if (v.file().equals("ustar-file-devs.tar")) {
      assertThat(got).hasSize(1);
      assertThat(got.get(0)).isEqualTo(v.headers().get(0));
      return;
    }
    assertThat(got).as(v.file()).containsExactlyElementsOf(v.headers());
    if (!v.md5().isEmpty()) {
      assertThat(sums).as(v.file() + " content").containsExactlyElementsOf(v.md5());
    }
  }

  @Test
  void keepsTheDeviceNumbersOfARegularUstarFile() throws IOException {
    try (TarReader r = reader(resource("ustar-file-devs.tar"), "ustar-file-devs.tar")) {
      TarEntry e = r.next().orElseThrow();
      assertThat(e.devMajor()).isEqualTo(1);
      assertThat(e.devMinor()).isEqualTo(1);
    }
  }

  @Test
  void theNameThatIsNotUtf8IsWrittenBackWithItsOwnBytes() throws IOException {
    try (TarReader r = reader(resource("gnu-not-utf8.tar"), "gnu-not-utf8.tar")) {
      String name = r.next().orElseThrow().name();
      assertThat(TarNames.encode(name)).isEqualTo(new byte[] {'h', 'i', (byte) 0x80, (byte) 0x81, (byte) 0x82,
          (byte) 0x83, 'b', 'y', 'e'});
    }
  }

  @Test
  void readsTheBigSparseFilesMapsWithoutExpandingThem() throws IOException {
    // 60 GB files with 512 stored bytes before each ten-billionth byte (Go's writer_test.go):
    // their maps are read and checked; skipping through the holes costs nothing.
    for (String file : List.of("gnu-sparse-big.tar", "pax-sparse-big.tar")) {
      try (TarReader r = reader(resource(file), file)) {
        TarEntry e = r.next().orElseThrow();
        assertThat(e.name()).isEqualTo(file.startsWith("gnu") ? "gnu-sparse" : "pax-sparse");
        assertThat(e.size()).isEqualTo(60_000_000_000L);
        SparseMap map = e.sparse().orElseThrow();
        assertThat(map.segments()).isEqualTo(6);
        InputStream in = r.content();
        long position = 0;
        for (int i = 1; i <= 6; i++) {
          long at = i * 10_000_000_000L - 100;
          assertThat(in.skip(at - position)).isEqualTo(at - position);
          assertThat(new String(in.readNBytes(100), StandardCharsets.US_ASCII)).as(file + " at " + at)
              .isEqualTo("0123456789".repeat(10));
          position = at + 100;
        }
        assertThat(in.read()).isEqualTo(-1);
      }
    }
  }

  @Test
  void partialReadsOfSparseFilesGiveTheExpandedBytes() throws IOException {
    // Go's TestPartialRead: the first bytes of each sparse file, then of the last file.
    String[] expected = {"\0G", "\0G\0o", "\0G\0o\0G", "\0G\0o\0G\0o", "end\n"};
    try (TarReader r = reader(resource("sparse-formats.tar"), "sparse-formats.tar")) {
      for (String want : expected) {
        r.next().orElseThrow();
        assertThat(new String(r.content().readNBytes(want.length()), StandardCharsets.ISO_8859_1)).isEqualTo(want);
      }
      assertThat(r.next()).isEmpty();
    }
  }

  /**
   * Go's TestReadTruncation, for a layer (no end-of-archive blocks required, as for Go): the same
   * number of headers, and an error where Go has one. Go's io.EOF in the middle of an entry's
   * padding is the one difference: GNU tar refuses that archive as cut, and so does this reader.
   */
  @Test
  void truncatedArchivesAreReadOrRefusedAsGoReadsThem() throws IOException {
    byte[] gnu = resource("gnu.tar");
    byte[] reg = Arrays.copyOf(resource("ustar-file-reg.tar"), 1536 + 10 * 512);
    byte[] pax = resource("pax-path-hdr.tar");
    byte[] sparse = resource("sparse-formats.tar");
    byte[] trash = "garbage ".repeat(64).getBytes(StandardCharsets.US_ASCII);
    record T(byte[] input, int headers, boolean error) {}
    List<T> vectors = List.of(
        new T(new byte[0], 0, false),
        new T(Arrays.copyOf(gnu, 511), 0, true),
        new T(Arrays.copyOf(gnu, 512), 1, true),
        new T(Arrays.copyOf(gnu, 1024), 1, false),
        new T(Arrays.copyOf(gnu, 1536), 2, true),
        new T(Arrays.copyOf(gnu, 2048), 2, false),
        new T(gnu, 2, false),
        new T(Arrays.copyOf(reg, 511), 0, true),
        new T(Arrays.copyOf(reg, 1195), 1, true),
        new T(Arrays.copyOf(reg, 1536), 1, false),
        new T(concat(Arrays.copyOf(reg, 1536), Arrays.copyOf(trash, 1)), 1, true),
        new T(concat(Arrays.copyOf(reg, 1536), trash), 1, true),
        new T(Arrays.copyOf(reg, 2048), 1, false),
        new T(concat(Arrays.copyOf(reg, 2048), Arrays.copyOf(trash, 511)), 1, true),
        new T(concat(Arrays.copyOf(reg, 2048), trash), 1, true),
        new T(Arrays.copyOf(reg, 2560), 1, false),
        new T(concat(Arrays.copyOf(reg, 2560), trash), 1, false),
        new T(pax, 0, false),
        new T(concat(pax, Arrays.copyOf(trash, 1)), 0, true),
        new T(Arrays.copyOf(sparse, 512), 0, true),
        new T(Arrays.copyOf(sparse, 3584), 1, false),
        new T(Arrays.copyOf(sparse, 9728), 2, true),
        new T(Arrays.copyOf(sparse, 10240), 2, false),
        new T(Arrays.copyOf(sparse, 11264), 2, true),
        new T(sparse, 5, false),
        new T(concat(sparse, trash), 5, false));
    int i = 0;
    for (T v : vectors) {
      int count = 0;
      IOException error = null;
      try (TarReader r = reader(v.input(), "truncated.tar")) {
        while (r.next().isPresent()) {
          count++;
          r.content().transferTo(java.io.OutputStream.nullOutputStream());
        }
      } catch (IOException e) {
        error = e;
      }
      assertThat(count).as("vector " + i + ": headers").isEqualTo(v.headers());
      assertThat(error != null).as("vector " + i + ": error " + error).isEqualTo(v.error());
      i++;
    }
    // Go reads these as whole archives (the cut falls in the last entry's padding); GNU tar and this reader do not.
    for (int cut : new int[] {1196, 1200, 1535}) {
      assertThatThrownBy(() -> {
        try (TarReader r = reader(Arrays.copyOf(reg, cut), "cut.tar")) {
          while (r.next().isPresent()) {
            r.content().transferTo(java.io.OutputStream.nullOutputStream());
          }
        }
      }).as("cut at " + cut).isInstanceOf(ImageFormatException.class).hasMessageContaining("cut inside");
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
