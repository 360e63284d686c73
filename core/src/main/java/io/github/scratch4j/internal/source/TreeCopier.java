package io.github.scratch4j.internal.source;

import io.github.scratch4j.CopyOption;
import io.github.scratch4j.DirectoryEntry;
import io.github.scratch4j.DuplicateEntryException;
import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.HardlinkEntry;
import io.github.scratch4j.InvalidEntryException;
import io.github.scratch4j.SpecialFileEntry;
import io.github.scratch4j.SymlinkEntry;
import io.github.scratch4j.internal.EntryPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns a file, link or directory tree on disk into layer entries. */
public final class TreeCopier {
  // st_mode file type bits (POSIX <sys/stat.h>).
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFIFO = 0010000;

  private final Set<CopyOption> options;
  private final int uid;
  private final int gid;
  private final Instant mtime;
  private final boolean unixView;
  private final boolean posixView;

  /** Copies with the given options, owner and timestamp. */
  public TreeCopier(Set<CopyOption> options, int uid, int gid, Instant mtime) {
    this.options = options.isEmpty() ? EnumSet.noneOf(CopyOption.class) : EnumSet.copyOf(options);
    this.uid = uid;
    this.gid = gid;
    this.mtime = mtime;
    Set<String> views = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews();
    this.unixView = views.contains("unix");
    this.posixView = views.contains("posix");
  }

  /**
   * Returns the entries for {@code source} placed at {@code destination}; all of them, or an
   * exception and none.
   */
  public List<Entry> copy(Path source, String destination) {
    return new Copy().run(source, destination);
  }

  /** One copy: its entries, and the names it had to replace (to find those that collide). */
  private final class Copy {
    private final List<Entry> out = new ArrayList<>();
    /** Entry paths made with replaced names, each with the names (escaped) that became it. */
    private final Map<String, List<String>> replaced = new LinkedHashMap<>();
    /**
     * The index in {@link #out} of the first regular file seen of each device and inode (the
     * attributes' file key), to find hard links. The JDK does not give the link count with the
     * one lstat the walk makes ({@code unix:nlink} costs a second stat, or a map per file that
     * made the walk twice as slow on 10,000 files), so every file is keyed; the key is in the
     * attributes already, and the map is dropped with the walk.
     */
    private final Map<Object, Integer> inodes = new HashMap<>();
    /** Pairs of indexes in {@link #out}: a file and the first file of the walk with its inode. */
    private List<int[]> sameInode;

    List<Entry> run(Path source, String destination) {
      boolean atRoot = destination.replace("/", "").replace(".", "").isEmpty() && !destination.contains("..");
      String root = atRoot ? "" : EntryPaths.normalize(destination);
      BasicFileAttributes attributes;
      try {
        attributes = Files.readAttributes(source, BasicFileAttributes.class, how());
      } catch (NoSuchFileException e) {
        if (follow() && Files.isSymbolicLink(source)) {
          throw dangling(source, e);
        }
        throw new UncheckedIOException("source does not exist: " + source, e);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read source " + source + ": " + e.getMessage(), e);
      }
      if (!attributes.isDirectory()) {
        if (atRoot) {
          throw new InvalidEntryException(
              "cannot place " + source + " at the image root itself: give it a name");
        }
        out.add(entry(source, root, attributes));
        return out;
      }
      if (posixView && !follow()) {
        if (!atRoot) {
          out.add(entry(source, root, attributes));
        }
        walk(source, root);
      } else {
        walkFollowing(source, root, atRoot);
      }
      if (!replaced.isEmpty()) {
        checkReplacedNamesAreUnique();
      }
      if (sameInode != null) {
        linkSameInodes();
      }
      return out;
    }

    /** Remembers a regular file just added to {@link #out}, by its device and inode. */
    private void track(BasicFileAttributes attributes) {
      Object key = attributes.fileKey();
      if (key == null) {
        return;
      }
      int index = out.size() - 1;
      Integer first = inodes.putIfAbsent(key, index);
      if (first != null) {
        if (sameInode == null) {
          sameInode = new ArrayList<>();
        }
        sameInode.add(new int[] {first, index});
      }
    }

