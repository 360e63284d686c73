package io.github.scratch4j;

import java.time.Instant;

/**
 * One item of a layer's file system changeset: a regular file, a directory, a symbolic link, a
 * hard link, a special file, or a whiteout that deletes a path of a lower layer.
 *
 * <p>Paths are absolute inside the image ({@code /usr/bin/hello}) and normalized when the entry is
 * made. Modes are permission bits, including setuid, setgid and sticky ({@code 07777}).
 */
public sealed interface Entry
    permits FileEntry, DirectoryEntry, SymlinkEntry, HardlinkEntry, SpecialFileEntry, Whiteout {

  /** The normalized absolute path inside the image. */
  String path();

  /** Permission bits ({@code 0} to {@code 07777}). */
  int mode();

  /** Numeric owner. */
  int uid();

  /** Numeric group. */
  int gid();

  /** Modification time, stored with a precision of one second. */
  Instant mtime();

  /** A regular file with mode {@code 0644}, owned by root, with the reproducible timestamp. */
  static FileEntry file(String path, Source source) {
    return new FileEntry(path, source, 0644, 0, 0, defaultTime());
  }

  /** A directory with mode {@code 0755}, owned by root, with the reproducible timestamp. */
  static DirectoryEntry directory(String path) {
    return new DirectoryEntry(path, 0755, 0, 0, defaultTime());
  }

  /** A symbolic link to {@code target}, stored as given (relative or absolute). */
  static SymlinkEntry symlink(String path, String target) {
    return new SymlinkEntry(path, target, 0777, 0, 0, defaultTime());
  }

  /** A hard link to the regular file at {@code target}, which must be in the same layer. */
  static HardlinkEntry hardlink(String path, String target) {
    return new HardlinkEntry(path, target, 0644, 0, 0, defaultTime());
  }

  private static Instant defaultTime() {
    return io.github.scratch4j.internal.Timestamps.reproducible();
  }
}
