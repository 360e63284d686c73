package io.github.scratch4j;

import io.github.scratch4j.internal.EntryChecks;
import java.time.Instant;

/**
 * A symbolic link; the target is stored as given and resolved by whoever runs the image.
 *
 * @param path normalized absolute path in the image
 * @param target the link target, relative or absolute
 * @param mode permission bits (ignored by Linux)
 * @param uid numeric owner
 * @param gid numeric group
 * @param mtime modification time
 */
public record SymlinkEntry(String path, String target, int mode, int uid, int gid, Instant mtime)
    implements Entry {
  /**
   * Normalizes the path and validates the attributes and target.
   *
   * @param path absolute path in the image; normalized ({@code //} and {@code .} removed)
   * @param target the link target, relative or absolute, stored as given; not empty, without NUL
   * @param mode permission bits, {@code 0} to {@code 07777} (ignored by Linux)
   * @param uid numeric owner, not negative
   * @param gid numeric group, not negative
   * @param mtime modification time
   * @throws InvalidEntryException if the path is empty, holds NUL, a {@code ..} component or a
   *     name starting with {@code .wh.}, is the root itself or too long (a name over 255 bytes,
   *     the path over 4095)
   * @throws InvalidEntryException if the mode is outside {@code 0} to {@code 07777} or the owner
   *     or group is negative
   * @throws InvalidEntryException if the target is empty or holds NUL
   * @throws NullPointerException if {@code path}, {@code target} or {@code mtime} is null
   */
  public SymlinkEntry {
    path = EntryChecks.check(path, mode, uid, gid, mtime);
    target = EntryChecks.checkTarget(path, target);
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
  public SymlinkEntry withOwner(int newUid, int newGid) {
    return new SymlinkEntry(path, target, mode, newUid, newGid, mtime);
  }

  /**
   * Returns a copy with the given modification time.
   *
   * @param newMtime the modification time, stored with a precision of one second
   * @return a copy of this entry with that time
   * @throws NullPointerException if {@code newMtime} is null
   */
  @CheckReturnValue
  public SymlinkEntry withMtime(Instant newMtime) {
    return new SymlinkEntry(path, target, mode, uid, gid, newMtime);
  }
}
