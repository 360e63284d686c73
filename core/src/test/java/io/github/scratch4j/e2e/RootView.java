package io.github.scratch4j.e2e;

import io.github.scratch4j.TarFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A container's root file system as a tool left it, to check after the tool applied an image's
 * layers: an unpacked or mounted directory, or the tar {@code docker export} and
 * {@code podman export} write. Paths are absolute inside the root; nothing is followed.
 */
interface RootView {
  /** What is at a path, without following a link. */
  record Node(Kind kind, String linkTarget, int mode, long uid, long gid, long inode, int links, byte[] content) {}

  /** The kinds of node the checks tell apart. */
  enum Kind { FILE, DIRECTORY, SYMLINK, HARDLINK, OTHER }

  /** The node at {@code path}, if there is one. */
  Optional<Node> node(String path) throws IOException;

  /** A directory on this machine holding the root file system. */
  static RootView of(Path root) {
    return path -> {
      Path p = root.resolve(path.substring(1));
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.empty();
      }
      Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,ino,nlink", LinkOption.NOFOLLOW_LINKS);
      Kind kind = Files.isSymbolicLink(p) ? Kind.SYMLINK
          : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? Kind.DIRECTORY
          : Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Kind.FILE : Kind.OTHER;
      return Optional.of(new Node(kind,
          kind == Kind.SYMLINK ? Files.readSymbolicLink(p).toString() : null,
          (Integer) a.get("mode") & 07777, ((Integer) a.get("uid")).longValue(), ((Integer) a.get("gid")).longValue(),
          (Long) a.get("ino"), (Integer) a.get("nlink"),
          kind == Kind.FILE ? Files.readAllBytes(p) : null));
    };
  }

  /**
   * Loads {@code archive} into {@code engine} ({@code docker} or {@code podman}), creates a
   * container of {@code tag} (nothing runs: an engine that cannot start containers here can still
   * create one) and exports its file system to a tar in {@code dir}, the engine's own view of the
   * applied layers. The container is removed; the image is left for the caller to remove.
   */
  static RootView exportedBy(String engine, Path archive, String tag, Path dir) throws IOException {
    java.time.Duration load = java.time.Duration.ofMinutes(3);
    Commands.run(load, engine, "load", "-i", archive.toString()).assertSuccess();
    String container = Commands.run(java.time.Duration.ofMinutes(1), engine, "create", tag, "/bin/sh")
        .assertSuccess().stdout().strip();
    try {
      Path export = dir.resolve(engine + "-export.tar");
      Commands.run(load, engine, "export", "-o", export.toString(), container).assertSuccess();
      return ofExport(export);
    } finally {
      Commands.run(java.time.Duration.ofMinutes(1), engine, "rm", "-f", container);
    }
  }

  /**
   * The tar an engine's {@code export} writes. A hard link is a {@link Kind#HARDLINK} whose
   * {@code linkTarget} is the path it links to; inode and link count are not in a tar (-1).
   */
  static RootView ofExport(Path tar) throws IOException {
    Map<String, TarFiles.Item> items = TarFiles.read(tar);
    return path -> {
      String name = path.substring(1);
      TarFiles.Item item = items.get(name);
      if (item == null) {
        item = items.get(name + "/");
      }
      if (item == null) {
        return Optional.empty();
      }
      var h = item.header();
      Kind kind = h.isSymbolicLink() ? Kind.SYMLINK : h.isLink() ? Kind.HARDLINK : h.isDirectory() ? Kind.DIRECTORY
          : h.isFile() ? Kind.FILE : Kind.OTHER;
      String target = kind == Kind.HARDLINK ? "/" + h.getLinkName().replaceFirst("^\\./", "").replaceFirst("^/", "")
          : kind == Kind.SYMLINK ? h.getLinkName() : null;
      return Optional.of(new Node(kind, target, h.getMode() & 07777, h.getLongUserId(), h.getLongGroupId(), -1, -1,
          kind == Kind.FILE ? item.content() : null));
    };
  }

  /** The node's content as text, for a file. */
  static String text(Node n) {
    return new String(n.content(), StandardCharsets.UTF_8);
  }
}
