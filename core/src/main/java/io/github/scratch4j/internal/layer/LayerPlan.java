package io.github.scratch4j.internal.layer;

import io.github.scratch4j.DirectoryEntry;
import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.HardlinkEntry;
import io.github.scratch4j.InvalidEntryException;
import io.github.scratch4j.Layer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The entries of a layer in the order its tar holds them: path order, with hard links after the
 * files they point at, and without implied directories that a lower layer already has.
 *
 * @param entries the entries to write
 */
public record LayerPlan(List<Entry> entries) {

  /** Copies the list. */
  public LayerPlan {
    entries = List.copyOf(entries);
  }

  /**
   * Plans {@code layer} on top of lower layers.
   *
   * @param existsBelow whether a lower layer has something at a path
   */
  public static LayerPlan of(Layer layer, Predicate<String> existsBelow) {
    List<Entry> ordered = new ArrayList<>(layer.entries().size());
    List<HardlinkEntry> links = new ArrayList<>();
    Map<String, Entry> byPath = new HashMap<>();
    for (Entry e : layer.entries()) {
      byPath.putIfAbsent(e.path(), e);
      if (e instanceof HardlinkEntry h) {
        links.add(h);
      } else if (!(e instanceof DirectoryEntry && layer.isImplied(e.path()) && existsBelow.test(e.path()))) {
        ordered.add(e);
      }
    }
    // A hard link must follow its target in the tar, and links come after all files: simple and
    // deterministic.
    for (HardlinkEntry h : links) {
      Entry target = byPath.get(h.target());
      if (!(target instanceof FileEntry)) {
        throw new InvalidEntryException(
            "hard link " + h.path() + " points at " + h.target()
                + (target == null ? ", which is not in the same layer" : ", which is not a regular file"));
      }
      ordered.add(h);
    }
    return new LayerPlan(ordered);
  }
}
