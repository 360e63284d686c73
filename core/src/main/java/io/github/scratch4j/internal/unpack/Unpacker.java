package io.github.scratch4j.internal.unpack;

import io.github.scratch4j.DirectoryEntry;
import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.HardlinkEntry;
import io.github.scratch4j.Layer;
import io.github.scratch4j.SymlinkEntry;
import io.github.scratch4j.UnpackOption;
import io.github.scratch4j.UnsafePathException;
import io.github.scratch4j.Whiteout;
import io.github.scratch4j.internal.io.TempSiblings;
import io.github.scratch4j.internal.source.DerivedSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies layers in order to a directory on the host, as a runtime's root file system (OCI
 * image-spec, layer.md, "Applying Changesets"): whiteouts delete what lower layers made, opaque
 * whiteouts empty a directory of it, entries add or replace their path.
 *
 * <p>Every path is resolved inside the root one component at a time, the way a process chrooted
 * into it would see it: a symbolic link met on the way is followed with its absolute targets taken
 * from the root and {@code ..} stopping at the root, so a link can redirect a later layer's write
 * only to another place inside the root (as runc and containerd resolve paths). The last component
 * of an entry is never followed: an entry replaces a link, never writes through it. Hard links must
 * name a file already in the root. The tree is made in a temporary sibling of the target and
 * renamed into place once whole.
 */
public final class Unpacker {
  /** Linux's limit on symbolic links followed in one lookup (MAXSYMLINKS, path_resolution(7)). */
  private static final int MAX_LINKS = 40;
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
  private static final int BUFFER = 1 << 16;

  private final Path root;
  private final boolean owners;
  /** The directories made so far, by host path, with the entries that give their final attributes. */
  private final Map<Path, DirectoryEntry> directories = new HashMap<>();
  private String layerName = "";
  /** The umask files are made under. */
  private int umask;
  /** The image path of the parent last resolved for an entry, and where it is; null when unknown. */
  private String parentKey;
  private Path parentHost;
  private final byte[] buffer = new byte[BUFFER];

  private Unpacker(Path root, boolean owners) {
    this.root = root;
    this.owners = owners;
  }

  /**
   * Unpacks {@code layers}, base first, into {@code target}.
   *
   * @throws FileAlreadyExistsException if {@code target} is a non-empty directory and
   *     {@link UnpackOption#REPLACE} is not given, or is not a directory
   * @throws UnsafePathException if an entry would be made through something that is not a
   *     directory, or a hard link names nothing inside the root
   */
  public static void unpack(List<Layer> layers, Path target, Set<UnpackOption> options) throws IOException {
    make(target, options, made -> fill(layers, made, options.contains(UnpackOption.OWNERS)));
  }

  /** What makes a tree in a new directory. */
  interface Maker {
    void make(Path dir) throws IOException;
  }

