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
 * One layer of an image: a set of entries at distinct paths, kept in path order. Parent
 * directories that were not added explicitly are implied: they appear in {@link #entries()} as
 * directories with mode {@code 0755}, owned by root.
 *
 * <p>Immutable; build one with {@link #builder()}.
 */
public final class Layer {
  private final List<Entry> entries;
  private final Set<String> impliedDirectories;
  private final Optional<String> createdBy;

  private Layer(List<Entry> entries, Set<String> impliedDirectories, Optional<String> createdBy) {
    this.entries = List.copyOf(entries);
    this.impliedDirectories = Collections.unmodifiableSet(new TreeSet<>(impliedDirectories));
    this.createdBy = createdBy;
  }

  /** A new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this layer's entries, to add more. */
  public Builder toBuilder() {
    Builder b = new Builder();
    for (Entry e : entries) {
      if (!(e instanceof DirectoryEntry && impliedDirectories.contains(e.path()))) {
        b.add(e);
      }
    }
    createdBy.ifPresent(b::createdBy);
    return b;
  }

  /** Every entry, implied parent directories included, sorted by path. */
  public List<Entry> entries() {
    return entries;
  }

  /** The entry at {@code path} that is not a whiteout, if this layer has one. */
  public Optional<Entry> entry(String path) {
    String normalized = EntryPaths.normalize(path);
    for (Entry e : entries) {
      if (e.path().equals(normalized) && !(e instanceof Whiteout)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the directory at {@code path} was implied by the paths of other entries rather than
   * added. An implied directory is left out where a lower layer already has that path, so that a
   * symbolic link there (such as {@code /lib -> usr/lib}) is not replaced.
   */
  public boolean isImplied(String path) {
    return impliedDirectories.contains(path);
  }

  /** What made this layer, recorded in the image history. */
  public Optional<String> createdBy() {
    return createdBy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Layer l
        && entries.equals(l.entries)
        && impliedDirectories.equals(l.impliedDirectories)
        && createdBy.equals(l.createdBy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(entries, impliedDirectories, createdBy);
  }

  @Override
  public String toString() {
    return "Layer[" + entries.size() + " entries" + createdBy.map(c -> ", " + c).orElse("") + "]";
  }

  /** Collects entries for a {@link Layer}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, Entry> entries = new TreeMap<>(EntryPaths.ORDER);
    private Optional<String> createdBy = Optional.empty();
    private int uid;
    private int gid;
    private Instant mtime = Timestamps.reproducible();

    private Builder() {}

    /**
     * Adds an entry.
     *
     * @throws DuplicateEntryException if the layer already has an entry at that path
     */
    public Builder add(Entry entry) {
      Entry previous = entries.putIfAbsent(EntryPaths.key(entry), Objects.requireNonNull(entry, "entry"));
      if (previous != null) {
        throw new DuplicateEntryException(
            "two entries at " + entry.path() + " in one layer: " + describe(previous) + " and "
                + describe(entry));
      }
      return this;
    }

    /** Adds a regular file with mode {@code 0644}. */
    public Builder addFile(String path, Source source) {
      return addFile(path, source, 0644);
    }

    /** Adds a regular file with the given permission bits. */
    public Builder addFile(String path, Source source, int mode) {
      return add(new FileEntry(path, source, mode, uid, gid, mtime));
    }

    /** Adds a directory with mode {@code 0755}. */
    public Builder addDirectory(String path) {
      return add(new DirectoryEntry(path, 0755, uid, gid, mtime));
    }

    /** Adds a symbolic link to {@code target}, stored as given. */
    public Builder addSymlink(String path, String target) {
      return add(new SymlinkEntry(path, target, 0777, uid, gid, mtime));
    }

    /** Adds a hard link to the regular file at {@code target} in this layer. */
    public Builder addHardlink(String path, String target) {
      return add(new HardlinkEntry(path, target, 0644, uid, gid, mtime));
    }

    /**
     * Adds a file, a symbolic link or a whole directory tree from disk at {@code path}. A directory
     * is placed so that its content appears under {@code path}. See {@link CopyOption} for how
     * links, permissions and special files are treated.
     *
     * @throws java.io.UncheckedIOException if the source cannot be read
     * @throws InvalidEntryException if the tree holds something a layer cannot, such as a socket
     */
    public Builder addPath(Path source, String path, CopyOption... options) {
      new TreeCopier(Set.of(options), uid, gid, mtime).copy(source, path).forEach(this::add);
      return this;
    }

    /** Sets the owner of the entries added after this call through this builder's helpers. */
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
     */
    public Builder mtime(Instant newMtime) {
      this.mtime = Objects.requireNonNull(newMtime, "mtime");
      return this;
    }

    /** Records what made the layer, for the image history. */
    public Builder createdBy(String description) {
      this.createdBy = Optional.of(description);
      return this;
    }

    /**
     * Builds the layer, adding implied parent directories.
     *
     * @throws InvalidEntryException if an entry lies under a path that is not a directory
     */
    public Layer build() {
      Map<String, Entry> all = new TreeMap<>(EntryPaths.ORDER);
      all.putAll(entries);
      Set<String> implied = new TreeSet<>();
      for (Entry e : entries.values()) {
        for (String parent = EntryPaths.parent(EntryPaths.key(e));
            !parent.isEmpty();
            parent = EntryPaths.parent(parent)) {
          Entry existing = all.get(parent);
          if (existing == null) {
            all.put(parent, new DirectoryEntry(parent, 0755, 0, 0, mtime));
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
      return new Layer(new ArrayList<>(all.values()), implied, createdBy);
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
