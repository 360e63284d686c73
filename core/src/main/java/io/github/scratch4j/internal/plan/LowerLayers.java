package io.github.scratch4j.internal.plan;

import io.github.scratch4j.Entry;
import io.github.scratch4j.Layer;
import java.util.List;

/**
 * The file system of the layers below the one an image is adding to, made on first use and kept:
 * an image and the images made from it by further adds to the same layer share one, so that
 * placing each added path through the base's links costs a lookup, not a pass over the base.
 */
public final class LowerLayers {
  private final List<Layer> layers;
  private volatile LayeredFileSystem files;

  /** The layers, base first; the list is copied. */
  public LowerLayers(List<Layer> layers) {
    this.layers = List.copyOf(layers);
  }

  /** Whether there are no layers below. */
  public boolean isEmpty() {
    return layers.isEmpty();
  }

  /** Whether these are exactly {@code others}, the same layer objects in the same order. */
  public boolean sameAs(List<Layer> others) {
    if (others.size() != layers.size()) {
      return false;
    }
    for (int i = 0; i < others.size(); i++) {
      if (others.get(i) != layers.get(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The entry at a normalized path, not following links, or null. The first call applies every
   * layer, reading the entries of a layer made with {@link Layer#ofBlob} (an
   * {@code UncheckedIOException} if it cannot be read).
   */
  public Entry get(String path) {
    if (layers.isEmpty()) {
      return null;
    }
    LayeredFileSystem f = files;
    if (f == null) {
      // Lookups come once per added directory (LinkResolver remembers them), so the tree's
      // logarithmic lookups cost little; a first layer is loaded into it in linear time.
      f = LayeredFileSystem.of(layers);
      files = f;
    }
    return f.get(path).orElse(null);
  }

  /**
   * Whether the image lacks the normalized path: some component of it, links followed inside the
   * image, is not there (rather than a file being on the way).
   */
  public boolean lacks(String path) {
    if (layers.isEmpty()) {
      return true;
    }
    get(path);
    return new ProgramLookup(files.entries()).walk(path, "/").missing();
  }

  /** Whether something is at the normalized path. */
  public boolean contains(String path) {
    return get(path) != null;
  }
}
