package io.github.scratch4j.internal.build;

import io.github.scratch4j.DirectoryEntry;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Layer;
import io.github.scratch4j.Whiteout;
import io.github.scratch4j.internal.EntryPaths;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The file system that layers make when applied in order (OCI image-spec, layer.md, "Applying
 * Changesets"): each entry adds or replaces its path, a whiteout deletes a path and everything
 * under it, and an opaque whiteout empties a directory of what lower layers put there.
 */
public final class LayeredFileSystem {
  private final TreeMap<String, Entry> entries = new TreeMap<>(EntryPaths.ORDER);

  /** The file system of {@code layers}, base first. */
  public static LayeredFileSystem of(List<Layer> layers) {
    LayeredFileSystem fs = new LayeredFileSystem();
    layers.forEach(fs::apply);
    return fs;
  }

  /** Applies one more layer on top. */
  public void apply(Layer layer) {
    List<Entry> layerEntries = layer.entries();
    // Whiteouts apply to lower layers only, so they go first.
    for (Entry e : layerEntries) {
      if (e instanceof Whiteout w) {
        if (w.opaque()) {
          removeUnder(w.path());
        } else {
          entries.remove(w.path());
          removeUnder(w.path());
        }
      }
    }
    for (Entry e : layerEntries) {
      if (e instanceof Whiteout) {
        continue;
      }
      Entry previous = entries.put(e.path(), e);
      if (previous instanceof DirectoryEntry && !(e instanceof DirectoryEntry)) {
        removeUnder(e.path());
      }
    }
  }

  private void removeUnder(String dir) {
    String prefix = dir + "/";
    Iterator<Map.Entry<String, Entry>> it = entries.tailMap(dir, false).entrySet().iterator();
    while (it.hasNext()) {
      String key = it.next().getKey();
      if (!key.startsWith(prefix)) {
        break;
      }
      it.remove();
    }
  }

  /** Whether something is at {@code path}. */
  public boolean contains(String path) {
    return entries.containsKey(path);
  }

  /** The entry at {@code path}, not following links. */
  public Optional<Entry> get(String path) {
    return Optional.ofNullable(entries.get(path));
  }

  /** Every entry, by path. */
  public SortedMap<String, Entry> entries() {
    return Collections.unmodifiableSortedMap(entries);
  }
}