    /**
     * Files that are one file on disk (hard links) become one file and hard links to it, as
     * {@code docker build}'s COPY and GNU tar keep them: the first of them in path order is the
     * file, whatever order the directory listing gave, so the layer is the same on every run.
     */
    private void linkSameInodes() {
      Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
      for (int[] pair : sameInode) {
        groups.computeIfAbsent(pair[0], k -> new ArrayList<>(List.of(k))).add(pair[1]);
      }
      for (List<Integer> group : groups.values()) {
        int file = group.get(0);
        for (int i : group) {
          if (EntryPaths.ORDER.compare(out.get(i).path(), out.get(file).path()) < 0) {
            file = i;
          }
        }
        FileEntry target = (FileEntry) out.get(file);
        for (int i : group) {
          if (i != file) {
            out.set(i, new HardlinkEntry(out.get(i).path(), target.path(), target.mode(), uid, gid, mtime));
          }
        }
      }
    }

    /**
     * Walks a tree without following links, reading each entry's attributes once: its type, size
     * and permission bits come from one lstat (a file walk followed by a permission read took two,
     * and a readability check a third system call per file, measured on 10,000 files).
     */
    private void walk(Path source, String root) {
      ArrayDeque<Path> directories = new ArrayDeque<>();
      ArrayDeque<String> places = new ArrayDeque<>();
      directories.push(source);
      places.push(root);
      while (!directories.isEmpty()) {
        Path dir = directories.pop();
        String place = places.pop();
        try (java.nio.file.DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
          for (Path child : children) {
            PosixFileAttributes attributes =
                Files.readAttributes(child, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            String path = place + "/" + name(dir, child, place);
            out.add(entry(child, path, attributes));
            if (attributes.isRegularFile()) {
              track(attributes);
            } else if (attributes.isDirectory()) {
              directories.push(child);
              places.push(path);
            }
          }
        } catch (java.nio.file.DirectoryIteratorException e) {
          throw new UncheckedIOException(
              "cannot read source tree " + source + ": " + e.getCause().getMessage(), e.getCause());
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read source tree " + source + ": " + e.getMessage(), e);
        }
      }
    }

    /** Walks with the JDK's walker: to follow links, or where there is no POSIX view. */
    private void walkFollowing(Path source, String root, boolean atRoot) {
      Set<FileVisitOption> visit = follow() ? EnumSet.of(FileVisitOption.FOLLOW_LINKS) : Set.of();
      ArrayDeque<String> places = new ArrayDeque<>();
      ArrayDeque<Path> directories = new ArrayDeque<>();
      try {
        Files.walkFileTree(source, visit, Integer.MAX_VALUE, new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            if (places.isEmpty()) {
              if (!atRoot) {
                out.add(entry(dir, root, attrs));
              }
              places.push(root);
            } else {
              String path = places.peek() + "/" + name(directories.peek(), dir, places.peek());
              out.add(entry(dir, path, attrs));
              places.push(path);
            }
            directories.push(dir);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            places.pop();
            directories.pop();
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (follow() && attrs.isSymbolicLink()) {
              // The walker hands over a link's own attributes when it cannot follow it.
              throw dangling(file, null);
            }
            out.add(entry(file, places.peek() + "/" + name(directories.peek(), file, places.peek()), attrs));
            if (attrs.isRegularFile()) {
              track(attrs);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof FileSystemLoopException) {
              throw new UncheckedIOException(
                  "symbolic links form a loop at " + file + " (copying with FOLLOW_LINKS)", e);
            }
            throw e;
          }
        });
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read source tree " + source + ": " + e.getMessage(), e);
      }
    }

