package io.github.scratch4j.elf;

import io.github.scratch4j.elf.internal.HostRoot;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of a root directory tree, such as the host's {@code /}, a directory holding a
 * root file system, or an image's file system. Paths are absolute and {@code /}-separated, inside
 * the root; nothing here follows a symbolic link (the resolver does that, inside the root).
 */
public interface RootFileSystem {
  /** What a node is. */
  enum NodeKind {
    /** A regular file. */
    FILE,
    /** A directory. */
    DIRECTORY,
    /** A symbolic link. */
    SYMLINK,
    /** Anything else: a device, a pipe, a socket. */
    OTHER
  }

  /**
   * The kind of the node at {@code path}, without following a final symbolic link.
   *
   * @param path an absolute, normalized path in the root
   * @return the node's kind, or empty if nothing is there
   * @throws IOException if the root cannot be read
   */
  Optional<NodeKind> kind(String path) throws IOException;

  /**
   * The raw target of the symbolic link at {@code path}.
   *
   * @param path an absolute, normalized path in the root
   * @return the link's target as stored, or empty if {@code path} is not a symbolic link
   * @throws IOException if the link cannot be read
   */
  Optional<String> readSymlink(String path) throws IOException;

  /**
   * The content of the regular file at {@code path}; empty when the content is not available, in
   * which case the file counts as present but is not looked into.
   *
   * @param path an absolute, normalized path in the root, naming a regular file
   * @return a channel positioned at the start, which the caller closes; or empty
   * @throws IOException if the file cannot be opened
   */
  Optional<SeekableByteChannel> open(String path) throws IOException;

  /**
   * The names in the directory at {@code path}.
   *
   * @param path an absolute, normalized path in the root
   * @return the entries' names (not paths); empty if {@code path} is not a directory or is empty
   * @throws IOException if the directory cannot be read
   */
  List<String> list(String path) throws IOException;

  /**
   * Where the regular file at {@code path} can be read on the host, when it is a host file.
   *
   * @param path an absolute, normalized path in the root
   * @return the host path, or empty (the default) when the root is not on the host
   */
  default Optional<Path> hostPath(String path) {
    return Optional.empty();
  }

  /**
   * A host directory as the root; {@code Path.of("/")} for the host itself.
   *
   * @param root the directory to see as {@code /}
   * @return a view that reads the host's file system under {@code root}; its methods throw
   *     {@link IllegalArgumentException} for a path that is not absolute or has a {@code ..}
   *     component
   */
  static RootFileSystem of(Path root) {
    return new HostRoot(root);
  }
}
