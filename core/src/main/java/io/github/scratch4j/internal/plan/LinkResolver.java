package io.github.scratch4j.internal.plan;

import io.github.scratch4j.DirectoryEntry;
import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.HardlinkEntry;
import io.github.scratch4j.InvalidEntryException;
import io.github.scratch4j.SpecialFileEntry;
import io.github.scratch4j.SymlinkEntry;
import io.github.scratch4j.Whiteout;
import io.github.scratch4j.internal.EntryPaths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Places what an image adds, removes or replaces where a container finds it: every directory on
 * the way is resolved through the symbolic links the image already has, as Docker's {@code COPY}
 * resolves its destination. On a usrmerge base ({@code /bin -> usr/bin}), {@code /bin/x} goes to
 * {@code /usr/bin/x}; a layer holding {@code bin/x} would make {@code /bin} a directory holding
 * only {@code x} in every runtime that applies layers to an overlay (issue 12).
 *
 * <p>Links are resolved inside the image, never on the host: an absolute target starts again at
 * the image root, {@code ..} never climbs above it, and at most {@value #MAX_LINKS} links are
 * followed for one path (Linux's own limit, MAXSYMLINKS), so a loop is refused rather than
 * followed forever. The last component of a path is not resolved, except for a directory and an
 * opaque whiteout: a file, link or whiteout at {@code /bin} replaces the link {@code /bin} (as
 * {@code rm} and {@code ln -sf} would), while a directory at {@code /bin} is merged into the
 * directory the link leads to, as {@code tar --keep-directory-symlink} and rpm do, so a tree copied
 * to {@code /} does not replace {@code /bin}. (To replace the link by a directory, remove it first.)
 *
 * <p>One resolver serves one change to an image; it remembers the directories it resolved, which
 * holds as long as entries come parent first, as a tree walk and a layer give them.
 */
public final class LinkResolver {
  /** The most links followed for one path: Linux's MAXSYMLINKS. */
  public static final int MAX_LINKS = 40;

  /** What the image has at a path, as a container sees it. */
  @FunctionalInterface
  public interface View {
    /** The entry at the normalized {@code path}, not following links; null when there is none. */
    Entry get(String path);
  }

  private final View view;
  /** Directories already resolved, as written and as resolved. */
  private final Map<String, String> directories = new HashMap<>();

  /** Resolves through what {@code view} shows. */
  public LinkResolver(View view) {
    this.view = view;
  }

  /**
   * A resolver for an image with nothing below the layer being built and no link in it: no path
   * can lead through a link, so each is left as it is without a lookup (the common case of an
   * image built from scratch, where a lookup per added file showed in the start-up time).
   */
  public static LinkResolver none() {
    return new LinkResolver(null);
  }

  /**
   * The entry placed where it belongs: the same entry when nothing on its way is a link, else a
   * copy at the resolved path (and, for a hard link, with the target resolved the same way).
   *
   * @throws InvalidEntryException if a directory on the way is a file, or the links loop
   */
  public Entry place(Entry entry) {
    if (view == null) {
      return entry;
    }
    String path = entry.path();
    String placed = entry instanceof DirectoryEntry || entry instanceof Whiteout w && w.opaque()
        ? directory(path, path) : parentsOf(path, path);
    if (entry instanceof HardlinkEntry h) {
      String target = parentsOf(h.target(), path);
      if (placed.equals(path) && target.equals(h.target())) {
        return entry;
      }
      return new HardlinkEntry(placed, target, h.mode(), h.uid(), h.gid(), h.mtime());
    }
    return placed.equals(path) ? entry : at(entry, placed);
  }

  /** {@code path} with its parent directories resolved and its last component as it is. */
  public String parentsOf(String path) {
    return parentsOf(path, path);
  }

  /**
   * Where a directory at {@code path} goes: its parents resolved, and its last component followed
   * too when it is a link (to a directory, or to nothing yet). Anything else there, such as a
   * file, is replaced by the directory, so it stays.
   */
  public String directory(String path) {
    return directory(path, path);
  }

  /**
   * Where a write to the file at {@code path} lands, as open(2) finds it: the parents resolved, and
   * the last component followed while it is a link. On a base where {@code /etc/passwd} is a link
   * to {@code ../usr/share/base/passwd}, that is {@code /usr/share/base/passwd}; a link to nothing
   * yet leads to where its target would be.
   *
   * @throws InvalidEntryException if a directory on the way is a file, the links loop, or a link
   *     leads to a directory by its name alone (a target such as {@code ..} or {@code dir/})
   */
  public String file(String path) {
    String at = parentsOf(path, path);
    if (view == null) {
      return at;
    }
    List<String> followed = new ArrayList<>(0);
    for (Entry e = view.get(at); e instanceof SymlinkEntry link; e = view.get(at)) {
      followed.add(at + " -> " + link.target());
      if (followed.size() > MAX_LINKS) {
        throw new InvalidEntryException("cannot place " + path + ": following the image's symbolic links from it takes"
            + " more than " + MAX_LINKS + " links, so they loop: " + String.join(", ", followed.subList(0, 6)) + ", ...");
      }
      String target = link.target();
      String joined = target.startsWith("/") ? target : EntryPaths.parent(at) + "/" + target;
      String last = joined.substring(joined.lastIndexOf('/') + 1);
      if (last.isEmpty() || last.equals(".") || last.equals("..")) {
        throw new InvalidEntryException("cannot place the file " + path + ": " + at + " is a symbolic link to "
            + target + ", a directory");
      }
      at = parentsOf(joined, path);
    }
    return at;
  }

  /**
   * What the image has at the normalized {@code path}, not following links; null when nothing is
   * there, and always for {@link #none()}, which sees nothing.
   */
  public Entry entry(String path) {
    return view == null ? null : view.get(path);
  }

  private String parentsOf(String path, String forWhat) {
    String parent = EntryPaths.parent(path);
    if (parent.isEmpty() || view == null) {
      return path;
    }
    String resolved = resolved(parent, forWhat);
    // Most paths have no link on the way: keep the string rather than make an equal one.
    return resolved.equals(parent) ? path : resolved + "/" + EntryPaths.fileName(path);
  }

  private String directory(String path, String forWhat) {
    String placed = parentsOf(path, forWhat);
    if (view == null || !(view.get(placed) instanceof SymlinkEntry)) {
      return placed;
    }
    String resolved = resolved(placed, forWhat);
    if (resolved.isEmpty()) {
      throw new InvalidEntryException("cannot place " + forWhat + ": " + placed + " is a symbolic link to the image root");
    }
    return resolved;
  }

  /**
   * The directory the normalized {@code path} leads to, "" for the root. Every component must be a
   * directory, a link or nothing yet. Each prefix is resolved once and remembered, so a tree of
   * many files costs one lookup per directory.
   */
  private String resolved(String path, String forWhat) {
    String known = directories.get(path);
    if (known != null) {
      return known;
    }
    String current = "";
    int from = 0;
    for (int i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
      String prefix = directories.get(path.substring(0, i));
      if (prefix != null) {
        current = prefix;
        from = i;
        break;
      }
    }
    List<String> followed = new ArrayList<>(0);
    while (from < path.length()) {
      int end = path.indexOf('/', from + 1);
      end = end < 0 ? path.length() : end;
      current = step(current, path.substring(from + 1, end), path, forWhat, followed);
      directories.put(end == path.length() ? path : path.substring(0, end), current);
      from = end;
    }
    return current;
  }

  /**
   * The directory reached from the resolved directory {@code current} through the name {@code part}:
   * following links to the end, counting them in {@code followed} (the links of the whole path).
   */
  private String step(String current, String part, String path, String forWhat, List<String> followed) {
    int linksBefore = followed.size();
    ArrayDeque<String> todo = new ArrayDeque<>();
    todo.add(part);
    while (!todo.isEmpty()) {
      String name = todo.removeFirst();
      if (name.isEmpty() || name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        // At the root, .. is the root (path_resolution(7)).
        current = current.isEmpty() ? "" : EntryPaths.parent(current);
        continue;
      }
      String next = current + "/" + name;
      Entry e = view.get(next);
      if (e == null || e instanceof DirectoryEntry) {
        current = next;
      } else if (e instanceof SymlinkEntry link) {
        followed.add(next + " -> " + link.target());
        if (followed.size() > MAX_LINKS) {
          throw new InvalidEntryException("cannot place " + forWhat + ": following the image's symbolic links from "
              + path + " takes more than " + MAX_LINKS + " links, so they loop: "
              + String.join(", ", followed.subList(0, 6)) + ", ...");
        }
        String target = link.target();
        if (target.startsWith("/")) {
          current = "";
        }
        String[] parts = target.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
          todo.addFirst(parts[i]);
        }
      } else {
        throw new InvalidEntryException("cannot place " + forWhat + ": " + next + " is " + describe(e)
            + " in the image, not a directory"
            + (followed.isEmpty() ? "" : " (reached from " + path + " through " + String.join(", ", followed) + ")"));
      }
    }
    // A link target may name what no entry path may hold (a .wh. name, a path too long).
    return current.isEmpty() || followed.size() == linksBefore ? current : EntryPaths.normalize(current);
  }

  private static String describe(Entry e) {
    if (e instanceof FileEntry) {
      return "a file";
    } else if (e instanceof HardlinkEntry h) {
      return "a hard link to " + h.target();
    } else if (e instanceof SpecialFileEntry s) {
      return "a " + s.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
    return "a whiteout";
  }

  /** The same entry at another path. */
  static Entry at(Entry e, String path) {
    if (e instanceof FileEntry f) {
      return new FileEntry(path, f.source(), f.mode(), f.uid(), f.gid(), f.mtime());
    } else if (e instanceof DirectoryEntry d) {
      return new DirectoryEntry(path, d.mode(), d.uid(), d.gid(), d.mtime());
    } else if (e instanceof SymlinkEntry s) {
      return new SymlinkEntry(path, s.target(), s.mode(), s.uid(), s.gid(), s.mtime());
    } else if (e instanceof HardlinkEntry h) {
      return new HardlinkEntry(path, h.target(), h.mode(), h.uid(), h.gid(), h.mtime());
    } else if (e instanceof SpecialFileEntry s) {
      return new SpecialFileEntry(path, s.kind(), s.major(), s.minor(), s.mode(), s.uid(), s.gid(), s.mtime());
    }
    return new Whiteout(path, ((Whiteout) e).opaque());
  }
}
