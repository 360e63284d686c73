package io.github.scratch4j;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Reads tars in tests with commons-compress, an implementation independent of ours. */
public final class TarFiles {
  private TarFiles() {}

  /** One entry of a tar: its header and, for files, its content. */
  public record Item(TarArchiveEntry header, byte[] content) {
    /** The content as UTF-8 text. */
    public String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  /** Every entry of a tar file, in order, keyed by name. */
  public static Map<String, Item> read(Path tar) throws IOException {
    try (InputStream in = Files.newInputStream(tar)) {
      return read(in);
    }
  }

  /** Every entry of tar bytes, in order, keyed by name. */
  public static Map<String, Item> read(byte[] tar) throws IOException {
    return read(new ByteArrayInputStream(tar));
  }

  /** Writes a tar of the given files, in order, with commons-compress (for crafting inputs). */
  public static void write(Path tar, Map<String, byte[]> files) throws IOException {
    try (var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
        Files.newOutputStream(tar), "UTF-8")) {
      out.setLongFileMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        TarArchiveEntry e = new TarArchiveEntry(f.getKey());
        e.setSize(f.getValue().length);
        out.putArchiveEntry(e);
        out.write(f.getValue());
        out.closeArchiveEntry();
      }
    }
  }

  /** The regular files of a tar, in order, name to content. */
  public static Map<String, byte[]> files(Path tar) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, Item> e : read(tar).entrySet()) {
      if (e.getValue().header().isFile()) {
        out.put(e.getKey(), e.getValue().content());
      }
    }
    return out;
  }

  private static Map<String, Item> read(InputStream in) throws IOException {
    Map<String, Item> items = new LinkedHashMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(in, "UTF-8")) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        byte[] content = e.isFile() ? tar.readAllBytes() : new byte[0];
        if (items.put(e.getName(), new Item(e, content)) != null) {
          throw new AssertionError("duplicate tar entry " + e.getName());
        }
      }
    }
    return items;
  }

  /**
   * A ustar file entry (header, content, padding) whose name is these raw bytes, which need not
   * be UTF-8: for names no Java string encodes.
   */
  public static byte[] rawFile(byte[] name, byte[] content) {
    byte[] b = new byte[512];
    System.arraycopy(name, 0, b, 0, name.length);
    put(b, 100, "0000644");
    put(b, 108, "0000000");
    put(b, 116, "0000000");
    put(b, 124, String.format("%011o", content.length));
    put(b, 136, "00000000001");
    b[156] = '0';
    put(b, 257, "ustar\00000");
    java.util.Arrays.fill(b, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte x : b) {
      sum += x & 0xff;
    }
    put(b, 148, String.format("%06o\0 ", sum));
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(b);
    out.writeBytes(content);
    out.writeBytes(new byte[(512 - content.length % 512) % 512]);
    return out.toByteArray();
  }

  private static void put(byte[] b, int offset, String s) {
    byte[] v = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(v, 0, b, offset, v.length);
  }
}
