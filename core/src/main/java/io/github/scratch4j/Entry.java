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

  /**
   * The normalized absolute path inside the image.
   *
   * @return the path, such as {@code /usr/bin/hello}: no trailing, doubled or {@code .} parts
   */
  String path();

  /**
   * Permission bits ({@code 0} to {@code 07777}).
   *
   * @return the mode without the file type bits
   */
  int mode();

  /**
   * Numeric owner.
   *
   * @return the uid, 0 or more
   */
  int uid();

  /**
   * Numeric group.
   *
   * @return the gid, 0 or more
   */
  int gid();

  /**
   * Modification time, stored with a precision of one second.
   *
   * @return the time as given; a layer stores it truncated to the second
   */
  Instant mtime();

  /**
   * A regular file with mode {@code 0644}, owned by root, with the reproducible timestamp.
   *
   * @param path absolute path in the image
   * @param source the content
   * @return the entry
   * @throws InvalidEntryException if the path is empty, holds NUL, a {@code ..} component or a
   *     name starting with {@code .wh.}, is the root itself or too long (a name over 255 bytes,
   *     the path over 4095)
   * @throws NullPointerException if {@code path} or {@code source} is null
   */
  static FileEntry file(String path, Source source) {
    return new FileEntry(path, source, 0644, 0, 0, defaultTime());
  }

  /**
   * A directory with mode {@code 0755}, owned by root, with the reproducible timestamp.
   *
   * @param path absolute path in the image
   * @return the entry
   * @throws InvalidEntryException if the path is empty, holds NUL, a {@code ..} component or a
   *     name starting with {@code .wh.}, is the root itself or too long (a name over 255 bytes,
   *     the path over 4095)
   * @throws NullPointerException if {@code path} is null
   */
  static DirectoryEntry directory(String path) {
    return new DirectoryEntry(path, 0755, 0, 0, defaultTime());
  }

  /**
   * A symbolic link to {@code target}, stored as given (relative or absolute).
   *
   * @param path absolute path of the link in the image
   * @param target what the link points at; not empty, without NUL
   * @return the entry, mode {@code 0777}, owned by root, with the reproducible timestamp
   * @throws InvalidEntryException if the path is empty, holds NUL, a {@code ..} component or a
   *     name starting with {@code .wh.}, is the root itself or too long (a name over 255 bytes,
   *     the path over 4095)
   * @throws InvalidEntryException if the target is empty or holds NUL
   * @throws NullPointerException if {@code path} or {@code target} is null
   */
  static SymlinkEntry symlink(String path, String target) {
    return new SymlinkEntry(path, target, 0777, 0, 0, defaultTime());
  }

  /**
   * A hard link to the regular file at {@code target}, which must be in the same layer.
   *
   * @param path absolute path of the link in the image
   * @param target absolute path of the linked file
   * @return the entry, mode {@code 0644}, owned by root, with the reproducible timestamp
   * @throws InvalidEntryException if the path is empty, holds NUL, a {@code ..} component or a
   *     name starting with {@code .wh.}, is the root itself or too long (a name over 255 bytes,
   *     the path over 4095); the same for the target
   * @throws InvalidEntryException if the target is {@code path} itself
   * @throws NullPointerException if {@code path} or {@code target} is null
   */
  static HardlinkEntry hardlink(String path, String target) {
    return new HardlinkEntry(path, target, 0644, 0, 0, defaultTime());
  }

  private static Instant defaultTime() {
    return io.github.scratch4j.internal.Timestamps.reproducible();
  }
}
