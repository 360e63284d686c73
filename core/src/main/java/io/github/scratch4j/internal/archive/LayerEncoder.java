package io.github.scratch4j.internal.archive;

import io.github.scratch4j.Compression;
import io.github.scratch4j.Digest;
import io.github.scratch4j.internal.compress.Codecs;
import io.github.scratch4j.internal.io.HashingOutputStream;
import io.github.scratch4j.internal.layer.LayerPlan;
import io.github.scratch4j.internal.layer.LayerTarWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.LongConsumer;

/**
 * Generates a layer blob in one pass: tar, hash for the diff_id, compress, hash for the digest.
 * Uncompressed, the two digests are one, computed once.
 */
final class LayerEncoder {
  private final LayerTarWriter tar;
  /** How much of a write the blob's hash passes on at a time. */
  private final int slice;

  /** What a generated blob turned out to be. */
  record Encoded(Digest diffId, Digest digest, long size) {}

  LayerEncoder(int bufferSize) {
    this(bufferSize, HashingOutputStream.SLICE);
  }

  /**
   * @param slice the most bytes of a write the blob's hash passes on at a time, so that a sink
   *     that writes as it gets them (a socket) starts before the whole write is hashed;
   *     {@link HashingOutputStream#WHOLE} for a sink that gathers them anyway
   */
  LayerEncoder(int bufferSize, int slice) {
    this.tar = new LayerTarWriter(bufferSize);
    this.slice = slice;
  }

  /** Writes the layer to {@code sink}, telling {@code meter} of its tar's bytes as they go. */
  Encoded encode(LayerPlan plan, Compression compression, int level, OutputStream sink, LongConsumer meter)
      throws IOException {
    if (compression == Compression.NONE) {
      HashingOutputStream stored = new HashingOutputStream(sink, meter, slice);
      tar.write(plan, stored);
      Digest digest = stored.digest();
      return new Encoded(digest, digest, stored.count());
    }
    HashingOutputStream stored = new HashingOutputStream(sink, n -> { }, slice);
    OutputStream compressor = Codecs.compress(compression, level, stored);
    // The compressor gathers what it is given into blocks: a write in pieces only costs calls.
    HashingOutputStream uncompressed = new HashingOutputStream(compressor, meter, HashingOutputStream.WHOLE);
    tar.write(plan, uncompressed);
    compressor.close();
    return new Encoded(uncompressed.digest(), stored.digest(), stored.count());
  }

  /** The most bytes a compressed layer of {@code uncompressed} bytes can take (zstd's bound is the larger). */
  static long bound(long uncompressed) {
    return uncompressed + uncompressed / 128 + (128 << 10);
  }
}
