package io.github.scratch4j.internal.plan;

import io.github.scratch4j.CopyOption;
import io.github.scratch4j.DuplicateEntryException;
import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.Layer;
import io.github.scratch4j.SymlinkEntry;
import io.github.scratch4j.elf.DependencyClosure;
import io.github.scratch4j.internal.source.PathSource;
import java.nio.file.Path;
import java.util.Optional;

/** Puts a binary's dependency closure into a layer. */
public final class Closures {
  private Closures() {}

  /**
   * Adds the closure's links and files at their paths, each placed through the image's links. What
   * the layer already has identically (a second binary needing the same libc) is kept once;
   * anything else at those paths is an error.
   */
  public static void addTo(Layer.Builder layer, DependencyClosure closure, LinkResolver places) {
    for (DependencyClosure.Symlink link : closure.symlinks()) {
      String path = places.parentsOf(io.github.scratch4j.internal.EntryPaths.normalize(link.path()));
      Optional<Entry> existing = layer.get(path);
      if (existing.isPresent()) {
        if (existing.get() instanceof SymlinkEntry s && s.target().equals(link.target())) {
          continue;
        }
        throw new DuplicateEntryException("cannot add the link " + link.path() + " -> " + link.target()
            + " that " + closure.binary() + " needs: the layer already has something else there");
      }
      layer.addSymlink(path, link.target());
    }
    for (DependencyClosure.File file : closure.files()) {
      Path host = file.hostPath().orElseThrow(
          () -> new IllegalStateException("no host file for " + file.path()));
      String path = places.parentsOf(io.github.scratch4j.internal.EntryPaths.normalize(file.path()));
      Optional<Entry> existing = layer.get(path);
      if (existing.isPresent()) {
        if (existing.get() instanceof FileEntry f && f.source() instanceof PathSource p && p.path().equals(host)) {
          continue;
        }
        throw new DuplicateEntryException("cannot add " + file.path() + " that " + closure.binary()
            + " needs: the layer already has something else there");
      }
      layer.addPath(host, path, CopyOption.FOLLOW_LINKS);
    }
  }
}