    /**
     * The name of {@code child} of {@code dir} as a layer holds it: UTF-8. The JDK's reading is
     * taken as it is unless it may differ from that, which one scan of the name tells; only then
     * are the name's bytes fetched and read.
     */
    private String name(Path dir, Path child, String place) {
      String text = child.toString();
      String name = text.substring(text.lastIndexOf('/') + 1);
      if (!FileNames.suspect(name)) {
        return name;
      }
      byte[] raw = FileNames.rawName(child);
      java.util.Optional<String> utf8 = FileNames.utf8(raw);
      if (utf8.isPresent()) {
        return utf8.get();
      }
      if (!options.contains(CopyOption.REPLACE_INVALID_NAMES)) {
        throw new InvalidEntryException(
            "cannot add the file named " + FileNames.escape(raw) + " in " + FileNames.escape(FileNames.rawBytes(dir))
                + ": the name is not valid UTF-8, which the names in a layer must be;"
                + " rename it, or pass CopyOption.REPLACE_INVALID_NAMES to store it with U+FFFD in place"
                + " of each invalid byte");
      }
      String replacement = FileNames.utf8Replacing(raw);
      replaced.computeIfAbsent(place + "/" + replacement, k -> new ArrayList<>())
          .add(FileNames.escape(raw) + " in " + FileNames.escape(FileNames.rawBytes(dir)));
      return replacement;
    }

    /** Two names that differ on disk must not become one in the layer. */
    private void checkReplacedNamesAreUnique() {
      Map<String, Integer> count = new HashMap<>();
      for (Entry e : out) {
        if (replaced.containsKey(e.path())) {
          count.merge(e.path(), 1, Integer::sum);
        }
      }
      for (Map.Entry<String, List<String>> r : replaced.entrySet()) {
        int n = count.getOrDefault(r.getKey(), 0);
        if (n > 1) {
          List<String> names = new ArrayList<>(r.getValue());
          if (n > names.size()) {
            names.add("a file whose name is " + r.getKey().substring(r.getKey().lastIndexOf('/') + 1) + " itself");
          }
          throw new DuplicateEntryException(
              "two files would be " + r.getKey() + " in the layer once CopyOption.REPLACE_INVALID_NAMES"
                  + " replaced their invalid bytes with U+FFFD: " + String.join(" and ", names));
        }
      }
    }

    private Entry entry(Path file, String path, BasicFileAttributes attributes) {
      // Only what is needed is read: without KEEP_PERMISSIONS, links and directories need no mode
      // and a file only its execute bits (one stat less per entry, measured on 10,000 files).
      if (attributes.isSymbolicLink()) {
        return new SymlinkEntry(path, linkTarget(file), 0777, uid, gid, mtime);
      }
      if (attributes.isDirectory()) {
        return new DirectoryEntry(path, keep() ? permissions(file) : 0755, uid, gid, mtime);
      }
      if (attributes.isRegularFile()) {
        Set<PosixFilePermission> known =
            attributes instanceof PosixFileAttributes posix ? posix.permissions() : null;
        int mode = keep() ? permissions(file)
            : (known != null ? executable(known) : executable(file)) ? 0755 : 0644;
        // A file every user may read needs no access check (that is a system call per file).
        PathSource source = known != null && known.contains(PosixFilePermission.OTHERS_READ)
            ? new PathSource(file, attributes.size())
            : PathSource.readable(file, attributes.size());
        return new FileEntry(path, source, mode, uid, gid, mtime);
      }
      return special(file, path);
    }

