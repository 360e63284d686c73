package io.github.scratch4j;

import io.github.scratch4j.internal.EntryChecks;
import io.github.scratch4j.internal.Timestamps;
import java.time.Instant;

/**
 * Deletes a path that a lower layer has (OCI image-spec, layer.md, "Whiteouts"). An opaque
 * whiteout instead hides everything a lower layer has inside the directory at {@code path}, while
 * the directory itself and what this layer puts in it stay.
 *
 * @param path normalized absolute path to delete, or the directory to make opaque
 * @param opaque whether this hides the directory's lower content rather than deleting the path
 */
public record Whiteout(String path, boolean opaque) implements Entry {
  /**
   * Normalizes the path.
   *
   * @param path absolute path to delete, or of the directory to make opaque; normalized
   * @param opaque whether this hides the directory's lower content rather than deleting the path
   * @throws InvalidEntryException if the path is empty, holds NUL, a {@code ..} component or a
   *     name starting with {@code .wh.}, is the root itself or too long (a name over 255 bytes,
   *     the path over 4095)
   * @throws NullPointerException if {@code path} is null
   */
  public Whiteout {
    path = EntryChecks.check(path, 0, 0, 0, Timestamps.DEFAULT);
  }

  /**
   * A whiteout that deletes {@code path}.
   *
   * @param path absolute path of what a lower layer has, to delete with all under it
   * @return a whiteout that is not opaque
   * @throws InvalidEntryException if the path is empty, holds NUL, a {@code ..} component or a
   *     name starting with {@code .wh.}, is the root itself or too long (a name over 255 bytes,
   *     the path over 4095)
   */
  public static Whiteout of(String path) {
    return new Whiteout(path, false);
  }

  /**
   * An opaque whiteout of the directory at {@code path}.
   *
   * @param path absolute path of the directory whose lower content is hidden
   * @return an opaque whiteout
   * @throws InvalidEntryException if the path is empty, holds NUL, a {@code ..} component or a
   *     name starting with {@code .wh.}, is the root itself or too long (a name over 255 bytes,
   *     the path over 4095)
   */
  public static Whiteout opaque(String path) {
    return new Whiteout(path, true);
  }

  @Override
  public int mode() {
    return 0;
  }

  @Override
  public int uid() {
    return 0;
  }

  @Override
  public int gid() {
    return 0;
  }

  @Override
  public Instant mtime() {
    return Timestamps.reproducible();
  }
}
