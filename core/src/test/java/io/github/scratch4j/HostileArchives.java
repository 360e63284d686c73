package io.github.scratch4j;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Crafts layer tars byte by byte (so that they can hold what no well-behaved writer writes) and
 * wraps a layer blob into each shape an image is read from: an OCI archive tar, a docker-archive
 * tar, an OCI layout directory, and a root file system tarball.
 */
final class HostileArchives {
  private HostileArchives() {}

  /** The shapes a base image is read from. */
  enum Shape {
    OCI_ARCHIVE, DOCKER_ARCHIVE, LAYOUT_DIRECTORY, ROOT_FILE_SYSTEM
  }

  /** The blocks of a tar: the parts, then the two zero blocks that end it. */
  static byte[] tar(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  /** A regular file; a name that does not fit the ustar field goes in a pax header. */
  static byte[] file(String name, String content) {
    return entry(name, '0', "", content.getBytes(StandardCharsets.UTF_8));
  }

  /** A directory. */
  static byte[] directory(String name) {
    return entry(name, '5', "", new byte[0]);
  }

  /** A symbolic link. */
  static byte[] symlink(String name, String target) {
    return entry(name, '2', target, new byte[0]);
  }

  /** A hard link. */
  static byte[] hardlink(String name, String target) {
    return entry(name, '1', target, new byte[0]);
  }

  /** An entry of any type; names and link targets that do not fit ustar go in pax records. */
  static byte[] entry(String name, char type, String link, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    byte[] l = link.getBytes(StandardCharsets.UTF_8);
    StringBuilder records = new StringBuilder();
    if (n.length > 100 || n.length != name.length()) {
      records.append(record("path", name));
    }
    if (l.length > 100 || l.length != link.length()) {
      records.append(record("linkpath", link));
    }
    if (records.length() > 0) {
      out.writeBytes(pax(records.toString()));
    }
    out.writeBytes(header(n.length > 100 ? "long" : name, type, l.length > 100 ? "long" : link, content.length));
    out.writeBytes(content);
    out.writeBytes(new byte[(512 - content.length % 512) % 512]);
    return out.toByteArray();
  }

  /** A pax extended header holding {@code records} as they are. */
  static byte[] pax(String records) {
    byte[] body = records.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[512 + (body.length + 511) / 512 * 512];
    System.arraycopy(header("PaxHeaders/x", 'x', "", body.length), 0, out, 0, 512);
    System.arraycopy(body, 0, out, 512, body.length);
    return out;
  }

  /** One pax record, {@code LEN key=value\n}. */
  static String record(String key, String value) {
    String body = " " + key + "=" + value + "\n";
    int length = body.getBytes(StandardCharsets.UTF_8).length;
    int total = length + String.valueOf(length).length();
    if (String.valueOf(total).length() != String.valueOf(length).length()) {
      total++;
    }
    return total + body;
  }

  private static byte[] header(String name, char type, String link, long size) {
    byte[] b = new byte[512];
    put(b, 0, name, 100);
    put(b, 100, "0000644", 8);
    put(b, 108, "0000000", 8);
    put(b, 116, "0000000", 8);
    put(b, 124, String.format("%011o", size), 12);
    put(b, 136, "00000000001", 12);
    b[156] = (byte) type;
    put(b, 157, link, 100);
    System.arraycopy("ustar\00000".getBytes(StandardCharsets.US_ASCII), 0, b, 257, 8);
    Arrays.fill(b, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte x : b) {
      sum += x & 0xff;
    }
    put(b, 148, String.format("%06o\0 ", sum), 8);
    return b;
  }

  private static void put(byte[] b, int offset, String s, int max) {
    byte[] v = s.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(v, 0, b, offset, Math.min(v.length, max));
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] zstd(byte[] data) {
    return com.github.luben.zstd.Zstd.compress(data);
  }

  static byte[] compress(Compression c, byte[] data) {
    return switch (c) {
      case NONE -> data;
      case GZIP -> gzip(data);
      case ZSTD -> zstd(data);
    };
  }

  static String sha256(byte[] data) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * An image whose only layer is {@code layerTar}, compressed as asked, in the given shape; the
   * digests and diff_id are right, so only the layer's content can be at fault.
   */
  static Path image(Path dir, Shape shape, byte[] layerTar, Compression compression) throws IOException {
    if (shape == Shape.ROOT_FILE_SYSTEM) {
      return Files.write(dir.resolve("rootfs.tar" + (compression == Compression.NONE ? "" : ".z")),
          compress(compression, layerTar));
    }
    return image(dir, shape, java.util.List.of(layerTar), compression);
  }

  /** An image of the given layers, each compressed as asked, in an archive or layout shape. */
  static Path image(Path dir, Shape shape, java.util.List<byte[]> layerTars, Compression compression)
      throws IOException {
    String layerType = switch (compression) {
      case NONE -> MediaType.OCI_LAYER;
      case GZIP -> MediaType.OCI_LAYER_GZIP;
      case ZSTD -> MediaType.OCI_LAYER_ZSTD;
    };
    Map<String, byte[]> blobs = new LinkedHashMap<>();
    StringBuilder diffIds = new StringBuilder();
    StringBuilder layers = new StringBuilder();
    for (byte[] layerTar : layerTars) {
      byte[] blob = compress(compression, layerTar);
      blobs.put(sha256(blob), blob);
      diffIds.append(diffIds.length() == 0 ? "" : ",").append('"').append(sha256(layerTar)).append('"');
      layers.append(layers.length() == 0 ? "" : ",").append("{\"mediaType\":\"").append(layerType)
          .append("\",\"digest\":\"").append(sha256(blob)).append("\",\"size\":").append(blob.length).append('}');
    }
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
        + "\"diff_ids\":[" + diffIds + "]}}").getBytes(StandardCharsets.UTF_8);
    blobs.put(sha256(config), config);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
        + MediaType.OCI_CONFIG + "\",\"digest\":\"" + sha256(config) + "\",\"size\":" + config.length
        + "},\"layers\":[" + layers + "]}").getBytes(StandardCharsets.UTF_8);
    return withDocuments(dir, shape, blobs, manifest, MediaType.OCI_MANIFEST);
  }

  /**
   * An archive or layout whose index names {@code top} (with {@code topType} in its descriptor),
   * holding {@code blobs} by digest; a docker-archive lists {@code top} as its image instead.
   */
  static Path withDocuments(Path dir, Shape shape, Map<String, byte[]> blobs, byte[] top, String topType)
      throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> b : blobs.entrySet()) {
      files.put("blobs/sha256/" + b.getKey().substring(7), b.getValue());
    }
    files.put("blobs/sha256/" + sha256(top).substring(7), top);
    files.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
    if (shape == Shape.DOCKER_ARCHIVE) {
      String manifest = new String(top, StandardCharsets.UTF_8);
      String config = between(manifest, "\"config\":{", "}");
      String layers = manifest.substring(manifest.indexOf("\"layers\":["));
      StringBuilder list = new StringBuilder();
      for (String part : layers.split("\"digest\":\"sha256:")) {
        if (list.length() > 0 || !part.startsWith("\"layers")) {
          list.append(list.length() == 0 ? "" : ",").append("\"blobs/sha256/").append(part, 0, 64).append('"');
        }
      }
      files.put("manifest.json", ("[{\"Config\":\"blobs/sha256/" + between(config, "\"digest\":\"sha256:", "\"")
          + "\",\"RepoTags\":[\"hostile:latest\"],\"Layers\":[" + list + "]}]").getBytes(StandardCharsets.UTF_8));
    } else {
      files.put("index.json", ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_INDEX
          + "\",\"manifests\":[{\"mediaType\":\"" + topType + "\",\"digest\":\"" + sha256(top) + "\",\"size\":"
          + top.length + ",\"annotations\":{\"io.containerd.image.name\":\"docker.io/library/hostile:latest\"}}]}")
          .getBytes(StandardCharsets.UTF_8));
    }
    if (shape == Shape.LAYOUT_DIRECTORY) {
      Path layout = Files.createDirectories(dir.resolve("layout"));
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        Path p = layout.resolve(f.getKey());
        Files.createDirectories(p.getParent());
        Files.write(p, f.getValue());
      }
      return layout;
    }
    Path archive = dir.resolve("image.tar");
    TarFiles.write(archive, files);
    return archive;
  }

  private static String between(String s, String start, String end) {
    int from = s.indexOf(start) + start.length();
    return s.substring(from, s.indexOf(end, from));
  }
}