  /**
   * Makes {@code target} with {@code maker} in a temporary sibling, then renames it into place,
   * replacing a non-empty target only with {@link UnpackOption#REPLACE}.
   */
  static void make(Path target, Set<UnpackOption> options, Maker maker) throws IOException {
    Path dir = target.toAbsolutePath().normalize();
    boolean replace = options.contains(UnpackOption.REPLACE);
    boolean occupied = false;
    if (Files.exists(dir, NOFOLLOW)) {
      if (!Files.isDirectory(dir, NOFOLLOW)) {
        throw new FileAlreadyExistsException(dir.toString(), null, "is not a directory; cannot unpack an image there");
      }
      try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
        occupied = s.iterator().hasNext();
      }
      if (occupied && !replace) {
        throw new FileAlreadyExistsException(dir.toString(), null,
            "is not empty; unpack into an empty or new directory, or pass UnpackOption.REPLACE");
      }
    }
    boolean owners = options.contains(UnpackOption.OWNERS);
    if (owners && !isRoot()) {
      throw new IOException("unpacking into " + dir + " with UnpackOption.OWNERS needs root: only root can give"
          + " files to other users");
    }
    if (dir.getParent() != null) {
      Files.createDirectories(dir.getParent());
    }
    try (TempSiblings.TempDirectory temp = TempSiblings.createDirectory(dir)) {
      Path tree = temp.path().resolve("made");
      Files.createDirectory(tree);
      maker.make(tree);
      if (!occupied) {
        Files.deleteIfExists(dir);
        Files.move(tree, dir, StandardCopyOption.ATOMIC_MOVE);
        return;
      }
      Path replaced = temp.path().resolve("replaced");
      Files.move(dir, replaced, StandardCopyOption.ATOMIC_MOVE);
      try {
        Files.move(tree, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException | RuntimeException e) {
        // The old tree goes back rather than out with the temporary directory.
        try {
          Files.move(replaced, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException back) {
          e.addSuppressed(back);
        }
        throw e;
      }
    }
  }

  /** Applies {@code layers} to {@code tree}, an empty directory of this process's own. */
  static void fill(List<Layer> layers, Path tree, boolean owners) throws IOException {
    Unpacker unpacker = new Unpacker(tree, owners);
    unpacker.umask = umask(tree);
    for (int i = 0; i < layers.size(); i++) {
      unpacker.layerName = "layer " + (i + 1) + " of " + layers.size()
          + layers.get(i).blob().map(b -> " (" + b.digest() + ")").orElse("");
      unpacker.apply(layers.get(i));
    }
    unpacker.finishDirectories();
  }

  /** Whether this process runs as root: {@code /proc/self} belongs to the process's user. */
  static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private void apply(Layer layer) throws IOException {
    parentKey = null;
    List<Entry> entries = layer.entries();
    // Whiteouts delete what lower layers made (layer.md, "Whiteouts"), so they go first.
    for (Entry e : entries) {
      if (e instanceof Whiteout w) {
        whiteout(w);
      }
    }
    List<HardlinkEntry> links = new ArrayList<>();
    List<FileEntry> files = new ArrayList<>();
    for (Entry e : entries) {
      if (e instanceof DirectoryEntry d) {
        directory(d, layer.isImplied(d.path()));
      } else if (e instanceof FileEntry f) {
        files.add(f);
      } else if (e instanceof SymlinkEntry s) {
        symlink(s);
      } else if (e instanceof HardlinkEntry h) {
        links.add(h);
      }
      // Whiteouts are done; special files are left out: Java cannot make them.
    }
    files(files);
    // A hard link's target comes before it in the tar, not always in path order.
    for (HardlinkEntry h : links) {
      hardlink(h);
    }
  }

  private void whiteout(Whiteout w) throws IOException {
    if (w.opaque()) {
      Path dir = resolve(w, w.path(), true, false);
      if (dir != null && Files.isDirectory(dir, NOFOLLOW)) {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
          for (Path child : children) {
            delete(child);
          }
        }
      }
      return;
    }
    Path at = resolve(w, w.path(), false, false);
    if (at != null) {
      delete(at);
    }
  }

  private void directory(DirectoryEntry d, boolean implied) throws IOException {
    Path at = resolve(d, d.path(), false, true);
    BasicFileAttributes existing = attributes(at);
    if (existing != null && implied) {
      // As the image's own file system has it: a directory only implied by its contents keeps
      // whatever a lower layer put at its path (a link to a directory, above all).
      return;
    }
    if (existing != null && !existing.isDirectory()) {
      delete(at);
      existing = null;
    }
    if (existing == null) {
      Files.createDirectory(at);
    }
    directories.put(at, d);
  }

