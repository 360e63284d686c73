package io.github.scratch4j.internal.layer;

import io.github.scratch4j.Compression;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.DirectoryEntry;
import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.HardlinkEntry;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.ReadOptions;
import io.github.scratch4j.Source;
import io.github.scratch4j.SpecialFileEntry;
import io.github.scratch4j.SymlinkEntry;
import io.github.scratch4j.Whiteout;
import io.github.scratch4j.internal.EntryPaths;
import io.github.scratch4j.internal.compress.Codecs;
import io.github.scratch4j.internal.compress.LayerMediaTypes;
import io.github.scratch4j.internal.source.DerivedSource;
import io.github.scratch4j.internal.source.SubRegions;
import io.github.scratch4j.internal.tar.SparseMap;
import io.github.scratch4j.internal.tar.TarEntry;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The entries of a stored layer blob, validated as an extraction would need them; file entries
 * read their content from the blob.
 */
public final class StoredLayerEntries {
  private StoredLayerEntries() {}

  /**
   * Reads the layer's tar headers from its blob, decompressing it.
   *
   * @throws ImageFormatException if the blob is not a valid layer; see {@link #of}
   */
  public static List<Entry> read(Descriptor blob, Source content) throws IOException {
    Compression compression = LayerMediaTypes.compression(blob.mediaType()).orElse(Compression.NONE);
    String what = "layer " + blob.digest();
    LayerListing listing;
    try (InputStream raw = content.open();
        InputStream tar = Codecs.decompress(compression, raw, what)) {
      listing = LayerListing.read(tar, what, ReadOptions.defaults());
    }
    return of(listing.headers(), compression, content, what);
  }

  /**
   * The entries the headers of a layer tar describe, in path order. A later entry for a path
   * replaces an earlier one, as extraction does. Refuses, naming the entry and its offset: names
   * that are absolute or have {@code ..} components, or are longer than Linux accepts; whiteouts
   * that name nothing ({@code .wh.}, {@code .wh..}, {@code .wh...}); hard links whose target is
   * not a file that comes earlier in the same layer (so none can leave the root); entries under a
   * path the same layer makes a file or link; owners out of range; entry types a layer cannot hold;
   * old GNU sparse files (type 'S'), which Docker cannot extract. A sparse file of GNU tar's pax
   * formats is a file whose source gives the expanded bytes.
   * Names of the AUFS metadata Docker once wrote ({@code .wh..wh.*}, but for the opaque marker) are
   * skipped, as Docker and containerd skip them.
   *
   * @param compression the blob's compression
   * @param blob the blob's bytes, from which file entries read their content
   * @param what names the layer in messages
   */
  public static List<Entry> of(List<TarEntry> headers, Compression compression, Source blob, String what)
      throws ImageFormatException {
    Map<String, Entry> byKey = new HashMap<>(headers.size() * 2);
    for (TarEntry e : headers) {
      Entry entry;
      try {
        entry = entry(e, compression, blob, what, byKey);
      } catch (IllegalArgumentException ex) {
        throw refused(what, e, ex.getMessage());
      }
      if (entry != null) {
        byKey.put(EntryPaths.key(entry), entry);
      }
    }
    List<Entry> sorted = EntryPaths.sorted(byKey.values());
    checkParents(sorted, what);
    return List.copyOf(sorted);
  }

  /**
   * Refuses an entry under a path that the same layer makes something other than a directory:
   * extraction would fail there, or follow a link the layer itself planted. In path order a
   * directory's content directly follows it, so comparing neighbours is enough.
   */
  private static void checkParents(List<Entry> sorted, String what) throws ImageFormatException {
    Entry previous = null;
    for (Entry e : sorted) {
      if (previous != null && !(previous instanceof DirectoryEntry) && !(previous instanceof Whiteout)) {
        String key = EntryPaths.key(e);
        String prefix = previous.path();
        if (key.length() > prefix.length() && key.charAt(prefix.length()) == '/' && key.startsWith(prefix)) {
          throw new ImageFormatException(what + ": entry '" + abbreviate(key.substring(1)) + "' lies under '"
              + abbreviate(prefix.substring(1)) + "', which the same layer makes " + kind(previous)
              + ", not a directory");
        }
      }
      previous = e;
    }
  }

  private static Entry entry(TarEntry e, Compression compression, Source blob, String what, Map<String, Entry> earlier)
      throws ImageFormatException {
    String name = trimTrailingSlashes(e.name());
    if (name.isEmpty() || name.equals(".")) {
      return null; // the root directory itself
    }
    if (name.charAt(0) == '/') {
      throw refused(what, e, "its name is absolute; layer entries are relative to the image root");
    }
    if (e.uid() > Integer.MAX_VALUE || e.gid() > Integer.MAX_VALUE || e.uid() < 0 || e.gid() < 0) {
      throw refused(what, e, "its owner is out of range: " + e.uid() + ":" + e.gid());
    }
    int uid = (int) e.uid();
    int gid = (int) e.gid();
    int mode = e.mode() & 07777;
    Instant mtime = Instant.ofEpochSecond(e.mtimeSeconds());
    int slash = name.lastIndexOf('/');
    String base = name.substring(slash + 1);
    String dir = slash < 0 ? "" : name.substring(0, slash);
    if (base.startsWith(EntryPaths.WHITEOUT_PREFIX)) {
      return whiteout(e, what, dir, base);
    }
    String path = EntryPaths.normalize(relative(name, e, what));
    if (e.sparse().isPresent() && e.sparse().get().format() == SparseMap.Format.OLD_GNU) {
      // Docker 20.10's docker load: "unhandled tar header type 83"; an image built on it would not load.
      throw refused(what, e, "it is an old GNU sparse file (type 'S', written by tar -S --format=gnu), which Docker"
          + " cannot extract; make the tarball with --format=posix (GNU tar's pax sparse formats load)");
    }
    return switch (e.type()) {
      case FILE -> new FileEntry(path, content(e, compression, blob, what + " entry " + path), mode, uid, gid, mtime);
      case DIRECTORY -> new DirectoryEntry(path, mode, uid, gid, mtime);
      case SYMLINK -> new SymlinkEntry(path, e.linkName(), mode, uid, gid, mtime);
      case HARDLINK -> hardlink(e, what, path, mode, uid, gid, mtime, earlier);
      case FIFO -> new SpecialFileEntry(path, SpecialFileEntry.Kind.FIFO, 0, 0, mode, uid, gid, mtime);
      case CHAR_DEVICE -> new SpecialFileEntry(
          path, SpecialFileEntry.Kind.CHARACTER_DEVICE, e.devMajor(), e.devMinor(), mode, uid, gid, mtime);
      case BLOCK_DEVICE -> new SpecialFileEntry(
          path, SpecialFileEntry.Kind.BLOCK_DEVICE, e.devMajor(), e.devMinor(), mode, uid, gid, mtime);
      case OTHER -> throw refused(what, e, "its entry type is not one a layer can hold");
    };
  }

