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

  /** Normalizes the path and validates the attributes and device numbers. */
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
