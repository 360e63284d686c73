package io.github.scratch4j.internal.layer;

import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.ReadOptions;
import io.github.scratch4j.internal.io.WatchedInputStream;
import io.github.scratch4j.internal.tar.TarEntry;
import io.github.scratch4j.internal.tar.TarReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tar headers of a blob that may be a layer, read in the same pass that hashes it, or why it is
 * not a valid tar. Reading a blob does not yet tell whether it is a layer (an archive's blobs are
 * read before its manifests say which is which), so a blob that does not parse is not an error
 * until it is used as a layer.
 */
public final class LayerListing {
  private final List<TarEntry> headers;
  private final ImageFormatException failure;

  private LayerListing(List<TarEntry> headers, ImageFormatException failure) {
    this.headers = headers;
    this.failure = failure;
  }

  /**
   * Reads the tar headers of {@code tar}, skipping (and so passing through whatever hashes it)
   * every entry's content. Stops at the end-of-archive blocks or at the first malformed header;
   * the caller reads whatever follows. A failure of the stream itself is thrown; a malformed
   * tar is recorded.
   *
   * <p>The end-of-archive blocks are not required: a blob read here is checked against its digest,
   * which tells a cut blob from a whole one, and some writers leave the blocks out of layers (a
   * reader built on Go's archive/tar, as Docker's and containerd's are, takes such a layer).
   *
   * <p>A sparse file's holes cost the blob nothing, so the sizes its sparse files expand to are
   * limited as the layer's own size is: together at most {@link ReadOptions#maxLayerSize}.
   *
   * @param options most entries accepted before the listing counts as failed, and most bytes
   *     its sparse files may expand to
   */
  public static LayerListing read(InputStream tar, String what, ReadOptions options) throws IOException {
    WatchedInputStream watched = new WatchedInputStream(tar);
    List<TarEntry> headers = new ArrayList<>();
    TarReader.Limits limits = TarReader.Limits.defaults()
        .withMaxEntries(options.maxLayerEntries())
        .withMaxSparseBytes(options.maxLayerSize())
        .withEndMarkerRequired(false);
    // The caller closes the stream: the reader is not closed.
    TarReader reader = new TarReader(watched, what, limits);
    try {
      Optional<TarEntry> next;
      while ((next = reader.next()).isPresent()) {
        headers.add(next.get());
      }
    } catch (IOException e) {
      if (watched.failure().isPresent()) {
        throw watched.failure().get(); // decompression, a read limit or the file itself: not the tar's shape
      }
      if (e instanceof ImageFormatException f) {
        return new LayerListing(List.of(), f);
      }
      throw e;
    }
    return new LayerListing(headers, null);
  }

  /** A listing of headers already read. */
  public static LayerListing of(List<TarEntry> headers) {
    return new LayerListing(List.copyOf(headers), null);
  }

  /**
   * The headers, in tar order.
   *
   * @throws ImageFormatException why the blob is not a valid tar
   */
  public List<TarEntry> headers() throws ImageFormatException {
    if (failure != null) {
      throw new ImageFormatException(failure.getMessage(), failure);
    }
    return headers;
  }
}
