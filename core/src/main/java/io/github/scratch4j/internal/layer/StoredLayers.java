package io.github.scratch4j.internal.layer;

import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Layer;
import io.github.scratch4j.Source;
import java.util.List;

/**
 * Makes stored layers whose entries a reader already has, so that they are not read from the blob
 * again. Not part of the public API: {@link Layer} hands its constructor to this class.
 */
public final class StoredLayers {
  /** Makes a stored layer with known entries. */
  public interface Factory {
    /** A stored layer; see {@link Layer#ofBlob}. */
    Layer of(Descriptor blob, Digest diffId, Source content, List<Entry> entries);
  }

  private static volatile Factory factory;

  private StoredLayers() {}

  /** Called once by {@link Layer}. */
  public static void install(Factory f) {
    factory = f;
  }

  /**
   * A stored layer whose entries, in path order, were read from {@code content} and validated by
   * {@link StoredLayerEntries#of}.
   */
  public static Layer of(Descriptor blob, Digest diffId, Source content, List<Entry> entries) {
    if (factory == null) {
      var unused = Layer.builder(); // initializes Layer, which installs the factory
    }
    return factory.of(blob, diffId, content, entries);
  }
}
