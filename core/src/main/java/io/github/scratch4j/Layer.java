package io.github.scratch4j;

import io.github.scratch4j.internal.EntryPaths;
import io.github.scratch4j.internal.Timestamps;
import io.github.scratch4j.internal.source.TreeCopier;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One layer of an image: a set of entries at distinct paths, kept in path order.
 *
 * <p>A layer is either built from entries with {@link #builder()}, or stored: an existing blob
 * (from a base image, or from {@link #ofBlob}) that is written byte for byte. A built layer's
 * parent directories that were not added explicitly are implied: they appear in
 * {@link #entries()} as directories with mode {@code 0755}, owned by root.
 *
 * <p>Immutable. Built layers are equal when their entries (implied directories included) and
 * {@link #createdBy()} are; stored layers when their blob's descriptor and diff_id are, wherever
 * their bytes are held.
 */
public final class Layer {
  /**
   * What the layer is: built from its own entries, or a blob that exists already; exactly one of
   * the two, each with only what it has. Its equality is the layer's.
   */
  private sealed interface Content permits Built, Stored {
    List<Entry> entries();

    boolean isImplied(String path);

    Optional<String> createdBy();
  }

  /**
   * A layer built from entries, the implied directories among them. Equal when the entries, the
   * implied directories and the description are.
   */
  private record Built(List<Entry> entries, Set<String> impliedDirectories, Optional<String> createdBy)
      implements Content {
    Built {
      entries = List.copyOf(entries);
      impliedDirectories = Collections.unmodifiableSet(new TreeSet<>(impliedDirectories));
    }

    @Override
    public boolean isImplied(String path) {
      return impliedDirectories.contains(path);
    }
  }

  /**
   * A stored blob, written byte for byte. Equal when the blob's descriptor and diff_id are: the
   * bytes are the blob's whatever {@link Source} holds them. Its entries are known when a reader
   * listed them, else read from the blob on first use; they follow from the blob, so they are
   * not part of the value.
   */
  private static final class Stored implements Content {
    private final Descriptor blob;
    private final Digest diffId;
    private final Source content;
    /** The entries, once known. Threads that race on the first use may each read them; they get equal lists. */
    private volatile List<Entry> entries;

    Stored(Descriptor blob, Digest diffId, Source content, List<Entry> entries) {
      this.blob = blob;
      this.diffId = diffId;
      this.content = content;
      this.entries = entries;
    }

    @Override
    public List<Entry> entries() {
      List<Entry> result = entries;
      if (result == null) {
        try {
          result = io.github.scratch4j.internal.layer.StoredLayerEntries.read(blob, content);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e.getMessage(), e);
        }
        entries = result;
      }
      return result;
    }

    @Override
    public boolean isImplied(String path) {
      return false;
    }

    /** Always empty: a blob's history is its image's config, not the layer's. */
    @Override
    public Optional<String> createdBy() {
      return Optional.empty();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Stored s && blob.equals(s.blob) && diffId.equals(s.diffId);
    }

    @Override
    public int hashCode() {
      return Objects.hash(blob, diffId);
    }
  }

  private final Content content;

  private Layer(Content content) {
    this.content = content;
  }

  /**
   * A stored layer whose entries, in path order, a reader has already listed and validated from
   * {@code content}; for {@link Image}, which makes the layers of the images read.
   */
  static Layer stored(Descriptor blob, Digest diffId, Source content, List<Entry> entries) {
    return new Layer(new Stored(checkedBlob(blob, content), diffId, content, List.copyOf(entries)));
  }

  /**
   * A new, empty builder.
   *
   * @return a builder whose helpers make entries owned by root with the reproducible timestamp
   */
  @CheckReturnValue
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A layer whose stored blob already exists, such as one from another tool's cache. It is written
   * byte for byte and its digest and size are checked as it is copied.
   *
   * @param blob the blob's media type (an OCI or Docker layer type), digest and size
   * @param diffId the SHA-256 of the uncompressed layer tar
   * @param content the blob's bytes, as stored
   * @return a stored layer; its entries are read from {@code content} when first needed
   * @throws IllegalArgumentException if the media type is not a layer type or the size disagrees
   *     with the content's
   */
  public static Layer ofBlob(Descriptor blob, Digest diffId, Source content) {
    return new Layer(new Stored(checkedBlob(blob, content), Objects.requireNonNull(diffId, "diffId"), content, null));
  }

  private static Descriptor checkedBlob(Descriptor blob, Source content) {
    if (!io.github.scratch4j.internal.compress.LayerMediaTypes.isLayer(blob.mediaType())) {
      throw new IllegalArgumentException("not a layer media type: " + blob.mediaType());
    }
    if (content.size() != blob.size()) {
      throw new IllegalArgumentException(
          "layer blob " + blob.digest() + " is " + blob.size() + " bytes but its content has " + content.size());
    }
    return blob;
  }

  /**
   * A builder holding this layer's entries, to add more; for a stored layer its entries are read.
   *
   * @return a new builder with the entries that were added (not the implied directories) and
   *     what made the layer
   * @throws java.io.UncheckedIOException as {@link #entries()} says
   */
  @CheckReturnValue
  public Builder toBuilder() {
    Builder b = new Builder();
    for (Entry e : entries()) {
      if (!(e instanceof DirectoryEntry && isImplied(e.path()))) {
        b.add(e);
      }
    }
    content.createdBy().ifPresent(b::createdBy);
    return b;
  }

  /**
   * Every entry, implied parent directories included, sorted by path. A file entry of a stored
   * layer reads its bytes from the blob. The entries of a layer read with {@link Archive#read},
   * {@link Image#from(Path)} or {@link Image#from(String)} were read and validated with it; those
   * of a layer made with {@link #ofBlob} are read from the blob (decompressing it) the first time.
   *
   * @return an unmodifiable list, sorted by path
   * @throws java.io.UncheckedIOException only for a layer made with {@link #ofBlob}, if its blob
   *     cannot be read or is not a valid layer; its cause is the {@link ImageFormatException} or
   *     other {@code IOException}
   */
  public List<Entry> entries() {
    return content.entries();
  }

  /**
   * The entry at {@code path} that is not a whiteout, if this layer has one.
   *
   * @param path absolute path in the image; normalized first
   * @return the entry, or empty when this layer has none there (or only a whiteout)
   * @throws InvalidEntryException if {@code path} is not a valid entry path
   * @throws java.io.UncheckedIOException as {@link #entries()} says
   */
  public Optional<Entry> entry(String path) {
    String normalized = EntryPaths.normalize(path);
    for (Entry e : entries()) {
      if (e.path().equals(normalized) && !(e instanceof Whiteout)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /**
   * The regular file at {@code path}, if this layer has one.
   *
   * @param path absolute path in the image; normalized first
   * @return the file, or empty when this layer has none or something else there
   * @throws InvalidEntryException if {@code path} is not a valid entry path
   * @throws java.io.UncheckedIOException as {@link #entries()} says
   */
  public Optional<FileEntry> file(String path) {
    return entry(path).filter(FileEntry.class::isInstance).map(FileEntry.class::cast);
  }

  /**
   * Whether the directory at {@code path} was implied by the paths of other entries rather than
   * added. Where a lower layer has a directory at that path, an implied directory is written with
   * that directory's mode, owner and time, so that it does not change them; where a lower layer has
   * something else there, such as a symbolic link {@code /lib -> usr/lib}, it is left out.
   *
   * @param path the directory's normalized absolute path
   * @return true for an implied directory; false for an added one, another entry, nothing, and
   *     always for a stored layer
   */
  public boolean isImplied(String path) {
    return content.isImplied(path);
  }

  /**
   * What made this layer, recorded in the image history.
   *
   * @return the description, or empty when none was given
   */
  public Optional<String> createdBy() {
    return content.createdBy();
  }

  /**
   * The stored blob, for a layer read from an existing image or made with {@link #ofBlob}.
   *
   * @return the blob's descriptor, or empty for a layer built from entries
   */
  public Optional<Descriptor> blob() {
    return stored().map(s -> s.blob);
  }

  /**
   * The SHA-256 of the uncompressed layer tar, for a stored layer.
   *
   * @return the diff ID, or empty for a layer built from entries (it is computed when written)
   */
  public Optional<Digest> diffId() {
    return stored().map(s -> s.diffId);
  }

  /**
   * The stored blob's bytes, for a stored layer.
   *
   * @return the blob's content as stored (compressed or not), or empty for a layer built from
   *     entries
   */
  public Optional<Source> blobContent() {
    return stored().map(s -> s.content);
  }

  private Optional<Stored> stored() {
    return content instanceof Stored s ? Optional.of(s) : Optional.empty();
  }

  /** As the class comment says; a built layer never equals a stored one. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Layer l && content.equals(l.content);
  }

  @Override
  public int hashCode() {
    return content.hashCode();
  }

  @Override
  public String toString() {
    if (content instanceof Stored s) {
      return "Layer[stored " + s.blob.digest() + ", " + s.blob.size() + " bytes]";
    }
    return "Layer[" + entries().size() + " entries" + createdBy().map(c -> ", " + c).orElse("") + "]";
  }

  /** Collects entries for a {@link Layer}. Not thread-safe. */
  public static final class Builder {
    // By path, unordered: the order is made once, in build().
    private final Map<String, Entry> entries = new java.util.HashMap<>();
    private Optional<String> createdBy = Optional.empty();
    private int whiteouts;
    private int symlinks;
    private int uid;
    private int gid;
    private Instant mtime = Timestamps.reproducible();

    private Builder() {}

    /**
     * Adds an entry.
     *
     * @param entry the entry, as it is (its attributes are not changed)
     * @return this builder
     * @throws NullPointerException if {@code entry} is null
     * @throws DuplicateEntryException if the layer already has an entry at that path
     */
    public Builder add(Entry entry) {
      Entry previous = entries.putIfAbsent(EntryPaths.key(entry), Objects.requireNonNull(entry, "entry"));
      if (previous != null) {
        throw new DuplicateEntryException(
            "two entries at " + entry.path() + " in one layer: " + describe(previous) + " and "
                + describe(entry));
      }
      if (entry instanceof Whiteout) {
        whiteouts++;
      } else if (entry instanceof SymlinkEntry) {
        symlinks++;
      }
      return this;
    }

    /**
     * The entry whose key ({@link EntryPaths#key}: the path, or a whiteout's marker path) is
     * {@code key}, or null; for {@link Image}, which looks through the layer it is adding to.
     */
    Entry keyed(String key) {
      return entries.get(key);
    }

    /** Whether this builder holds a whiteout, which may hide what lower layers have. */
    boolean hasWhiteouts() {
      return whiteouts > 0;
    }

    /** Whether this builder holds a symbolic link, which later paths may lead through. */
    boolean hasSymlinks() {
      return symlinks > 0;
    }

    /**
     * Adds a regular file with mode {@code 0644}.
     *
     * @param path absolute path in the image
     * @param source the content
     * @return this builder
     * @throws InvalidEntryException if {@code path} is not a valid entry path (see
     *     {@link FileEntry#FileEntry})
     * @throws DuplicateEntryException if the layer already has an entry at that path
     * @throws NullPointerException if {@code path} or {@code source} is null
     */
    public Builder addFile(String path, Source source) {
      return addFile(path, source, 0644);
    }

    /**
     * Adds a regular file with the given permission bits.
     *
     * @param path absolute path in the image
     * @param source the content
     * @param mode permission bits, {@code 0} to {@code 07777}
     * @return this builder
     * @throws InvalidEntryException if {@code path} is not a valid entry path (see
     *     {@link FileEntry#FileEntry}) or the mode is out of range
     * @throws DuplicateEntryException if the layer already has an entry at that path
     * @throws NullPointerException if {@code path} or {@code source} is null
     */
    public Builder addFile(String path, Source source, int mode) {
      return add(new FileEntry(path, source, mode, uid, gid, mtime));
    }

    /**
     * Adds a directory with mode {@code 0755}.
     *
     * @param path absolute path in the image
     * @return this builder
     * @throws InvalidEntryException if {@code path} is not a valid entry path (see
     *     {@link FileEntry#FileEntry})
     * @throws DuplicateEntryException if the layer already has an entry at that path
     * @throws NullPointerException if {@code path} is null
     */
    public Builder addDirectory(String path) {
      return add(new DirectoryEntry(path, 0755, uid, gid, mtime));
    }

    /**
     * Adds a symbolic link to {@code target}, stored as given.
     *
     * @param path absolute path of the link in the image
     * @param target what the link points at, relative or absolute; not empty, without NUL
     * @return this builder
     * @throws InvalidEntryException if {@code path} is not a valid entry path (see
     *     {@link FileEntry#FileEntry}), or the target is empty or holds NUL
     * @throws DuplicateEntryException if the layer already has an entry at that path
     * @throws NullPointerException if {@code path} or {@code target} is null
     */
    public Builder addSymlink(String path, String target) {
      return add(new SymlinkEntry(path, target, 0777, uid, gid, mtime));
    }

    /**
     * Adds a hard link to the regular file at {@code target} in this layer.
     *
     * @param path absolute path of the link in the image
     * @param target absolute path of the linked file
     * @return this builder
     * @throws InvalidEntryException if {@code path} or {@code target} is not a valid entry path
     *     (see {@link FileEntry#FileEntry}), or they are the same
     * @throws DuplicateEntryException if the layer already has an entry at that path
     * @throws NullPointerException if {@code path} or {@code target} is null
     */
    public Builder addHardlink(String path, String target) {
      return add(new HardlinkEntry(path, target, 0644, uid, gid, mtime));
    }

    /**
     * Adds a file, a symbolic link or a whole directory tree from disk at {@code path}. A directory
     * is placed so that its content appears under {@code path}. Files of the tree that are hard
     * links of one another (the same device and inode) become one file, the first of them in path
     * order, and hard links to it. See {@link CopyOption} for how symbolic links, permissions and
     * special files are treated.
     *
     * @param source the file, link or directory on disk
     * @param path absolute path in the image where the source (or a directory's content) goes
     * @param options how the files are copied; none for the defaults {@link CopyOption} describes
     * @return this builder
     * @throws java.io.UncheckedIOException if the source does not exist or cannot be read
     * @throws InvalidEntryException if the tree holds something a layer cannot, such as a socket,
     *     a pipe or device without {@link CopyOption#INCLUDE_SPECIAL_FILES}, or a name that is not
     *     UTF-8 without {@link CopyOption#REPLACE_INVALID_NAMES}; or if {@code path} is not a valid
     *     entry path
     * @throws DuplicateEntryException if the layer already has an entry at a path the tree adds
     */
    public Builder addPath(Path source, String path, CopyOption... options) {
      return addPath(source, path, java.util.function.UnaryOperator.identity(), options);
    }

    /** As {@link #addPath(Path, String, CopyOption...)}, each entry placed by {@code place} as it is added. */
    Builder addPath(Path source, String path, java.util.function.UnaryOperator<Entry> place, CopyOption... options) {
      for (Entry e : new TreeCopier(Set.of(options), uid, gid, mtime).copy(source, path)) {
        add(place.apply(e));
      }
      return this;
    }

    /**
     * Removes the entry at {@code path} and every entry under it from this builder. A hard link
     * left without its file becomes the file, as after {@code rm} of one of two hard links: the
     * first such link in path order takes the file's content and attributes, and the others
     * link to it.
     *
     * @param path absolute path of what to remove; normalized first
     * @return whether anything was removed
     * @throws InvalidEntryException if {@code path} is not a valid entry path
     */
    public boolean remove(String path) {
      String normalized = EntryPaths.normalize(path);
      String prefix = normalized + "/";
      Map<String, FileEntry> removedFiles = new java.util.HashMap<>();
      boolean removed = entries.entrySet().removeIf(e -> {
        String k = e.getKey();
        boolean hit = k.equals(normalized) || k.startsWith(prefix);
        if (hit && e.getValue() instanceof Whiteout) {
          whiteouts--;
        } else if (hit && e.getValue() instanceof SymlinkEntry) {
          symlinks--;
        } else if (hit && e.getValue() instanceof FileEntry f) {
          removedFiles.put(f.path(), f);
        }
        return hit;
      });
      if (!removedFiles.isEmpty()) {
        keepHardLinkedContent(removedFiles);
      }
      return removed;
    }

    private void keepHardLinkedContent(Map<String, FileEntry> removedFiles) {
      Map<String, List<HardlinkEntry>> orphans = new TreeMap<>();
      for (Entry e : entries.values()) {
        if (e instanceof HardlinkEntry h && removedFiles.containsKey(h.target())) {
          orphans.computeIfAbsent(h.target(), t -> new ArrayList<>()).add(h);
        }
      }
      for (Map.Entry<String, List<HardlinkEntry>> o : orphans.entrySet()) {
        FileEntry gone = removedFiles.get(o.getKey());
        List<HardlinkEntry> links = o.getValue();
        links.sort(java.util.Comparator.comparing(HardlinkEntry::path, EntryPaths.ORDER));
        String first = links.get(0).path();
        entries.put(first, new FileEntry(first, gone.source(), gone.mode(), gone.uid(), gone.gid(), gone.mtime()));
        for (HardlinkEntry h : links.subList(1, links.size())) {
          entries.put(h.path(), new HardlinkEntry(h.path(), first, h.mode(), h.uid(), h.gid(), h.mtime()));
        }
      }
    }

    /**
     * The entry this builder has at {@code path} (not a whiteout), if any.
     *
     * @param path absolute path in the image; normalized first
     * @return the entry, or empty when the builder has none there
     * @throws InvalidEntryException if {@code path} is not a valid entry path
     */
    public Optional<Entry> get(String path) {
      return Optional.ofNullable(entries.get(EntryPaths.normalize(path)));
    }

    /**
     * Whether this builder has an entry at {@code path} or under it.
     *
     * @param path absolute path in the image; normalized first
     * @return true when an entry (a whiteout included) is at {@code path} or below it
     * @throws InvalidEntryException if {@code path} is not a valid entry path
     */
    public boolean has(String path) {
      String normalized = EntryPaths.normalize(path);
      String prefix = normalized + "/";
      return entries.keySet().stream().anyMatch(k -> k.equals(normalized) || k.startsWith(prefix));
    }

    /**
     * Sets the owner of the entries added after this call through this builder's helpers
     * ({@code addFile}, {@code addDirectory}, {@code addSymlink}, {@code addHardlink},
     * {@code addPath}); {@link #add(Entry)} keeps the entry's own.
     *
     * @param newUid numeric owner, not negative
     * @param newGid numeric group, not negative
     * @return this builder
     * @throws IllegalArgumentException if either is negative
     */
    public Builder owner(int newUid, int newGid) {
      if (newUid < 0 || newGid < 0) {
        throw new IllegalArgumentException("owner is negative: " + newUid + ":" + newGid);
      }
      this.uid = newUid;
      this.gid = newGid;
      return this;
    }

    /**
     * Sets the modification time of the entries added after this call through this builder's
     * helpers. The default is {@code SOURCE_DATE_EPOCH} when set, otherwise 1970-01-01T00:00:01Z.
     *
     * @param newMtime the modification time
     * @return this builder
     * @throws NullPointerException if {@code newMtime} is null
     */
    public Builder mtime(Instant newMtime) {
      this.mtime = Objects.requireNonNull(newMtime, "mtime");
      return this;
    }

    /**
     * Records what made the layer, for the image history.
     *
     * @param description the history step's {@code created_by}, such as a command
     * @return this builder
     * @throws NullPointerException if {@code description} is null
     */
    public Builder createdBy(String description) {
      this.createdBy = Optional.of(description);
      return this;
    }

    /**
     * Builds the layer, adding implied parent directories.
     *
     * @return the layer, its entries sorted by path; the builder can go on
     * @throws InvalidEntryException if an entry lies under a path that is not a directory
     */
    @CheckReturnValue
    public Layer build() {
      Map<String, Entry> byPath = new java.util.HashMap<>(entries);
      Set<String> implied = new TreeSet<>();
      for (Entry e : entries.values()) {
        for (String parent = EntryPaths.parent(EntryPaths.key(e));
            !parent.isEmpty();
            parent = EntryPaths.parent(parent)) {
          Entry existing = byPath.get(parent);
          if (existing == null) {
            byPath.put(parent, new DirectoryEntry(parent, 0755, 0, 0, mtime));
            implied.add(parent);
          } else if (existing instanceof DirectoryEntry) {
            break;
          } else {
            throw new InvalidEntryException(
                e.path() + " lies under " + parent + ", which this layer makes " + describe(existing)
                    + ", not a directory");
          }
        }
      }
      return new Layer(new Built(EntryPaths.sorted(byPath.values()), implied, createdBy));
    }

    private static String describe(Entry e) {
      if (e instanceof FileEntry f) {
        return "a file (" + f.source() + ")";
      } else if (e instanceof DirectoryEntry) {
        return "a directory";
      } else if (e instanceof SymlinkEntry s) {
        return "a symbolic link to " + s.target();
      } else if (e instanceof HardlinkEntry h) {
        return "a hard link to " + h.target();
      } else if (e instanceof SpecialFileEntry s) {
        return "a " + s.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
      }
      return ((Whiteout) e).opaque() ? "an opaque whiteout" : "a whiteout";
    }
  }
}
