package io.github.scratch4j;

import io.github.scratch4j.internal.EntryChecks;
import io.github.scratch4j.internal.EntryPaths;
import java.time.Instant;

/**
 * A hard link to a regular file of the same layer; it shares the target's content and attributes.
 *
 * @param path normalized absolute path in the image
 * @param target normalized absolute path of the linked file
 * @param mode permission bits recorded in the header (the target's apply)
 * @param uid numeric owner recorded in the header
 * @param gid numeric group recorded in the header
 * @param mtime modification time recorded in the header
 */
public record HardlinkEntry(String path, String target, int mode, int uid, int gid, Instant mtime)
    implements Entry {
  /**
   * Normalizes both paths and validates the attributes.
   *
   * @param path absolute path in the image; normalized ({@code //} and {@code .} removed)
   * @param target absolute path of the linked file, which must be a regular file of the same
   *     layer; normalized
   * @param mode permission bits recorded in the header, {@code 0} to {@code 07777}
   * @param uid numeric owner recorded in the header, not negative
   * @param gid numeric group recorded in the header, not negative
   * @param mtime modification time recorded in the header
   * @throws InvalidEntryException if the path is empty, holds NUL, a {@code ..} component or a
   *     name starting with {@code .wh.}, is the root itself or too long (a name over 255 bytes,
   *     the path over 4095); the same for the target
   * @throws InvalidEntryException if the mode is outside {@code 0} to {@code 07777} or the owner
   *     or group is negative
   * @throws InvalidEntryException if the target is empty, holds NUL, or is {@code path} itself
   * @throws NullPointerException if {@code path}, {@code target} or {@code mtime} is null
   */
  public HardlinkEntry {
    path = EntryChecks.check(path, mode, uid, gid, mtime);
    target = EntryPaths.normalize(EntryChecks.checkTarget(path, target));
    if (target.equals(path)) {
      throw new InvalidEntryException("hard link " + path + " points at itself");
    }
  }
}
