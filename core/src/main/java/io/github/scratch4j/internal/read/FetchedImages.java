package io.github.scratch4j.internal.read;

import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.ReadOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Builds an image from blobs fetched one by one into local files, such as a registry's. */
public final class FetchedImages {
  /** Gives the local file holding a blob, fetching it first if need be. */
  public interface Fetch {
    Path file(Descriptor blob) throws IOException;
  }

  private FetchedImages() {}

  /**
   * The image a manifest describes, every blob checked against its descriptor and every layer
   * against its config's diff_id, as for an archive.
   */
  public static Image image(Descriptor manifest, Fetch fetch, String where, ReadOptions options) throws IOException {
    ReadBudget budget = new ReadBudget(options);
    try {
      List<Object> read = ArchiveReader.fromIndex(List.of(manifest),
          (d, by) -> ArchiveReader.check(LayoutDirectory.blobAt(fetch.file(d), d, budget), d, where), where, budget);
      return (Image) read.get(0);
    } catch (IllegalArgumentException | IllegalStateException e) {
      // Whatever the model refuses here came from the registry: bad input, not a caller's mistake.
      throw new ImageFormatException(where + ": " + e.getMessage(), e);
    }
  }
}
