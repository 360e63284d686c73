package io.github.scratch4j.assertj;

import io.github.scratch4j.Archive;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageIndex;

/**
 * Entry point of the assertions: import its {@code assertThat} methods statically beside
 * AssertJ's own.
 *
 * <pre>{@code
 * ImageAssertions.assertThat(Archive.read(bytes)).hasImage("app:1.0")
 *     .hasEntrypoint("/app").hasEnv("TZ", "UTC")
 *     .hasFile("/app").isExecutable().withOwner(0, 0);
 * }</pre>
 */
public final class ImageAssertions {
  private ImageAssertions() {}

  /**
   * Assertions on an image: its files and its configuration.
   *
   * @param actual the image under test
   * @return the assertions
   */
  public static ImageAssert assertThat(Image actual) {
    return new ImageAssert(actual);
  }

  /**
   * Assertions on an archive: the images it holds, by tag.
   *
   * @param actual the archive under test
   * @return the assertions
   */
  public static ArchiveAssert assertThat(Archive actual) {
    return new ArchiveAssert(actual);
  }

  /**
   * Assertions on a multi-platform index.
   *
   * @param actual the index under test
   * @return the assertions
   */
  public static ImageIndexAssert assertThat(ImageIndex actual) {
    return new ImageIndexAssert(actual);
  }
}
