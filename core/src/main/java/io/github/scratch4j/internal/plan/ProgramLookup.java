package io.github.scratch4j.internal.plan;

import io.github.scratch4j.DirectoryEntry;
import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.HardlinkEntry;
import io.github.scratch4j.SymlinkEntry;
import io.github.scratch4j.internal.EntryPaths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * Finds a path in an image's file system as the kernel's path walk does inside the container:
 * component by component from the image root, symbolic links followed inside the image (an
 * absolute target starts again at the image root, {@code ..} stops at it), at most
 * {@value LinkResolver#MAX_LINKS} links. It records every directory a name is looked up in, whose
 * search permission the process needs.
 */
final class ProgramLookup {
  /** The mode and owner a directory that a layer implies without an entry of its own has. */
  static final DirectoryEntry IMPLIED = Entry.directory("/implied");

  private final SortedMap<String, Entry> fs;

  ProgramLookup(SortedMap<String, Entry> fs) {
    this.fs = fs;
  }

  /**
   * Where a walk ended: the entry found, or why none was; {@code missing} when that is because a
   * component is not in the image (rather than a file on the way, or a loop).
   */
  record Walk(String path, Optional<Entry> entry, List<String> searched, Optional<String> failure, boolean missing) {
    boolean found() {
      return failure.isEmpty();
    }

    boolean isDirectory() {
      return entry.isPresent() && entry.get() instanceof DirectoryEntry;
    }

    /** The regular file found, through a hard link too. */
    Optional<FileEntry> file() {
      return entry.filter(FileEntry.class::isInstance).map(FileEntry.class::cast);
    }
  }

  /**
   * Walks to {@code path}, relative to the directory {@code cwd} unless absolute, following a link
   * at its end too.
   */
  Walk walk(String path, String cwd) {
    Deque<String> rest = new ArrayDeque<>();
    push(rest, path.startsWith("/") ? path : cwd + "/" + path);
    String current = "";
    List<String> searched = new ArrayList<>();
    int links = 0;
    String via = "";
    while (!rest.isEmpty()) {
      String name = rest.pop();
      if (name.isEmpty() || name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        if (!current.isEmpty()) {
          current = EntryPaths.parent(current);
        }
        continue;
      }
      searched.add(current.isEmpty() ? "/" : current);
      String next = current + "/" + name;
      Optional<Entry> e = entry(next);
      if (e.isEmpty()) {
        return new Walk(next, Optional.empty(), List.copyOf(searched), Optional.of(next + " is not in the image" + via),
            true);
      }
      if (e.get() instanceof SymlinkEntry s) {
        if (++links > LinkResolver.MAX_LINKS) {
          return failed(next, searched, "more than " + LinkResolver.MAX_LINKS + " symbolic links on the way to " + path
              + " (a loop)");
        }
        via = " (the way leads through the symbolic link " + next + " -> " + s.target() + ")";
        if (s.target().startsWith("/")) {
          current = "";
        }
        push(rest, s.target());
        continue;
      }
      if (!rest.isEmpty() && rest.stream().anyMatch(r -> !r.isEmpty() && !r.equals("."))
          && !(e.get() instanceof DirectoryEntry)) {
        return failed(next, searched, next + " is " + kind(e.get()) + ", not a directory" + via);
      }
      current = next;
    }
    String end = current.isEmpty() ? "/" : current;
    Optional<Entry> e = current.isEmpty() ? Optional.of(IMPLIED) : entry(current).map(this::followHardLink);
    return new Walk(end, e, List.copyOf(searched), Optional.empty(), false);
  }

  private static Walk failed(String at, List<String> searched, String why) {
    return new Walk(at, Optional.empty(), List.copyOf(searched), Optional.of(why), false);
  }

  private static void push(Deque<String> rest, String path) {
    String[] parts = path.split("/");
    for (int i = parts.length - 1; i >= 0; i--) {
      rest.push(parts[i]);
    }
  }

  /** The entry at a normalized path, not following links; an implied directory as {@link #IMPLIED}. */
  Optional<Entry> entry(String path) {
    Entry e = fs.get(path);
    if (e != null) {
      return Optional.of(e);
    }
    SortedMap<String, Entry> after = fs.tailMap(path);
    return !after.isEmpty() && after.firstKey().startsWith(path + "/") ? Optional.of(IMPLIED) : Optional.empty();
  }

  private Entry followHardLink(Entry e) {
    Entry at = e;
    for (int hops = 0; at instanceof HardlinkEntry h && hops < 8; hops++) {
      Entry target = fs.get(h.target());
      if (target == null) {
        return at;
      }
      at = target;
    }
    return at;
  }

  /** What an entry is, for a message: "a regular file", "a directory", "a character device"... */
  static String kind(Entry e) {
    if (e instanceof FileEntry || e instanceof HardlinkEntry) {
      return "a regular file";
    }
    if (e instanceof DirectoryEntry) {
      return "a directory";
    }
    if (e instanceof SymlinkEntry) {
      return "a symbolic link";
    }
    if (e instanceof io.github.scratch4j.SpecialFileEntry s) {
      return switch (s.kind()) {
        case CHARACTER_DEVICE -> "a character device";
        case BLOCK_DEVICE -> "a block device";
        case FIFO -> "a named pipe";
      };
    }
    return "a whiteout";
  }
}
