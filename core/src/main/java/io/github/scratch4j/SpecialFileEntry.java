package io.github.scratch4j;

import io.github.scratch4j.internal.EntryChecks;
import java.time.Instant;
import java.util.Objects;

/**
 * A named pipe or a device node. Layers hold these only when asked for explicitly, with
 * {@link CopyOption#INCLUDE_SPECIAL_FILES} or by adding the entry directly.
 *
 * @param path normalized absolute path in the image
 * @param kind what the node is
 * @param major device major number (0 for a pipe)
 * @param minor device minor number (0 for a pipe)
 * @param mode permission bits
 * @param uid numeric owner
 * @param gid numeric group
 * @param mtime modification time
 */
public record SpecialFileEntry(
    String path, Kind kind, int major, int minor, int mode, int uid, int gid, Instant mtime)
    implements Entry {

  /** The kinds of special file a tar archive can hold. */
  public enum Kind {
    /** A named pipe. */
    FIFO,
    /** A character device. */
    CHARACTER_DEVICE,
    /** A block device. */
    BLOCK_DEVICE
  }

  /**
   * Normalizes the path and validates the attributes and device numbers.
   *
   * @param path absolute path in the image; normalized ({@code //} and {@code .} removed)
   * @param kind what the node is
   * @param major device major number, {@code 0} to {@code 07777777} (0 for a pipe)
   * @param minor device minor number, {@code 0} to {@code 07777777} (0 for a pipe)
   * @param mode permission bits, {@code 0} to {@code 07777}
   * @param uid numeric owner, not negative
   * @param gid numeric group, not negative
   * @param mtime modification time
   * @throws InvalidEntryException if the path is empty, holds NUL, a {@code ..} component or a
   *     name starting with {@code .wh.}, is the root itself or too long (a name over 255 bytes,
   *     the path over 4095)
   * @throws InvalidEntryException if the mode is outside {@code 0} to {@code 07777} or the owner
   *     or group is negative
   * @throws InvalidEntryException if a device number is out of range (ustar stores seven octal
   *     digits)
   * @throws NullPointerException if {@code path}, {@code kind} or {@code mtime} is null
   */
  public SpecialFileEntry {
    path = EntryChecks.check(path, mode, uid, gid, mtime);
    Objects.requireNonNull(kind, "kind");
    // ustar stores device numbers in 7 octal digits.
    if (major < 0 || minor < 0 || major > 07777777 || minor > 07777777) {
      throw new InvalidEntryException(
          "device numbers of " + path + " are out of range: " + major + "," + minor);
    }
  }
}
