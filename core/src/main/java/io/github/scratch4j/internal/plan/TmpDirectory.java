package io.github.scratch4j.internal.plan;

import io.github.scratch4j.DirectoryEntry;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Layer;
import io.github.scratch4j.internal.Timestamps;

/**
 * {@code /tmp} as every user may use it: mode {@code 1777} (world-writable, and sticky, so that
 * only a file's owner may remove or rename it: chmod(2), "S_ISVTX"), owned by root, as the
 * Filesystem Hierarchy Standard (3.18) and distroless have it.
 */
public final class TmpDirectory {
  /** The path. */
  public static final String PATH = "/tmp";
  /** The mode: sticky, read, write and search for everyone. */
  public static final int MODE = 01777;

  private TmpDirectory() {}

  /**
   * Adds {@code /tmp} with mode 1777, owned by root, to the layer {@code builder} builds, unless
   * the image has it so already; where the image has a directory there, or a link to one, that
   * directory gets the mode and owner, its content untouched.
   *
   * @return the builder to go on with (the same one, or a new one holding the same entries)
   * @throws io.github.scratch4j.InvalidEntryException if the image's links on the way loop or lead
   *     to the image root
   */
  public static Layer.Builder addTo(Layer.Builder builder, LinkResolver places) {
    String at = places.directory(PATH);
    Entry there = places.entry(at);
    if (there instanceof DirectoryEntry d && d.mode() == MODE && d.uid() == 0 && d.gid() == 0) {
      return builder;
    }
    return LayerEdits.put(builder, new DirectoryEntry(at, MODE, 0, 0, Timestamps.reproducible()));
  }
}