  /**
   * Writes the files. Those of a compressed layer are ranges of one decompressed stream, and each
   * would decompress it from the start to its own range: they are written in the stream's order,
   * in one pass.
   */
  private void files(List<FileEntry> files) throws IOException {
    Map<DerivedSource, List<FileEntry>> streams = new java.util.LinkedHashMap<>();
    for (FileEntry f : files) {
      if (f.source() instanceof DerivedSource d) {
        DerivedSource key = streams.keySet().stream().filter(d::sameStreamAs).findFirst().orElse(d);
        streams.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
      } else {
        try (InputStream in = f.source().open()) {
          file(f, in);
        }
      }
    }
    for (Map.Entry<DerivedSource, List<FileEntry>> stream : streams.entrySet()) {
      List<FileEntry> inOrder = new ArrayList<>(stream.getValue());
      inOrder.sort(Comparator.comparingLong(f -> ((DerivedSource) f.source()).offset()));
      try (InputStream in = stream.getKey().openStream()) {
        long position = 0;
        for (FileEntry f : inOrder) {
          long offset = ((DerivedSource) f.source()).offset();
          if (offset < position) {
            try (InputStream own = f.source().open()) {
              file(f, own);
            }
            continue;
          }
          in.skipNBytes(offset - position);
          file(f, in);
          position = offset + f.source().size();
        }
      }
    }
  }

