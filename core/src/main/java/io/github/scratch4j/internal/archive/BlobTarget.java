package io.github.scratch4j.internal.archive;

import io.github.scratch4j.Compression;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Source;
import io.github.scratch4j.internal.archive.LayerEncoder.Encoded;
import io.github.scratch4j.internal.archive.WriteProgress.Meter;
import io.github.scratch4j.internal.layer.LayerPlan;
import java.io.IOException;

/**
 * Where blobs go: a tar on a file, a tar on a stream, or an image layout directory. Each method
 * counts the blob's bytes on its meter and ends it: done, or present when the blob was already
 * there.
 */
interface BlobTarget {
  /** Writes a blob whose digest is known, unless one with that digest is already there. */
  void write(Descriptor descriptor, byte[] content, Meter meter) throws IOException;

  /** Copies a stored blob, checking its digest and size as it goes, unless it is already there. */
  void copy(Descriptor descriptor, Source content, Meter meter) throws IOException;

  /** Generates a layer blob from its plan. */
  Encoded generate(LayerPlan plan, Compression compression, int level, Meter meter) throws IOException;

  /**
   * Generates several layers, at once where this target allows it, in order, each counted on the
   * meter of the same index; the default is one after another.
   */
  default java.util.List<Encoded> generateAll(
      java.util.List<LayerPlan> plans, Compression compression, int level, java.util.List<Meter> meters)
      throws IOException {
    java.util.List<Encoded> out = new java.util.ArrayList<>();
    for (int i = 0; i < plans.size(); i++) {
      out.add(generate(plans.get(i), compression, level, meters.get(i)));
    }
    return out;
  }
}
