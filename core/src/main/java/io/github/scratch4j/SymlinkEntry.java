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
  /** Normalizes the path and validates the attributes and target. */
  public SymlinkEntry {
    path = EntryChecks.check(path, mode, uid, gid, mtime);
    target = EntryChecks.checkTarget(path, target);
  }

  /** Returns a copy with the given owner and group. */
  @CheckReturnValue
  public SymlinkEntry withOwner(int newUid, int newGid) {
    return new SymlinkEntry(path, target, mode, newUid, newGid, mtime);
  }

  /** Returns a copy with the given modification time. */
  @CheckReturnValue
  public SymlinkEntry withMtime(Instant newMtime) {
    return new SymlinkEntry(path, target, mode, uid, gid, newMtime);
  }
}