  /** OCI image-spec, layer.md, "Whiteouts": {@code .wh.NAME} deletes NAME; {@code .wh..wh..opq} hides a directory's lower content. */
  private static Entry whiteout(TarEntry e, String what, String dir, String base) throws ImageFormatException {
    String parent = dir.isEmpty() ? "" : EntryPaths.normalize(relative(dir, e, what));
    if (base.equals(EntryPaths.OPAQUE_MARKER)) {
      if (parent.isEmpty()) {
        throw refused(what, e, "it is an opaque whiteout of the image root");
      }
      return Whiteout.opaque(parent);
    }
    if (base.startsWith(EntryPaths.WHITEOUT_PREFIX + EntryPaths.WHITEOUT_PREFIX)) {
      return null; // AUFS metadata (.wh..wh.plnk, .wh..wh.aufs): Docker and containerd skip it too
    }
    String target = base.substring(EntryPaths.WHITEOUT_PREFIX.length());
    if (target.isEmpty() || target.equals(".") || target.equals("..")) {
      throw refused(what, e, "it is a whiteout that names no file ('" + base + "')");
    }
    return Whiteout.of(parent + "/" + target);
  }

  private static Entry hardlink(TarEntry e, String what, String path, int mode, int uid, int gid, Instant mtime,
      Map<String, Entry> earlier) throws ImageFormatException {
    String link = trimTrailingSlashes(e.linkName());
    if (link.isEmpty() || link.charAt(0) == '/') {
      throw refused(what, e, "it is a hard link to '" + abbreviate(e.linkName())
          + "'; a hard link's target must be a relative name inside the layer");
    }
    String target = EntryPaths.normalize(relative(link, e, what, "its hard link target '" + abbreviate(link) + "'"));
    Entry to = earlier.get(target);
    if (!(to instanceof FileEntry || to instanceof HardlinkEntry)) {
      throw refused(what, e, "it is a hard link to '" + abbreviate(link) + "', which is "
          + (to == null ? "not a file that comes before it in the same layer" : kind(to) + ", not a regular file"));
    }
    return new HardlinkEntry(path, target, mode, uid, gid, mtime);
  }

  /** The name as a path under the root; refuses {@code ..} components, which would leave it. */
  private static String relative(String name, TarEntry e, String what) throws ImageFormatException {
    return relative(name, e, what, "its name");
  }

  /** As {@link #relative(String, TarEntry, String)}, naming which of the entry's names it checks. */
  private static String relative(String name, TarEntry e, String what, String which) throws ImageFormatException {
    int start = 0;
    int n = name.length();
    while (start <= n) {
      int end = name.indexOf('/', start);
      end = end < 0 ? n : end;
      if (end - start == 2 && name.charAt(start) == '.' && name.charAt(start + 1) == '.') {
        throw refused(what, e, which + " has a '..' component, which would leave the image root");
      }
      start = end + 1;
    }
    return "/" + name;
  }

  /** The name without trailing slashes, in one pass (a regex would backtrack on many of them). */
  static String trimTrailingSlashes(String name) {
    int end = name.length();
    while (end > 0 && name.charAt(end - 1) == '/') {
      end--;
    }
    return end == name.length() ? name : name.substring(0, end);
  }

  private static ImageFormatException refused(String what, TarEntry e, String why) {
    return new ImageFormatException(what + ": entry '" + abbreviate(e.name()) + "' at offset " + e.headerOffset()
        + " is refused: " + why);
  }

  private static String abbreviate(String s) {
    return io.github.scratch4j.internal.tar.TarNames.printable(s, 120);
  }

  private static String kind(Entry e) {
    if (e instanceof FileEntry) {
      return "a file";
    } else if (e instanceof SymlinkEntry) {
      return "a symbolic link";
    } else if (e instanceof HardlinkEntry) {
      return "a hard link";
    } else if (e instanceof SpecialFileEntry) {
      return "a special file";
    } else if (e instanceof DirectoryEntry) {
      return "a directory";
    }
    return "a whiteout";
  }

  /** An entry's content: its bytes in the blob, or for a sparse file those bytes with the holes put back. */
  private static Source content(TarEntry e, Compression compression, Source blob, String description) {
    Source stored = compression == Compression.NONE && blob instanceof SubRegions region
        ? region.sub(e.dataOffset(), e.storedSize())
        : new DerivedSource(blob, in -> Codecs.decompress(compression, in, description), e.dataOffset(),
            e.storedSize(), description);
    return e.sparse().map(m -> m.source(stored, description)).orElse(stored);
  }
}
