package io.github.scratch4j.internal.plan;

import io.github.scratch4j.ImageReference;
import java.util.List;

/** Something an archive holds under names: one image, or an index of images. */
public sealed interface Planned permits PlannedImage, PlannedIndex {
  /** The names to give it. */
  List<ImageReference> tags();
}
