package io.github.scratch4j;

import io.github.scratch4j.internal.EntryChecks;
import java.time.Instant;

/**
 * A directory.
 *
 * @param path normalized absolute path in the image
 * @param mode permission bits
 * @param uid numeric owner
 * @param gid numeric group
 * @param mtime modification time
 */
public record DirectoryEntry(String path, int mode, int uid, int gid, Instant mtime) implements Entry {
  /**
   * Normalizes the path and validates the attributes.
   *
   * @param path absolute path in the image; normalized ({@code //} and {@code .} removed)
   * @param mode permission bits, {@code 0} to {@code 07777}
   * @param uid numeric owner, not negative
   * @param gid numeric group, not negative
   * @param mtime modification time
   * @throws InvalidEntryException if the path is empty, holds NUL, a {@code ..} component or a
   *     name starting with {@code .wh.}, is the root itself or too long (a name over 255 bytes,
   *     the path over 4095)
   * @throws InvalidEntryException if the mode is outside {@code 0} to {@code 07777} or the owner
   *     or group is negative
   * @throws NullPointerException if {@code path} or {@code mtime} is null
   */
  public DirectoryEntry {
    path = EntryChecks.check(path, mode, uid, gid, mtime);
  }

  /**
   * Returns a copy with the given permission bits.
   *
   * @param newMode permission bits, {@code 0} to {@code 07777}
   * @return a copy of this entry with that mode
   * @throws InvalidEntryException if {@code newMode} is out of range
   */
  @CheckReturnValue
  public DirectoryEntry withMode(int newMode) {
    return new DirectoryEntry(path, newMode, uid, gid, mtime);
  }

  /**
   * Returns a copy with the given owner and group.
   *
   * @param newUid numeric owner, not negative
   * @param newGid numeric group, not negative
   * @return a copy of this entry with that owner
   * @throws InvalidEntryException if either is negative
   */
  @CheckReturnValue
  public DirectoryEntry withOwner(int newUid, int newGid) {
    return new DirectoryEntry(path, mode, newUid, newGid, mtime);
  }

  /**
   * Returns a copy with the given modification time.
   *
   * @param newMtime the modification time, stored with a precision of one second
   * @return a copy of this entry with that time
   * @throws NullPointerException if {@code newMtime} is null
   */
  @CheckReturnValue
  public DirectoryEntry withMtime(Instant newMtime) {
    return new DirectoryEntry(path, mode, uid, gid, newMtime);
  }
}
