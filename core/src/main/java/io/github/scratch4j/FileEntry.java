package io.github.scratch4j;

import io.github.scratch4j.internal.EntryChecks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * A regular file.
 *
 * @param path normalized absolute path in the image
 * @param source the content
 * @param mode permission bits
 * @param uid numeric owner
 * @param gid numeric group
 * @param mtime modification time
 */
public record FileEntry(String path, Source source, int mode, int uid, int gid, Instant mtime)
    implements Entry {
  /**
   * Normalizes the path and validates the attributes.
   *
   * @param path absolute path in the image; normalized ({@code //} and {@code .} removed)
   * @param source the content
   * @param mode permission bits, {@code 0} to {@code 07777}
   * @param uid numeric owner, not negative
   * @param gid numeric group, not negative
   * @param mtime modification time
   * @throws InvalidEntryException if the path is empty, holds NUL, a {@code ..} component or a
   *     name starting with {@code .wh.}, is the root itself or too long (a name over 255 bytes,
   *     the path over 4095)
   * @throws InvalidEntryException if the mode is outside {@code 0} to {@code 07777} or the owner
   *     or group is negative
   * @throws NullPointerException if {@code path}, {@code source} or {@code mtime} is null
   */
  public FileEntry {
    path = EntryChecks.check(path, mode, uid, gid, mtime);
    Objects.requireNonNull(source, "source");
  }

  /**
   * Reads the whole content, for small files such as in tests.
   *
   * @return the bytes
   * @throws IOException if the content cannot be read, or is over 2 GiB
   */
  public byte[] readAllBytes() throws IOException {
    return source.readAllBytes();
  }

  /**
   * Reads the whole content as UTF-8 text.
   *
   * @return the text; malformed bytes read as U+FFFD
   * @throws IOException if the content cannot be read, or is over 2 GiB
   */
  public String readString() throws IOException {
    return new String(source.readAllBytes(), StandardCharsets.UTF_8);
  }

  /**
   * Returns a copy with the given permission bits.
   *
   * @param newMode permission bits, {@code 0} to {@code 07777}
   * @return a copy of this entry with that mode
   * @throws InvalidEntryException if {@code newMode} is out of range
   */
  @CheckReturnValue
  public FileEntry withMode(int newMode) {
    return new FileEntry(path, source, newMode, uid, gid, mtime);
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
  public FileEntry withOwner(int newUid, int newGid) {
    return new FileEntry(path, source, mode, newUid, newGid, mtime);
  }

  /**
   * Returns a copy with the given modification time.
   *
   * @param newMtime the modification time, stored with a precision of one second
   * @return a copy of this entry with that time
   * @throws NullPointerException if {@code newMtime} is null
   */
  @CheckReturnValue
  public FileEntry withMtime(Instant newMtime) {
    return new FileEntry(path, source, mode, uid, gid, newMtime);
  }
}
