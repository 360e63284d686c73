package io.github.scratch4j;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The inputs of {@link ArchiveFuzzTest}: the wrappers that make the fuzzer's bytes the layer of a
 * valid image, and the seed corpus. Outer archives are written with commons-compress, not with
 * scratch4j's own tar code, so that the wrappers do not share the bugs of what they test.
 *
 * <p>{@code main(dir)} writes the seeds as {@code dir/archive/*} and {@code dir/layer/*}; they are
 * committed under {@code src/test/resources/io/github/scratch4j/ArchiveFuzzTestInputs}, since
 * Jazzer's regression mode reads them from there. They come out the same byte for byte every time
 * (as long as scratch4j's writer does). Regenerate from the repository root with
 * {@code mvn -q -pl core -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt} and
 * {@code java -cp "core/target/test-classes:core/target/classes:$(cat /tmp/cp.txt)"
 * io.github.scratch4j.ArchiveFuzzInputs core/src/test/resources/io/github/scratch4j/ArchiveFuzzTestInputs}.
 */
final class ArchiveFuzzInputs {
  /** Every entry's mtime, so that the seeds come out the same every time. */
  private static final FileTime MTIME = FileTime.fromMillis(1_700_000_000_000L);
  /** The most a wrapper decompresses to compute a diff_id; beyond it the diff_id is left wrong. */
  private static final int MAX_UNCOMPRESSED = 64 << 20;

  private ArchiveFuzzInputs() {}

  /**
   * An archive whose one image has {@code layer} as its layer, with its digest and diff_id:
   * {@code selector} mod 3 picks an OCI archive (0), a legacy docker-archive (1) or the layer as a
   * root file system tarball (2). An uncompressed layer gets its header checksums fixed first.
   */
  static byte[] wrapLayer(byte selector, byte[] layer) throws IOException {
    Compression compression = compression(layer);
    byte[] blob = compression == Compression.NONE ? withHeaderChecksums(layer) : layer;
    return switch (Math.floorMod(selector, 3)) {
      case 0 -> ociArchive(blob, compression);
      case 1 -> dockerArchive(blob);
      default -> blob;
    };
  }

  /**
   * The tar with every header's checksum set to what its bytes sum to. Headers are found as a
   * reader finds them: the first at 0, each next one after its predecessor's content (the octal
   * size field, rounded up to blocks), until a zero block, a size that cannot be read, or the end.
   */
  static byte[] withHeaderChecksums(byte[] tar) {
    byte[] out = tar.clone();
    long at = 0;
    while (at + 512 <= out.length) {
      int h = (int) at;
      if (isZero(out, h)) {
        break;
      }
      Arrays.fill(out, h + 148, h + 156, (byte) ' ');
      long sum = 0;
      for (int i = 0; i < 512; i++) {
        sum += out[h + i] & 0xff;
      }
      byte[] field = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(field, 0, out, h + 148, 6);
      out[h + 154] = 0;
      long size = octal(out, h + 124, 12);
      if (size < 0 || size > out.length) {
        break;
      }
      at += 512 + (size + 511) / 512 * 512;
    }
    return out;
  }

  private static long octal(byte[] b, int offset, int length) {
    long v = 0;
    int i = offset;
    while (i < offset + length && b[i] == ' ') {
      i++;
    }
    for (; i < offset + length && b[i] != 0 && b[i] != ' '; i++) {
      if (b[i] < '0' || b[i] > '7' || v > (Long.MAX_VALUE >>> 3)) {
        return -1;
      }
      v = (v << 3) | (b[i] - '0');
    }
    return v;
  }

  private static boolean isZero(byte[] b, int offset) {
    for (int i = offset; i < offset + 512; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static Compression compression(byte[] b) {
    if (b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b) {
      return Compression.GZIP;
    }
    if (b.length >= 4 && (b[0] & 0xff) == 0x28 && (b[1] & 0xff) == 0xb5 && (b[2] & 0xff) == 0x2f
        && (b[3] & 0xff) == 0xfd) {
      return Compression.ZSTD;
    }
    return Compression.NONE;
  }

  /** The SHA-256 of the uncompressed layer, or of the blob itself when it does not decompress. */
  private static String diffId(byte[] blob, Compression compression) {
    if (compression == Compression.NONE) {
      return sha256(blob);
    }
    try (InputStream in = compression == Compression.GZIP ? new GZIPInputStream(new ByteArrayInputStream(blob))
        : new ZstdInputStream(new ByteArrayInputStream(blob))) {
      byte[] plain = in.readNBytes(MAX_UNCOMPRESSED);
      return sha256(plain);
    } catch (IOException | RuntimeException undecodable) {
      // The reader will refuse it too; what matters is that the wrapper does not stop the input.
      return sha256(blob);
    }
  }

  private static String layerMediaType(Compression compression) {
    return switch (compression) {
      case NONE -> "application/vnd.oci.image.layer.v1.tar";
      case GZIP -> "application/vnd.oci.image.layer.v1.tar+gzip";
      case ZSTD -> "application/vnd.oci.image.layer.v1.tar+zstd";
    };
  }

  private static byte[] config(String diffId) {
    return ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/bin\"]},"
        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" + diffId + "\"]}}").getBytes(StandardCharsets.UTF_8);
  }

  /** An OCI archive as scratch4j and recent docker save write it, less manifest.json. */
  private static byte[] ociArchive(byte[] blob, Compression compression) throws IOException {
    byte[] config = config(diffId(blob, compression));
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
        + sha256(config) + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\""
        + layerMediaType(compression) + "\",\"digest\":\"sha256:" + sha256(blob) + "\",\"size\":" + blob.length
        + "}]}").getBytes(StandardCharsets.UTF_8);
    byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":"
        + "[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + sha256(manifest)
        + "\",\"size\":" + manifest.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"fuzz:1\","
        + "\"io.containerd.image.name\":\"docker.io/library/fuzz:1\"}}]}").getBytes(StandardCharsets.UTF_8);
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("blobs/sha256/" + sha256(blob), blob);
    files.put("blobs/sha256/" + sha256(config), config);
    files.put("blobs/sha256/" + sha256(manifest), manifest);
    files.put("index.json", index);
    files.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
    return tar(files);
  }

  /** A docker-archive in the legacy layout docker save wrote before 25: {@code <id>/layer.tar}, no index.json. */
  private static byte[] dockerArchive(byte[] blob) throws IOException {
    String layerId = sha256(("layer " + sha256(blob)).getBytes(StandardCharsets.UTF_8));
    byte[] config = config(diffId(blob, compression(blob)));
    String configName = sha256(config) + ".json";
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(layerId + "/VERSION", "1.0".getBytes(StandardCharsets.UTF_8));
    files.put(layerId + "/json", ("{\"id\":\"" + layerId + "\"}").getBytes(StandardCharsets.UTF_8));
    files.put(layerId + "/layer.tar", blob);
    files.put(configName, config);
    files.put("manifest.json", ("[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"fuzz:1\"],\"Layers\":[\""
        + layerId + "/layer.tar\"]}]").getBytes(StandardCharsets.UTF_8));
    files.put("repositories", ("{\"fuzz\":{\"1\":\"" + layerId + "\"}}").getBytes(StandardCharsets.UTF_8));
    return tar(files);
  }

  /** A tar of regular files, in order. */
  static byte[] tar(Map<String, byte[]> files) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes, "UTF-8")) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        TarArchiveEntry e = new TarArchiveEntry(f.getKey());
        e.setSize(f.getValue().length);
        e.setMode(0644);
        e.setLastModifiedTime(MTIME);
        out.putArchiveEntry(e);
        out.write(f.getValue());
        out.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  // ---- Seeds ----

  /** A small layer: a directory, files, links, a FIFO and a device, a pax long name and a GNU long name. */
  static byte[] sampleLayer() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes, "UTF-8")) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      dir(out, "etc/");
      file(out, "etc/hostname", "fuzz\n");
      file(out, "bin/busybox", "\u007fELF not really\n", 0755);
      link(out, "bin/sh", "busybox", TarConstants.LF_SYMLINK);
      link(out, "etc/hostname.hard", "etc/hostname", TarConstants.LF_LINK);
      TarArchiveEntry fifo = new TarArchiveEntry("run/fifo", TarConstants.LF_FIFO);
      fifo.setLastModifiedTime(MTIME);
      out.putArchiveEntry(fifo);
      out.closeArchiveEntry();
      TarArchiveEntry dev = new TarArchiveEntry("dev/null", TarConstants.LF_CHR);
      dev.setDevMajor(1);
      dev.setDevMinor(3);
      dev.setMode(0666);
      dev.setLastModifiedTime(MTIME);
      out.putArchiveEntry(dev);
      out.closeArchiveEntry();
      file(out, "usr/share/" + "long-directory-name/".repeat(6) + "file.txt", "long\n");
    }
    byte[] gnu = gnuLongName("opt/" + "gnu-long-name-".repeat(10) + "end", "gnu\n");
    byte[] layer = bytes.toByteArray();
    // Splice the GNU entry in before the end-of-archive blocks.
    int end = layer.length - 1024;
    while (end > 0 && isZero(layer, end - 512)) {
      end -= 512;
    }
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    joined.write(layer, 0, end);
    joined.writeBytes(gnu);
    joined.writeBytes(new byte[1024]);
    return joined.toByteArray();
  }

  /** A GNU long-name entry ({@code ././@LongLink}, type L) and the file it names. */
  private static byte[] gnuLongName(String name, String content) {
    byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header("././@LongLink", 'L', nameBytes.length, 0644, "gnu"));
    out.writeBytes(padded(nameBytes));
    byte[] c = content.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(header(name.substring(0, 99), '0', c.length, 0644, "gnu"));
    out.writeBytes(padded(c));
    return out.toByteArray();
  }

  /** A raw header block with a correct checksum; {@code magic} "gnu" or "ustar" or "v7". */
  static byte[] header(String name, char type, long size, int mode, String magic) {
    byte[] b = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(n, 0, b, 0, Math.min(100, n.length));
    put(b, 100, String.format("%07o", mode));
    put(b, 108, "0000000");
    put(b, 116, "0000000");
    put(b, 124, String.format("%011o", size));
    put(b, 136, String.format("%011o", MTIME.toMillis() / 1000));
    b[156] = (byte) type;
    switch (magic) {
      case "gnu" -> put(b, 257, "ustar  ");
      case "ustar" -> {
        put(b, 257, "ustar");
        put(b, 263, "00");
      }
      default -> { }
    }
    return withHeaderChecksums(b);
  }

  private static void put(byte[] b, int offset, String s) {
    byte[] v = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(v, 0, b, offset, v.length);
  }

  static byte[] padded(byte[] content) {
    return Arrays.copyOf(content, (content.length + 511) / 512 * 512);
  }

  private static void dir(TarArchiveOutputStream out, String name) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(040755);
    e.setLastModifiedTime(MTIME);
    out.putArchiveEntry(e);
    out.closeArchiveEntry();
  }

  private static void file(TarArchiveOutputStream out, String name, String content) throws IOException {
    file(out, name, content, 0644);
  }

  private static void file(TarArchiveOutputStream out, String name, String content, int mode) throws IOException {
    byte[] c = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(c.length);
    e.setMode(0100000 | mode);
    e.setLastModifiedTime(MTIME);
    out.putArchiveEntry(e);
    out.write(c);
    out.closeArchiveEntry();
  }

  private static void link(TarArchiveOutputStream out, String name, String target, byte type) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, type);
    e.setLinkName(target);
    e.setLastModifiedTime(MTIME);
    out.putArchiveEntry(e);
    out.closeArchiveEntry();
  }

  /** A tar of raw entry bytes followed by the end-of-archive blocks. */
  private static byte[] rawTar(byte[]... entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] e : entries) {
      out.writeBytes(e);
    }
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  private static byte[] rawFile(String name, String content) {
    byte[] c = content.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header(name, '0', c.length, 0644, "ustar"));
    out.writeBytes(padded(c));
    return out.toByteArray();
  }

  /** A pax extended header ('x') with the given records, then the file it describes. */
  private static byte[] paxFile(String headerName, Map<String, String> records, String content) {
    ByteArrayOutputStream pax = new ByteArrayOutputStream();
    for (Map.Entry<String, String> r : records.entrySet()) {
      String body = " " + r.getKey() + "=" + r.getValue() + "\n";
      int len = body.getBytes(StandardCharsets.UTF_8).length;
      int total = len + Integer.toString(len).length();
      if (Integer.toString(total).length() != Integer.toString(len).length()) {
        total++;
      }
      pax.writeBytes((total + body).getBytes(StandardCharsets.UTF_8));
    }
    byte[] p = pax.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header("PaxHeaders/" + headerName, 'x', p.length, 0644, "ustar"));
    out.writeBytes(padded(p));
    byte[] c = content.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(header(headerName, '0', c.length, 0644, "ustar"));
    out.writeBytes(padded(c));
    return out.toByteArray();
  }

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    }
    return out.toByteArray();
  }

  private static byte[] zstd(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZstdOutputStream z = new ZstdOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  private static byte[] prefixed(int selector, byte[] layer) {
    byte[] out = new byte[layer.length + 1];
    out[0] = (byte) selector;
    System.arraycopy(layer, 0, out, 1, layer.length);
    return out;
  }

  private static byte[] written(Image image, WriteOptions options) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    image.writeTo(out, options);
    return out.toByteArray();
  }

  private static Image tiny(String content) {
    return Image.fromScratch()
        .add(Layer.builder()
            .addFile("/etc/hostname", Source.of(content.getBytes(StandardCharsets.UTF_8)))
            .addDirectory("/tmp")
            .addSymlink("/bin/sh", "busybox")
            .mtime(MTIME.toInstant())
            .build())
        .env("PATH", "/bin")
        // Like many bases, it holds an /etc/hostname, which a container never sees.
        .without(ImageCheck.RUNTIME_PATHS)
        .tag("tiny:1");
  }

  /** The seeds of the {@code archive} target: valid archives of each shape and hostile ones. */
  static Map<String, byte[]> archiveSeeds() throws IOException {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    byte[] plain = written(tiny("tiny\n"), WriteOptions.defaults());
    seeds.put("scratch4j-tiny", plain);
    seeds.put("scratch4j-tiny-gzip", written(tiny("tiny gzip\n"), WriteOptions.defaults().withCompression(Compression.GZIP)));
    Image base = tiny("two layers\n");
    seeds.put("scratch4j-whiteout", written(base.add(Layer.builder()
        .addFile("/etc/motd", Source.of("upper\n".getBytes(StandardCharsets.UTF_8))).mtime(MTIME.toInstant()).build())
        .remove("/etc/hostname"), WriteOptions.defaults()));
    ByteArrayOutputStream index = new ByteArrayOutputStream();
    ImageIndex.of(tiny("amd64\n").platform(Platform.LINUX_AMD64), tiny("arm64\n").platform(Platform.LINUX_ARM64))
        .tag("multi:1").writeTo(index);
    seeds.put("scratch4j-index", index.toByteArray());
    seeds.put("docker-legacy", dockerArchive(withHeaderChecksums(sampleLayer())));
    seeds.put("docker-repeated-layer-link", repeatedLayerArchive(withHeaderChecksums(sampleLayer())));
    seeds.put("docker-before-1.10", dockerBefore110(withHeaderChecksums(sampleLayer())));
    byte[] rootfs = rootfs();
    seeds.put("rootfs", rootfs);
    seeds.put("rootfs-gzip", gzip(rootfs));

    seeds.put("hostile-truncated", Arrays.copyOf(plain, plain.length / 2));
    seeds.put("hostile-pax-path-escapes", rawTar(paxFile("a", Map.of("path", "../../etc/passwd"), "x")));
    seeds.put("hostile-hardlink-escapes", rawTar(rawFile("a", "x"),
        withLink(header("b", '1', 0, 0644, "ustar"), "../../a")));
    seeds.put("hostile-opaque-whiteout-at-root", rawTar(rawFile(".wh..wh..opq", "")));
    seeds.put("hostile-symlink-blob", symlinkBlob(plain));
    Map<String, byte[]> missing = new LinkedHashMap<>();
    missing.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
    missing.put("index.json", ("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
        + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + "0".repeat(64)
        + "\",\"size\":2}]}").getBytes(StandardCharsets.UTF_8));
    seeds.put("hostile-index-names-missing-blob", tar(missing));
    Map<String, byte[]> mismatch = new LinkedHashMap<>();
    mismatch.put("manifest.json", "[{\"Config\":\"c.json\",\"RepoTags\":[\"x:1\"],\"Layers\":[\"l.tar\"]}]"
        .getBytes(StandardCharsets.UTF_8));
    mismatch.put("c.json", config(sha256("not the layer".getBytes(StandardCharsets.UTF_8))));
    mismatch.put("l.tar", rawTar(rawFile("f", "layer\n")));
    seeds.put("hostile-diff-id-mismatch", tar(mismatch));
    seeds.put("hostile-two-zero-blocks-then-data", concat(rawTar(rawFile("a", "x")), rawFile("b", "y")));
    seeds.put("hostile-pax-length-overflow", rawTar(paxFile("a", Map.of("size", "99999999999999999999"), "x")));
    return seeds;
  }

  /** The seeds of the {@code layer} target: a wrapper byte, then a layer. */
  static Map<String, byte[]> layerSeeds() throws IOException {
    byte[] sample = sampleLayer();
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("oci-sample", prefixed(0, sample));
    seeds.put("docker-legacy-gzip", prefixed(1, gzip(sample)));
    seeds.put("oci-zstd", prefixed(0, zstd(sample)));
    seeds.put("rootfs-sample", prefixed(2, sample));
    seeds.put("oci-whiteouts", prefixed(0, rawTar(rawFile("etc/.wh.hostname", ""), rawFile("usr/.wh..wh..opq", ""),
        rawFile("usr/local/new", "new\n"))));
    Map<String, String> pax = new LinkedHashMap<>();
    pax.put("path", "var/" + "pax-long-name-".repeat(12) + "end");
    pax.put("mtime", "1700000000.123456789");
    pax.put("uid", "65534");
    pax.put("uname", "nobody");
    seeds.put("oci-pax", prefixed(0, rawTar(paxFile("short", pax, "pax\n"))));
    seeds.put("docker-legacy-v7", prefixed(1, rawTar(header("old/", '\0', 0, 0755, "v7"),
        withoutMagic(rawFile("old/file", "v7\n")))));
    // GNU tar's pax sparse formats: 0.1 (the map in a record) and 1.0 (the map before the data).
    Map<String, String> sparse01 = new LinkedHashMap<>();
    sparse01.put("GNU.sparse.size", "10");
    sparse01.put("GNU.sparse.numblocks", "2");
    sparse01.put("GNU.sparse.name", "etc/holes");
    sparse01.put("GNU.sparse.map", "1,3,6,2");
    seeds.put("rootfs-sparse-pax-0.1", prefixed(2, rawTar(paxFile("GNUSparseFile.1/holes", sparse01, "abcde"))));
    Map<String, String> sparse10 = new LinkedHashMap<>();
    sparse10.put("GNU.sparse.major", "1");
    sparse10.put("GNU.sparse.minor", "0");
    sparse10.put("GNU.sparse.name", "etc/holes");
    sparse10.put("GNU.sparse.realsize", "10");
    byte[] map = Arrays.copyOf("2\n1\n3\n6\n2\n".getBytes(StandardCharsets.US_ASCII), 512);
    seeds.put("oci-sparse-pax-1.0", prefixed(0, rawTar(paxFile("GNUSparseFile.1/holes", sparse10,
        new String(map, StandardCharsets.ISO_8859_1) + "abcde"))));
    return seeds;
  }

  /**
   * A docker-archive as Docker 20.10 saves an image whose two layers are the same: the second
   * {@code <id>/layer.tar} a symbolic link to the first.
   */
  private static byte[] repeatedLayerArchive(byte[] blob) throws IOException {
    String first = sha256(("first " + sha256(blob)).getBytes(StandardCharsets.UTF_8));
    String second = sha256(("second " + sha256(blob)).getBytes(StandardCharsets.UTF_8));
    String diffId = sha256(blob);
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
        + "\"diff_ids\":[\"sha256:" + diffId + "\",\"sha256:" + diffId + "\"]}}").getBytes(StandardCharsets.UTF_8);
    String configName = sha256(config) + ".json";
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes, "UTF-8")) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      dir(out, first + "/");
      regular(out, first + "/layer.tar", blob);
      dir(out, second + "/");
      link(out, second + "/layer.tar", "../" + first + "/layer.tar", TarConstants.LF_SYMLINK);
      regular(out, configName, config);
      regular(out, "manifest.json", ("[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"fuzz:1\"],\"Layers\":[\""
          + first + "/layer.tar\",\"" + second + "/layer.tar\"]}]").getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  /** docker save as it was before Docker 1.10: repositories, {@code <id>/json}, {@code <id>/layer.tar}. */
  private static byte[] dockerBefore110(byte[] blob) throws IOException {
    String base = sha256(("base " + sha256(blob)).getBytes(StandardCharsets.UTF_8));
    String top = sha256(("top " + sha256(blob)).getBytes(StandardCharsets.UTF_8));
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(base + "/VERSION", "1.0".getBytes(StandardCharsets.UTF_8));
    files.put(base + "/json", ("{\"id\":\"" + base + "\",\"os\":\"linux\",\"architecture\":\"amd64\","
        + "\"config\":{\"Env\":[\"PATH=/bin\"]}}").getBytes(StandardCharsets.UTF_8));
    files.put(base + "/layer.tar", blob);
    files.put(top + "/VERSION", "1.0".getBytes(StandardCharsets.UTF_8));
    files.put(top + "/json", ("{\"id\":\"" + top + "\",\"parent\":\"" + base + "\",\"created\":"
        + "\"2015-06-01T10:00:00Z\",\"container_config\":{\"Cmd\":[\"/bin/sh\",\"-c\",\"#(nop)\"]},"
        + "\"config\":{\"Cmd\":[\"/bin/sh\"]}}").getBytes(StandardCharsets.UTF_8));
    files.put(top + "/layer.tar", rawTar(rawFile("etc/motd", "top\n")));
    files.put("repositories", ("{\"fuzz\":{\"1\":\"" + top + "\"}}").getBytes(StandardCharsets.UTF_8));
    return tar(files);
  }

  private static void regular(TarArchiveOutputStream out, String name, byte[] content) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(content.length);
    e.setMode(0644);
    e.setLastModifiedTime(MTIME);
    out.putArchiveEntry(e);
    out.write(content);
    out.closeArchiveEntry();
  }

  /** A root file system tarball as {@code tar -C root -cf - .} writes it: names start with {@code ./}. */
  private static byte[] rootfs() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes, "UTF-8")) {
      dir(out, "./");
      dir(out, "./bin/");
      file(out, "./bin/busybox", "not really busybox\n", 0755);
      link(out, "./bin/sh", "busybox", TarConstants.LF_SYMLINK);
      dir(out, "./etc/");
      file(out, "./etc/hostname", "rootfs\n");
      link(out, "./etc/hostname.hard", "./etc/hostname", TarConstants.LF_LINK);
    }
    return bytes.toByteArray();
  }

  private static byte[] withLink(byte[] header, String target) {
    byte[] b = header.clone();
    put(b, 157, target);
    return withHeaderChecksums(b);
  }

  private static byte[] withoutMagic(byte[] entry) {
    byte[] b = entry.clone();
    Arrays.fill(b, 257, 265, (byte) 0);
    byte[] fixed = withHeaderChecksums(Arrays.copyOf(b, 512));
    System.arraycopy(fixed, 0, b, 0, 512);
    return b;
  }

  /** The archive with its first blob replaced by a symbolic link to it. */
  private static byte[] symlinkBlob(byte[] archive) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
            new ByteArrayInputStream(archive), "UTF-8");
        TarArchiveOutputStream out = new TarArchiveOutputStream(bytes, "UTF-8")) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      boolean replaced = false;
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        if (!replaced && e.isFile() && e.getName().startsWith("blobs/sha256/")) {
          replaced = true;
          link(out, e.getName(), "../../index.json", TarConstants.LF_SYMLINK);
          continue;
        }
        byte[] content = in.readAllBytes();
        TarArchiveEntry copy = new TarArchiveEntry(e.getName());
        copy.setSize(content.length);
        copy.setMode(e.getMode());
        copy.setLastModifiedTime(MTIME);
        out.putArchiveEntry(copy);
        out.write(content);
        out.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args[0]);
    for (var target : Map.of("archive", archiveSeeds(), "layer", layerSeeds()).entrySet()) {
      Path dir = Files.createDirectories(root.resolve(target.getKey()));
      for (Map.Entry<String, byte[]> s : target.getValue().entrySet()) {
        Files.write(dir.resolve(s.getKey()), s.getValue());
      }
    }
  }
}