  /** Writes a file of {@code f.source().size()} bytes read from {@code in}. */
  private void file(FileEntry f, InputStream in) throws IOException {
    Path at = resolve(f, f.path(), false, true);
    int mode = f.mode() & 07777;
    // Made with its mode when the process's umask leaves the mode as it is, else set after.
    boolean modeAtCreation = (mode & 07000) == 0 && (mode & umask) == 0 && !owners;
    java.util.Set<StandardOpenOption> create = java.util.EnumSet.of(StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    java.nio.file.attribute.FileAttribute<?>[] attributes = modeAtCreation
        ? new java.nio.file.attribute.FileAttribute<?>[] {PERMISSIONS[mode]} : new java.nio.file.attribute.FileAttribute<?>[0];
    java.nio.channels.FileChannel channel;
    try {
      channel = java.nio.channels.FileChannel.open(at, create, attributes);
    } catch (FileAlreadyExistsException e) {
      delete(at);
      channel = java.nio.channels.FileChannel.open(at, create, attributes);
    }
    try (OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
      long left = f.source().size();
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          throw new java.io.EOFException(layerName + ": the content of " + f.path() + " ends " + left
              + " bytes short of its size " + f.source().size());
        }
        out.write(buffer, 0, n);
        left -= n;
      }
    }
    // The file is this unpack's own, just made in its private tree: path-based calls reach it.
    owner(at, f.uid(), f.gid());
    if (!modeAtCreation) {
      Files.setAttribute(at, "unix:mode", mode);
    }
    Files.getFileAttributeView(at, BasicFileAttributeView.class).setTimes(FileTime.from(f.mtime()), null, null);
  }

  /** The permission attributes for each mode 0 to 0777, for files made with their mode. */
  private static final java.nio.file.attribute.FileAttribute<?>[] PERMISSIONS = new java.nio.file.attribute.FileAttribute<?>[01000];

  static {
    for (int m = 0; m < PERMISSIONS.length; m++) {
      java.util.Set<java.nio.file.attribute.PosixFilePermission> set =
          java.util.EnumSet.noneOf(java.nio.file.attribute.PosixFilePermission.class);
      java.nio.file.attribute.PosixFilePermission[] bits = java.nio.file.attribute.PosixFilePermission.values();
      // values() runs OWNER_READ, OWNER_WRITE, OWNER_EXECUTE, GROUP_READ, ... OTHERS_EXECUTE: bit 8 down to bit 0.
      for (int b = 0; b < 9; b++) {
        if ((m & (0400 >> b)) != 0) {
          set.add(bits[b]);
        }
      }
      PERMISSIONS[m] = java.nio.file.attribute.PosixFilePermissions.asFileAttribute(set);
    }
  }

  /** The process's umask, seen from the mode a file made with mode 0777 gets. */
  private static int umask(Path dir) throws IOException {
    Path probe = dir.resolve(".umask");
    Files.createFile(probe, PERMISSIONS[0777]);
    try {
      return ~(Integer) Files.getAttribute(probe, "unix:mode") & 0777;
    } finally {
      Files.delete(probe);
    }
  }

  private void symlink(SymlinkEntry s) throws IOException {
    Path at = resolve(s, s.path(), false, true);
    Path target = at.getFileSystem().getPath(s.target());
    try {
      Files.createSymbolicLink(at, target);
    } catch (FileAlreadyExistsException e) {
      delete(at);
      Files.createSymbolicLink(at, target);
    }
    forgetParentsUnder(s.path());
    owner(at, s.uid(), s.gid());
    Files.getFileAttributeView(at, BasicFileAttributeView.class, NOFOLLOW)
        .setTimes(FileTime.from(s.mtime()), null, null);
  }

  private void hardlink(HardlinkEntry h) throws IOException {
    Path existing = resolve(h, h.target(), false, false);
    BasicFileAttributes a = existing == null ? null : attributes(existing);
    if (a == null || a.isDirectory()) {
      throw new UnsafePathException(layerName + ": " + describe(h) + ": "
          + (a == null ? "nothing is at " + h.target() + " in the image's root" : h.target() + " is a directory")
          + " when the link is made");
    }
    Path at = place(h);
    Files.createLink(at, existing);
  }

  /** Where a non-directory entry goes, with whatever was there deleted. */
  private Path place(Entry e) throws IOException {
    Path at = resolve(e, e.path(), false, true);
    if (attributes(at) != null) {
      delete(at);
    }
    return at;
  }

  /** A link made at {@code path} changes where paths under it lead. */
  private void forgetParentsUnder(String path) {
    if (parentKey != null && (parentKey.equals(path) || parentKey.startsWith(path + "/"))) {
      parentKey = null;
    }
  }

  private void attributes(Path at, int mode, int uid, int gid, java.time.Instant mtime) throws IOException {
    owner(at, uid, gid);
    // After chown, which clears the set-user-ID and set-group-ID bits.
    Files.setAttribute(at, "unix:mode", mode & 07777, NOFOLLOW);
    Files.getFileAttributeView(at, BasicFileAttributeView.class, NOFOLLOW)
        .setTimes(FileTime.from(mtime), null, null);
  }

  private void owner(Path at, int uid, int gid) throws IOException {
    if (owners) {
      Files.setAttribute(at, "unix:uid", uid, NOFOLLOW);
      Files.setAttribute(at, "unix:gid", gid, NOFOLLOW);
    }
  }

  /**
   * Gives the directories their modes, owners and times, deepest first, once nothing more is
   * written into them (until then they stay writable by their owner, whatever their mode).
   */
  private void finishDirectories() throws IOException {
    List<Map.Entry<Path, DirectoryEntry>> made = new ArrayList<>(directories.entrySet());
    made.sort(Comparator.comparingInt((Map.Entry<Path, DirectoryEntry> m) -> m.getKey().getNameCount()).reversed());
    for (Map.Entry<Path, DirectoryEntry> m : made) {
      if (Files.isDirectory(m.getKey(), NOFOLLOW)) {
        DirectoryEntry d = m.getValue();
        attributes(m.getKey(), d.mode(), d.uid(), d.gid(), d.mtime());
      }
    }
  }

  /**
   * The host path of {@code path} inside the root. Symbolic links met on the way are followed as a
   * chroot would (absolute targets from the root, {@code ..} stopping there); the last component is
   * followed only when {@code followLast}. A missing directory on the way is made when
   * {@code create}; otherwise the result is null.
   *
   * @throws UnsafePathException if something on the way is neither a directory nor a link to one,
   *     or the links go around more than {@value #MAX_LINKS} times
   */
  private Path resolve(Entry entry, String path, boolean followLast, boolean create) throws IOException {
    int slash = path.lastIndexOf('/');
    String parent = path.substring(0, slash);
    String name = path.substring(slash + 1);
    if (!followLast && create && !parent.isEmpty() && !name.isEmpty() && !name.equals(".") && !name.equals("..")) {
      // Entries come in path order: most share the previous one's parent.
      if (!parent.equals(parentKey)) {
        Path host = resolveFully(entry, parent, true, true);
        BasicFileAttributes a = host.equals(root) ? null : attributes(host);
        if (a == null && !host.equals(root)) {
          Files.createDirectory(host);
          directories.put(host, implied(host));
        } else if (a != null && !a.isDirectory()) {
          throw new UnsafePathException(layerName + ": " + describe(entry) + ": " + image(host)
              + " is not a directory, so " + path + " cannot be made under it");
        }
        parentKey = parent;
        parentHost = host;
      }
      return parentHost.resolve(name);
    }
    return resolveFully(entry, path, followLast, create);
  }

  private Path resolveFully(Entry entry, String path, boolean followLast, boolean create) throws IOException {
    // Linear in the components and the links' targets: no step goes over what is done or to do.
    Deque<String> todo = new ArrayDeque<>();
    push(todo, path);
    Path at = root;
    int links = 0;
    while (!todo.isEmpty()) {
      String part = todo.pollFirst();
      if (part.equals("..")) {
        at = at.equals(root) ? root : at.getParent();
        continue;
      }
      boolean last = todo.isEmpty();
      Path next = at.resolve(part);
      if (last && !followLast) {
        at = next;
        break;
      }
      BasicFileAttributes a = attributes(next);
      if (a != null && a.isSymbolicLink()) {
        if (++links > MAX_LINKS) {
          throw new UnsafePathException(layerName + ": " + describe(entry) + ": more than " + MAX_LINKS
              + " symbolic links on the way to " + path);
        }
        String target = Files.readSymbolicLink(next).toString();
        if (target.startsWith("/")) {
          at = root;
        }
        push(todo, target);
        continue;
      }
      if (!last) {
        if (a == null) {
          if (!create) {
            return null;
          }
          Files.createDirectory(next);
          directories.put(next, implied(next));
        } else if (!a.isDirectory()) {
          throw new UnsafePathException(layerName + ": " + describe(entry) + ": " + image(next)
              + " is not a directory, so " + path + " cannot be made under it");
        }
      }
      at = next;
    }
    if (at.equals(root) && !followLast) {
      throw new UnsafePathException(layerName + ": " + describe(entry) + ": " + path + " resolves to the image's root"
          + " itself, which an entry cannot replace");
    }
    return at;
  }

  /** Puts the components of {@code path} in front of {@code todo}, in order, without empty and {@code .} ones. */
  private static void push(Deque<String> todo, String path) {
    String[] parts = path.split("/");
    for (int i = parts.length - 1; i >= 0; i--) {
      if (!parts[i].isEmpty() && !parts[i].equals(".")) {
        todo.addFirst(parts[i]);
      }
    }
  }

  /** The attributes of a directory a layer implies but does not list: as Docker makes them. */
  private DirectoryEntry implied(Path at) {
    return new DirectoryEntry(image(at), 0755, 0, 0, java.time.Instant.EPOCH);
  }

  /** The image path of a host path inside the root. */
  private String image(Path at) {
    return "/" + root.relativize(at).toString();
  }

  private static String describe(Entry e) {
    if (e instanceof Whiteout w) {
      return (w.opaque() ? "opaque whiteout of " : "whiteout of ") + w.path();
    } else if (e instanceof SymlinkEntry s) {
      return "symbolic link " + s.path() + " -> " + s.target();
    } else if (e instanceof HardlinkEntry h) {
      return "hard link " + h.path() + " -> " + h.target();
    } else if (e instanceof DirectoryEntry) {
      return "directory " + e.path();
    } else if (e instanceof FileEntry) {
      return "file " + e.path();
    }
    return "special file " + e.path();
  }

  private static BasicFileAttributes attributes(Path at) throws IOException {
    try {
      return Files.readAttributes(at, BasicFileAttributes.class, NOFOLLOW);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Deletes a file, a link (not what it names) or a directory with all it holds. */
  private void delete(Path at) throws IOException {
    parentKey = null;
    // What this removes stays in the directories made until it is made again, which replaces it:
    // finishDirectories passes over a path that is no longer a directory.
    TempSiblings.deleteTree(at);
  }
}
