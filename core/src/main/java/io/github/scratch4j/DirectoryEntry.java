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
  /** Normalizes the path and validates the attributes. */
  public DirectoryEntry {
    path = EntryChecks.check(path, mode, uid, gid, mtime);
  }

  /** Returns a copy with the given permission bits. */
  @CheckReturnValue
  public DirectoryEntry withMode(int newMode) {
    return new DirectoryEntry(path, newMode, uid, gid, mtime);
  }

  /** Returns a copy with the given owner and group. */
  @CheckReturnValue
  public DirectoryEntry withOwner(int newUid, int newGid) {
    return new DirectoryEntry(path, mode, newUid, newGid, mtime);
  }

  /** Returns a copy with the given modification time. */
  @CheckReturnValue
  public DirectoryEntry withMtime(Instant newMtime) {
    return new DirectoryEntry(path, mode, uid, gid, newMtime);
  }
}
