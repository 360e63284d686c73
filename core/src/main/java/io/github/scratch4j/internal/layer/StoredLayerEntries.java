package io.github.scratch4j.internal.layer;

import io.github.scratch4j.Compression;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.DirectoryEntry;
import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.HardlinkEntry;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.Source;
import io.github.scratch4j.SpecialFileEntry;
import io.github.scratch4j.SymlinkEntry;
import io.github.scratch4j.Whiteout;
import io.github.scratch4j.internal.EntryPaths;
import io.github.scratch4j.internal.compress.Codecs;
import io.github.scratch4j.internal.compress.LayerMediaTypes;
import io.github.scratch4j.internal.source.DerivedSource;
import io.github.scratch4j.internal.source.FileRegionSource;
import io.github.scratch4j.internal.tar.TarEntry;
import io.github.scratch4j.internal.tar.TarReader;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Lists the entries of a stored layer blob; file entries read their content from the blob. */
public final class StoredLayerEntries {
  private StoredLayerEntries() {}

  /**
   * Reads the layer's tar headers.
   *
   * @throws ImageFormatException if the tar is malformed or an entry's path escapes the root
   */
  public static List<Entry> read(Descriptor blob, Source content) throws IOException {
    Compression compression = LayerMediaTypes.compression(blob.mediaType()).orElse(Compression.NONE);
    String what = "layer " + blob.digest();
    Map<String, Entry> entries = new TreeMap<>(EntryPaths.ORDER);
    try (InputStream raw = content.open();
        InputStream tar = Codecs.decompress(compression, raw);
        TarReader reader = new TarReader(tar, what)) {
      Optional<TarEntry> next;
      while ((next = reader.next()).isPresent()) {
        TarEntry e = next.get();
        Entry entry;
        try {
          entry = entry(e, compression, content, what);
        } catch (IllegalArgumentException ex) {
          throw new ImageFormatException(
              what + ": entry '" + e.name() + "' at offset " + e.headerOffset() + " is not valid: " + ex.getMessage(), ex);
        }
        if (entry != null) {
          // A later entry for the same path replaces the earlier one, as extraction does.
          entries.put(EntryPaths.key(entry), entry);
        }
      }
    }
    return List.copyOf(new ArrayList<>(entries.values()));
  }

  private static Entry entry(TarEntry e, Compression compression, Source blob, String what) throws ImageFormatException {
    String name = e.name();
    String trimmed = name.replaceAll("/+$", "");
    if (trimmed.isEmpty() || trimmed.equals(".") || trimmed.equals("./")) {
      return null;
    }
    if (e.uid() > Integer.MAX_VALUE || e.gid() > Integer.MAX_VALUE || e.uid() < 0 || e.gid() < 0) {
      throw new ImageFormatException(what + ": entry '" + name + "' has an owner out of range: " + e.uid() + ":" + e.gid());
    }
    int uid = (int) e.uid();
    int gid = (int) e.gid();
    int mode = e.mode() & 07777;
    Instant mtime = Instant.ofEpochSecond(e.mtimeSeconds());
    String base = trimmed.substring(trimmed.lastIndexOf('/') + 1);
    String dir = trimmed.substring(0, Math.max(0, trimmed.lastIndexOf('/')));
    if (base.startsWith(EntryPaths.WHITEOUT_PREFIX)) {
      if (base.equals(EntryPaths.OPAQUE_MARKER)) {
        return Whiteout.opaque(dir.isEmpty() ? reject(what, name) : dir);
      }
      return Whiteout.of(dir + "/" + base.substring(EntryPaths.WHITEOUT_PREFIX.length()));
    }
    String path = EntryPaths.normalize(trimmed);
    if (path.isEmpty()) {
      return null;
    }
    return switch (e.type().name()) {
      case "FILE" -> new FileEntry(path, content(e, compression, blob, what + " entry " + path), mode, uid, gid, mtime);
      case "DIRECTORY" -> new DirectoryEntry(path, mode, uid, gid, mtime);
      case "SYMLINK" -> new SymlinkEntry(path, e.linkName(), mode, uid, gid, mtime);
      case "HARDLINK" -> new HardlinkEntry(path, e.linkName(), mode, uid, gid, mtime);
      case "FIFO" -> new SpecialFileEntry(path, SpecialFileEntry.Kind.FIFO, 0, 0, mode, uid, gid, mtime);
      case "CHAR_DEVICE" -> new SpecialFileEntry(
          path, SpecialFileEntry.Kind.CHARACTER_DEVICE, e.devMajor(), e.devMinor(), mode, uid, gid, mtime);
      case "BLOCK_DEVICE" -> new SpecialFileEntry(
          path, SpecialFileEntry.Kind.BLOCK_DEVICE, e.devMajor(), e.devMinor(), mode, uid, gid, mtime);
      default -> throw new ImageFormatException(
          what + ": entry '" + name + "' at offset " + e.headerOffset() + " has an entry type layers cannot hold");
    };
  }

  private static String reject(String what, String name) throws ImageFormatException {
    throw new ImageFormatException(what + ": opaque whiteout '" + name + "' at the root");
  }

  private static Source content(TarEntry e, Compression compression, Source blob, String description) {
    if (compression == Compression.NONE && blob instanceof FileRegionSource region) {
      return region.sub(e.dataOffset(), e.size());
    }
    return new DerivedSource(blob, in -> Codecs.decompress(compression, in), e.dataOffset(), e.size(), description);
  }
}
