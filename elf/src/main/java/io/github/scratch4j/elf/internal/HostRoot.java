package io.github.scratch4j.elf.internal;

import io.github.scratch4j.elf.RootFileSystem;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** A host directory seen as a root. */
public final class HostRoot implements RootFileSystem {
  private final Path root;

  /** The directory {@code root}. */
  public HostRoot(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  private Path host(String path) {
    if (!path.startsWith("/") || path.contains("/../") || path.endsWith("/..")) {
      throw new IllegalArgumentException("not a normalized absolute path: " + path);
    }
    String relative = path.substring(1);
    return relative.isEmpty() ? root : root.resolve(relative);
  }

  @Override
  public Optional<NodeKind> kind(String path) throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(host(path), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (a.isSymbolicLink()) {
        return Optional.of(NodeKind.SYMLINK);
      }
      if (a.isDirectory()) {
        return Optional.of(NodeKind.DIRECTORY);
      }
      return Optional.of(a.isRegularFile() ? NodeKind.FILE : NodeKind.OTHER);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (java.nio.file.FileSystemException e) {
      // ENOTDIR and the like: nothing there.
      return Optional.empty();
    }
  }

  @Override
  public Optional<String> readSymlink(String path) throws IOException {
    Path p = host(path);
    return Files.isSymbolicLink(p) ? Optional.of(Files.readSymbolicLink(p).toString()) : Optional.empty();
  }

  @Override
  public Optional<SeekableByteChannel> open(String path) throws IOException {
    return Optional.of(Files.newByteChannel(host(path), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
  }

  @Override
  public List<String> list(String path) throws IOException {
    Path dir = host(path);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Override
  public Optional<Path> hostPath(String path) {
    return Optional.of(host(path));
  }

  @Override
  public String toString() {
    return root.toString();
  }
}
