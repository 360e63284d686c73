package io.github.scratch4j.internal.plan;

import io.github.scratch4j.DirectoryEntry;
import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.HardlinkEntry;
import io.github.scratch4j.Layer;
import io.github.scratch4j.Whiteout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/** Reads and rewrites single files of the layer an image adds to, seen over the layers below it. */
final class LayerEdits {
  /** The most bytes read of a file an edit rewrites: an account file is a few kilobytes. */
  static final int MAX_FILE_BYTES = 16 << 20;

  private LayerEdits() {}

  /** A regular file as a container sees it, where a write to it lands. */
  record Found(String at, Optional<FileEntry> file) {}

  /**
   * The regular file a container reaches at {@code path}, following links (a hard link too), and
   * where a write to it lands; no file when nothing is there.
   *
   * @throws IllegalStateException if something other than a regular file is there
   */
  static Found file(LinkResolver places, String path) {
    String at = places.file(path);
    Entry e = places.entry(at);
    if (e instanceof HardlinkEntry h) {
      // A hard link's target is a file of the same layer (OCI image-spec, layer.md).
      Entry target = places.entry(h.target());
      if (target instanceof FileEntry f) {
        return new Found(at, Optional.of(new FileEntry(at, f.source(), f.mode(), f.uid(), f.gid(), f.mtime())));
      }
      throw new IllegalStateException("the image's " + path + where(path, at) + " is a hard link to " + h.target()
          + ", which is not a regular file in the image");
    }
    if (e == null || e instanceof Whiteout) {
      return new Found(at, Optional.empty());
    }
    if (e instanceof FileEntry f) {
      return new Found(at, Optional.of(f));
    }
    throw new IllegalStateException("the image's " + path + where(path, at) + " is "
        + (e instanceof DirectoryEntry ? "a directory" : "a special file") + ", not a regular file");
  }

  /** The bytes of {@code file}, which the image has at {@code path}. */
  static byte[] read(FileEntry file, String path) {
    long size = file.source().size();
    if (size > MAX_FILE_BYTES) {
      throw new IllegalStateException("the image's " + path + where(path, file.path()) + " is " + size
          + " bytes, more than the " + MAX_FILE_BYTES + " read to add to it");
    }
    try {
      return file.source().readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the image's " + path + where(path, file.path()) + ": "
          + e.getMessage(), e);
    }
  }

  /** " (at /x, where its links lead)" when {@code at} is not {@code path}, else "". */
  static String where(String path, String at) {
    return at.equals(path) ? "" : " (at " + at + ", where its links lead)";
  }

  /**
   * The builder with {@code entry} in it, in place of what the builder has at its path (not a
   * whiteout, which stays: it deletes what the layers below have there). A builder cannot replace
   * one entry alone, so when it has one there the layer is built and collected again.
   */
  static Layer.Builder put(Layer.Builder builder, Entry entry) {
    if (builder.get(entry.path()).isEmpty()) {
      return builder.add(entry);
    }
    Layer built = builder.build();
    Layer.Builder next = Layer.builder();
    built.createdBy().ifPresent(next::createdBy);
    for (Entry e : built.entries()) {
      if (e instanceof DirectoryEntry && built.isImplied(e.path())) {
        continue;
      }
      next.add(!(e instanceof Whiteout) && e.path().equals(entry.path()) ? entry : e);
    }
    return next;
  }
}