    private String linkTarget(Path link) {
      Path target;
      try {
        target = Files.readSymbolicLink(link);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read symbolic link " + link + ": " + e.getMessage(), e);
      }
      String text = target.toString();
      if (!FileNames.suspect(text)) {
        return text;
      }
      byte[] raw = FileNames.rawTarget(target);
      java.util.Optional<String> utf8 = FileNames.utf8(raw);
      if (utf8.isPresent()) {
        return utf8.get();
      }
      if (!options.contains(CopyOption.REPLACE_INVALID_NAMES)) {
        throw new InvalidEntryException(
            "cannot add the symbolic link " + FileNames.escape(FileNames.rawBytes(link)) + ": its target "
                + FileNames.escape(raw) + " is not valid UTF-8, which the names in a layer must be;"
                + " pass CopyOption.REPLACE_INVALID_NAMES to store it with U+FFFD in place of each"
                + " invalid byte");
      }
      return FileNames.utf8Replacing(raw);
    }
  }

  /**
   * A named pipe or device: its type, numbers and permissions come from one stat of what is
   * archived, which with FOLLOW_LINKS is what the link points at.
   */
  private Entry special(Path file, String path) {
    int mode = 0;
    long rdev = 0;
    if (unixView) {
      try {
        Map<String, Object> unix = Files.readAttributes(file, "unix:mode,rdev", how());
        mode = (Integer) unix.get("mode");
        rdev = (Long) unix.get("rdev");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read attributes of " + file + ": " + e.getMessage(), e);
      }
    }
    int type = mode & S_IFMT;
    String what = switch (type) {
      case S_IFIFO -> "a named pipe";
      case S_IFCHR -> "a character device";
      case S_IFBLK -> "a block device";
      case S_IFSOCK -> "a socket";
      default -> null;
    };
    String followed = follow() && Files.isSymbolicLink(file) ? " (the target of the symbolic link " + file + ")" : "";
    if (what == null) {
      // Not a type a layer holds, or (the type having changed since the walk read it) not one
      // this method is for: never guess.
      throw new InvalidEntryException("cannot add " + file + followed + ": it is "
          + (type == 0 ? "a special file" : "of file type 0" + Integer.toOctalString(type))
          + ", which a layer cannot hold");
    }
    if (type == S_IFSOCK) {
      throw new InvalidEntryException(
          "cannot add " + file + followed + ": it is " + what + ", which a layer cannot hold");
    }
    if (!options.contains(CopyOption.INCLUDE_SPECIAL_FILES)) {
      throw new InvalidEntryException(
          "refusing to add " + file + followed + ": it is " + what
              + "; pass CopyOption.INCLUDE_SPECIAL_FILES to archive it");
    }
    SpecialFileEntry.Kind kind = switch (type) {
      case S_IFIFO -> SpecialFileEntry.Kind.FIFO;
      case S_IFCHR -> SpecialFileEntry.Kind.CHARACTER_DEVICE;
      default -> SpecialFileEntry.Kind.BLOCK_DEVICE;
    };
    int major = 0;
    int minor = 0;
    if (kind != SpecialFileEntry.Kind.FIFO) {
      // Linux's encoding of dev_t (glibc <sys/sysmacros.h> gnu_dev_major/minor).
      major = (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
      minor = (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
    }
    return new SpecialFileEntry(path, kind, major, minor, mode & 07777, uid, gid, mtime);
  }

  /** A link that FOLLOW_LINKS cannot follow: its target is missing (or cannot be reached). */
  private UncheckedIOException dangling(Path link, NoSuchFileException cause) {
    String target;
    try {
      target = Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      target = "?";
    }
    IOException why = cause;
    if (why == null) {
      try {
        Files.readAttributes(link, BasicFileAttributes.class);
        why = new NoSuchFileException(link.toString());
      } catch (IOException e) {
        why = e;
      }
    }
    String problem = why instanceof NoSuchFileException ? "which does not exist" : "which cannot be read: " + why;
    return new UncheckedIOException("cannot follow the symbolic link " + link + ": it points to " + target
        + ", " + problem + " (copying with FOLLOW_LINKS, which archives what links point to)", why);
  }

  private boolean follow() {
    return options.contains(CopyOption.FOLLOW_LINKS);
  }

  private boolean keep() {
    return options.contains(CopyOption.KEEP_PERMISSIONS);
  }

  private LinkOption[] how() {
    return follow() ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
  }

  /** All twelve permission bits, setuid, setgid and sticky included. */
  private int permissions(Path file) {
    try {
      if (unixView) {
        return (Integer) Files.getAttribute(file, "unix:mode", how()) & 07777;
      }
      return Files.isExecutable(file) ? 0755 : 0644;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read permissions of " + file + ": " + e.getMessage(), e);
    }
  }

  /** Whether any execute bit is set (not whether this process may execute it). */
  private boolean executable(Path file) {
    try {
      if (posixView) {
        return executable(Files.readAttributes(file, PosixFileAttributes.class, how()).permissions());
      }
      return Files.isExecutable(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read permissions of " + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean executable(Set<PosixFilePermission> p) {
    return p.contains(PosixFilePermission.OWNER_EXECUTE) || p.contains(PosixFilePermission.GROUP_EXECUTE)
        || p.contains(PosixFilePermission.OTHERS_EXECUTE);
  }
}
