package io.github.scratch4j.internal.read;

import io.github.scratch4j.Compression;
import io.github.scratch4j.Digest;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.Source;
import io.github.scratch4j.internal.layer.LayerListing;
import java.util.Optional;

/**
 * A file found in an archive or layout, with what reading it once showed.
 *
 * @param name its normalized name in the archive
 * @param regular whether it is a regular file (not a link or anything else)
 * @param size its size in bytes
 * @param digest the SHA-256 of its bytes
 * @param compression the compression its first bytes show
 * @param uncompressedDigest for a compressed file that was examined, the SHA-256 of its decompressed bytes
 * @param uncompressedSize the size of its decompressed bytes, when examined (else its size)
 * @param content its bytes, where they were kept (small documents)
 * @param listing its tar headers (or why it is no tar), when it was examined as a possible layer
 * @param source a way to read it again
 */
record BlobFile(
    String name,
    boolean regular,
    long size,
    Digest digest,
    Compression compression,
    Optional<Digest> uncompressedDigest,
    long uncompressedSize,
    Optional<byte[]> content,
    Optional<LayerListing> listing,
    Source source) {

  /** A file read by {@link BlobPass}. */
  static BlobFile of(String name, BlobPass.Result r, Source source) {
    return new BlobFile(name, true, r.size(), r.digest(), r.compression(), r.uncompressed(), r.uncompressedSize(),
        r.kept(), r.listing(), source);
  }

  /** The digest of the uncompressed content: a layer's diff_id. */
  Digest diffId() throws ImageFormatException {
    if (compression == Compression.NONE) {
      return digest;
    }
    return uncompressedDigest.orElseThrow(() -> new ImageFormatException(name + " was not decompressed"));
  }
}
