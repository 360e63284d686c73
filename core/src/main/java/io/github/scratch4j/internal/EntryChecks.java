package io.github.scratch4j.internal;

import io.github.scratch4j.InvalidEntryException;
import java.time.Instant;
import java.util.Objects;

/** Validation shared by the entry records. */
public final class EntryChecks {
  private EntryChecks() {}

  /** Checks the attributes every entry has and returns the normalized path. */
  public static String check(String path, int mode, int uid, int gid, Instant mtime) {
    String normalized = EntryPaths.normalize(Objects.requireNonNull(path, "path"));
    Objects.requireNonNull(mtime, "mtime");
    if (mode < 0 || mode > 07777) {
      throw new InvalidEntryException(
          "mode of " + normalized + " is out of range: 0" + Integer.toOctalString(mode) + " (0 to 07777)");
    }
    if (uid < 0 || gid < 0) {
      throw new InvalidEntryException(
          "owner of " + normalized + " is negative: " + uid + ":" + gid);
    }
    return normalized;
  }

  /** Checks a link target: not empty, no NUL. */
  public static String checkTarget(String path, String target) {
    Objects.requireNonNull(target, "target");
    if (target.isEmpty() || target.indexOf('\0') >= 0) {
      throw new InvalidEntryException("link target of " + path + " is empty or contains NUL");
    }
    return target;
  }
}
