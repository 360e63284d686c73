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
}
