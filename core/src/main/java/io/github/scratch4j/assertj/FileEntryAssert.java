package io.github.scratch4j.assertj;

import io.github.scratch4j.FileEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.assertj.core.api.AbstractAssert;

/** Assertions on one regular file of an image, reached with {@link ImageAssert#hasFile}. */
public final class FileEntryAssert extends AbstractAssert<FileEntryAssert, FileEntry> {
  private final ImageAssert image;

  FileEntryAssert(FileEntry actual, ImageAssert image) {
    super(actual, FileEntryAssert.class);
    this.image = image;
  }

  /**
   * Checks the file's permission bits, setuid, setgid and sticky included.
   *
   * @param mode the expected bits, such as {@code 0755}
   * @return this
   */
  public FileEntryAssert withMode(int mode) {
    if (actual.mode() != mode) {
      failWithMessage("%s", "Expecting " + actual.path() + " to have mode " + octal(mode) + " but it has "
          + octal(actual.mode()));
    }
    return this;
  }

  /**
   * Checks that the file has an execute bit (for its owner, its group or others).
   *
   * @return this
   */
  public FileEntryAssert isExecutable() {
    if ((actual.mode() & 0111) == 0) {
      failWithMessage("%s", "Expecting " + actual.path() + " to be executable but its mode is " + octal(actual.mode()));
    }
    return this;
  }

  /**
   * Checks the file's numeric owner and group.
   *
   * @param uid the expected owner
   * @param gid the expected group
   * @return this
   */
  public FileEntryAssert withOwner(int uid, int gid) {
    if (actual.uid() != uid || actual.gid() != gid) {
      failWithMessage("%s", "Expecting " + actual.path() + " to be owned by " + uid + ":" + gid + " but it is owned by "
          + actual.uid() + ":" + actual.gid());
    }
    return this;
  }

  /**
   * Checks the file's content as UTF-8 text.
   *
   * @param text the expected content
   * @return this
   */
  public FileEntryAssert withContent(String text) {
    byte[] content = content();
    if (!Arrays.equals(content, text.getBytes(StandardCharsets.UTF_8))) {
      failWithMessage("%s", "Expecting " + actual.path() + " to contain\n  \"" + text + "\"\nbut it contains ("
          + content.length + " bytes)\n  \"" + new String(content, StandardCharsets.UTF_8) + "\"");
    }
    return this;
  }

  /**
   * Checks the file's content byte for byte.
   *
   * @param bytes the expected content
   * @return this
   */
  public FileEntryAssert withContent(byte[] bytes) {
    byte[] content = content();
    int mismatch = Arrays.mismatch(content, bytes);
    if (mismatch >= 0) {
      failWithMessage("%s", "Expecting " + actual.path() + " to hold the " + bytes.length + " bytes given but it holds "
          + content.length + " bytes, first different at offset " + mismatch);
    }
    return this;
  }

  /**
   * Checks the file's size in bytes.
   *
   * @param size the expected size
   * @return this
   */
  public FileEntryAssert withSize(long size) {
    if (actual.source().size() != size) {
      failWithMessage("%s", "Expecting " + actual.path() + " to be " + size + " bytes but it is " + actual.source().size());
    }
    return this;
  }

  /**
   * Goes back to the image, to go on checking it.
   *
   * @return the assertions on the image this file is in
   */
  public ImageAssert and() {
    return image;
  }

  private byte[] content() {
    try {
      return actual.readAllBytes();
    } catch (IOException e) {
      throw new AssertionError("cannot read " + actual.path() + ": " + e, e);
    }
  }

  private static String octal(int mode) {
    return String.format("0%o", mode);
  }
}
