package io.github.scratch4j.elf;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything a dynamically linked binary needs to run in another root: the binary, its program
 * interpreter and its libraries as regular files, and every symbolic link met on the way to them
 * (soname links such as {@code libfoo.so.1 -> libfoo.so.1.2.3}, and directory links such as
 * Debian's {@code /lib64 -> usr/lib64}), so that copying them all recreates the paths the dynamic
 * loader looks up.
 *
 * @param binary the binary's path in the root
 * @param interpreter the interpreter's path as the binary names it, if it has one
 * @param libraries each needed library by name, with the path it was found at, in load order
 * @param files the regular files to copy, sorted by path
 * @param symlinks the symbolic links to recreate, sorted by path
 */
public record DependencyClosure(
    String binary,
    Optional<String> interpreter,
    List<Library> libraries,
    List<File> files,
    List<Symlink> symlinks) {

  /**
   * Copies the lists, so that the closure is unmodifiable.
   *
   * @param binary the binary's path in the root
   * @param interpreter the interpreter's path as the binary names it, if it has one
   * @param libraries each needed library by name, with the path it was found at, in load order
   * @param files the regular files to copy, sorted by path
   * @param symlinks the symbolic links to recreate, sorted by path
   * @throws NullPointerException if a list is null or holds null
   */
  public DependencyClosure {
    libraries = List.copyOf(libraries);
    files = List.copyOf(files);
    symlinks = List.copyOf(symlinks);
  }

  /**
   * A needed library and where the loader finds it.
   *
   * @param name the DT_NEEDED name, such as {@code libc.so.6}
   * @param path where it was found in the root, before following links
   * @param neededBy the path of the object that needs it
   */
  public record Library(String name, String path, String neededBy) {}

  /**
   * A regular file to copy.
   *
   * @param path its path in the root (links followed)
   * @param hostPath where to read it, for a root on the host
   */
  public record File(String path, Optional<Path> hostPath) {}

  /**
   * A symbolic link to recreate.
   *
   * @param path its path in the root
   * @param target its raw target
   */
  public record Symlink(String path, String target) {}
}
