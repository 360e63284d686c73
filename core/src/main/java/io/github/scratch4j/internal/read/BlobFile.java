package io.github.scratch4j.internal.read;

import io.github.scratch4j.Compression;
import io.github.scratch4j.Digest;
import io.github.scratch4j.Source;
import java.util.Optional;

/**
 * A file found in an archive or layout, with what reading it once showed.
 *
 * @param name its normalized name in the archive
 * @param regular whether it is a regular file (not a link or anything else)
 * @param size its size in bytes
 * @param digest the SHA-256 of its bytes
 * @param compression the compression its first bytes show
 * @param uncompressedDigest for a compressed file, the SHA-256 of its decompressed bytes
 * @param content its bytes, where they were kept (small documents)
 * @param source a way to read it again
 */
record BlobFile(
    String name,
    boolean regular,
    long size,
    Digest digest,
    Compression compression,
    Optional<Digest> uncompressedDigest,
    Optional<byte[]> content,
    Source source) {

  /** The digest of the uncompressed content: a layer's diff_id. */
  Digest diffId() {
    return compression == Compression.NONE ? digest : uncompressedDigest.orElse(digest);
  }
}
