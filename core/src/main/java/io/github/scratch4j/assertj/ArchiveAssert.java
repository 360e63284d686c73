package io.github.scratch4j.assertj;

import io.github.scratch4j.Archive;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;

/** Assertions on an {@link Archive}: which images and indexes it holds. */
public final class ArchiveAssert extends AbstractAssert<ArchiveAssert, Archive> {
  ArchiveAssert(Archive actual) {
    super(actual, ArchiveAssert.class);
  }

  /**
   * Checks that the archive has an image tagged {@code reference} (as Docker matches names:
   * {@code hello} is {@code docker.io/library/hello:latest}).
   *
   * @param reference the tag
   * @return assertions on that image
   */
  public ImageAssert hasImage(String reference) {
    isNotNull();
    Optional<Image> image = actual.image(reference);
    if (image.isEmpty()) {
      failWithMessage("%s", "Expecting the archive to have an image tagged " + reference + " but its tags are "
          + tags());
    }
    return new ImageAssert(image.get());
  }

  /**
   * Checks how many images the archive holds outside indexes.
   *
   * @param count the expected number
   * @return this
   */
  public ArchiveAssert hasImages(int count) {
    isNotNull();
    if (actual.images().size() != count) {
      failWithMessage("%s", "Expecting the archive to hold " + count + " images but it holds "
          + actual.images().size() + ", tagged " + tags());
    }
    return this;
  }

  /**
   * Checks that the archive has a multi-platform index tagged {@code reference}.
   *
   * @param reference the tag
   * @return assertions on that index
   */
  public ImageIndexAssert hasIndex(String reference) {
    isNotNull();
    String wanted = io.github.scratch4j.ImageReference.parse(reference).familiarName();
    for (ImageIndex index : actual.indexes()) {
      if (index.tags().stream().anyMatch(t -> t.familiarName().equals(wanted))) {
        return new ImageIndexAssert(index);
      }
    }
    failWithMessage("%s", "Expecting the archive to have an index tagged " + wanted + " but its tags are " + tags());
    throw new AssertionError("unreachable");
  }

  private List<String> tags() {
    List<String> tags = new ArrayList<>();
    actual.images().forEach(i -> i.tags().forEach(t -> tags.add(t.familiarName())));
    actual.indexes().forEach(i -> i.tags().forEach(t -> tags.add(t.familiarName() + " (index)")));
    return tags;
  }
}
