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
  /** Normalizes both paths and validates the attributes. */
  public HardlinkEntry {
    path = EntryChecks.check(path, mode, uid, gid, mtime);
    target = EntryPaths.normalize(EntryChecks.checkTarget(path, target));
    if (target.equals(path)) {
      throw new InvalidEntryException("hard link " + path + " points at itself");
    }
  }
}
