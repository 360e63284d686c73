package io.github.scratch4j.internal.plan;

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
    if (entries.isEmpty() && bulkLoad(layerEntries)) {
      return;
    }
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
      if (e instanceof DirectoryEntry && layer.isImplied(e.path()) && entries.containsKey(e.path())) {
        // As written (LayerPlan): an implied directory keeps the lower directory, and leaves
        // anything else there in place.
        continue;
      }
      Entry previous = entries.put(e.path(), e);
      if (previous instanceof DirectoryEntry && !(e instanceof DirectoryEntry)) {
        removeUnder(e.path());
      }
    }
  }

  /**
   * Loads the first layer in linear time, when it has no whiteouts and its entries are in path
   * order (as a layer's are): {@link TreeMap#putAll} builds the tree directly from a sorted map
   * with the same comparator, where putting entries one by one would compare n log n times.
   */
  private boolean bulkLoad(List<Entry> sorted) {
    String last = null;
    for (Entry e : sorted) {
      if (e instanceof Whiteout || (last != null && EntryPaths.ORDER.compare(last, e.path()) >= 0)) {
        return false;
      }
      last = e.path();
    }
    entries.putAll(new SortedView(sorted));
    return true;
  }

  /** A list of entries in strictly increasing path order, seen as the sorted map putAll reads. */
  private static final class SortedView extends java.util.AbstractMap<String, io.github.scratch4j.Entry>
      implements SortedMap<String, io.github.scratch4j.Entry> {
    // Inside a Map, the simple name Entry means Map.Entry.
    private final List<io.github.scratch4j.Entry> sorted;

    SortedView(List<io.github.scratch4j.Entry> sorted) {
      this.sorted = sorted;
    }

    @Override
    public java.util.Comparator<? super String> comparator() {
      return EntryPaths.ORDER;
    }

    @Override
    public int size() {
      return sorted.size();
    }

    @Override
    public java.util.Set<Map.Entry<String, io.github.scratch4j.Entry>> entrySet() {
      return new java.util.AbstractSet<>() {
        @Override
        public Iterator<Map.Entry<String, io.github.scratch4j.Entry>> iterator() {
          Iterator<io.github.scratch4j.Entry> it = sorted.iterator();
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return it.hasNext();
            }

            @Override
            public Map.Entry<String, io.github.scratch4j.Entry> next() {
              io.github.scratch4j.Entry e = it.next();
              return Map.entry(e.path(), e);
            }
          };
        }

        @Override
        public int size() {
          return sorted.size();
        }
      };
    }

    @Override
    public SortedMap<String, io.github.scratch4j.Entry> subMap(String from, String to) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SortedMap<String, io.github.scratch4j.Entry> headMap(String to) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SortedMap<String, io.github.scratch4j.Entry> tailMap(String from) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String firstKey() {
      return sorted.get(0).path();
    }

    @Override
    public String lastKey() {
      return sorted.get(sorted.size() - 1).path();
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
