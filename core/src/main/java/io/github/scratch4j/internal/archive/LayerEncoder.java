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

  /** What a generated blob turned out to be. */
  record Encoded(Digest diffId, Digest digest, long size) {}

  LayerEncoder(int bufferSize) {
    this.tar = new LayerTarWriter(bufferSize);
  }

  /** Writes the layer to {@code sink}, telling {@code meter} of its tar's bytes as they go. */
  Encoded encode(LayerPlan plan, Compression compression, int level, OutputStream sink, LongConsumer meter)
      throws IOException {
    if (compression == Compression.NONE) {
      HashingOutputStream stored = new HashingOutputStream(sink, meter);
      tar.write(plan, stored);
      Digest digest = stored.digest();
      return new Encoded(digest, digest, stored.count());
    }
    HashingOutputStream stored = new HashingOutputStream(sink);
    OutputStream compressor = Codecs.compress(compression, level, stored);
    HashingOutputStream uncompressed = new HashingOutputStream(compressor, meter);
    tar.write(plan, uncompressed);
    compressor.close();
    return new Encoded(uncompressed.digest(), stored.digest(), stored.count());
  }

  /** The most bytes a compressed layer of {@code uncompressed} bytes can take (zstd's bound is the larger). */
  static long bound(long uncompressed) {
    return uncompressed + uncompressed / 128 + (128 << 10);
  }
}
