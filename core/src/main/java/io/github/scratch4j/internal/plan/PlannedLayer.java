package io.github.scratch4j.internal.plan;

import io.github.scratch4j.Layer;
import io.github.scratch4j.internal.layer.LayerPlan;

/** A layer ready to write: generated from entries, or copied from a stored blob. */
public sealed interface PlannedLayer {
  /**
   * A layer whose tar scratch4j generates.
   *
   * @param plan the entries in tar order
   */
  record Generated(LayerPlan plan) implements PlannedLayer {}

  /**
   * A layer whose blob exists and is copied byte for byte.
   *
   * @param layer the stored layer
   */
  record Stored(Layer layer) implements PlannedLayer {}
}
