package io.github.scratch4j.internal.read;

import io.github.scratch4j.Compression;
import io.github.scratch4j.Digest;
import io.github.scratch4j.internal.compress.Codecs;
import io.github.scratch4j.internal.io.ArrayReadInputStream;
import io.github.scratch4j.internal.io.HashingInputStream;
import io.github.scratch4j.internal.layer.LayerListing;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Reads a blob once and learns all that reading it can tell: its digest and size, its
 * compression, for compressed content the digest and size of what it decompresses to, and, when
 * asked, the tar headers it holds (for a blob that turns out to be a layer); a small document's
 * bytes are kept. So a compressed layer is decompressed once per read, however it is used after.
 */
final class BlobPass {
  private static final int BUFFER = 1 << 16;

  /** What one read showed. */
  record Result(long size, Digest digest, Compression compression, Optional<Digest> uncompressed,
      long uncompressedSize, Optional<byte[]> kept, Optional<LayerListing> listing) {}

  private BlobPass() {}

  /**
   * Reads {@code in} to its end.
   *
   * @param what names the blob in messages
   * @param keepUpTo keep the bytes of a blob no larger than this (0 for none)
   * @param examine whether to decompress compressed content and read the tar headers it holds;
   *     without, only the stored bytes are hashed
   * @param budget what the read may still decompress
   * @throws io.github.scratch4j.ImageFormatException if compressed content does not decompress or a
   *     limit of the budget is passed
   */
  static Result read(InputStream in, String what, int keepUpTo, boolean examine, ReadBudget budget)
      throws IOException {
    return read(in, what, keepUpTo, examine, budget, Optional.empty());
  }

  /**
   * As {@link #read(InputStream, String, int, boolean, ReadBudget)}; with {@code verified}, the
   * digest the stored bytes were already checked against as they were read elsewhere (a download
   * into the cache), which this pass then gives instead of hashing them again.
   */
  static Result read(InputStream in, String what, int keepUpTo, boolean examine, ReadBudget budget,
      Optional<Digest> verified) throws IOException {
    Tap raw = new Tap(in, keepUpTo, verified.isEmpty());
    BufferedInputStream buffered = new BufferedInputStream(raw, BUFFER);
    buffered.mark(4);
    byte[] head = buffered.readNBytes(4);
    buffered.reset();
    Compression compression = Codecs.sniff(head, head.length);
    HashingInputStream uncompressed = null;
    InputStream content;
    if (compression == Compression.NONE || !examine) {
      content = budget.limit(buffered, what, false);
    } else {
      uncompressed = new HashingInputStream(budget.limit(Codecs.decompress(compression, buffered, what), what, true));
      content = uncompressed;
    }
    LayerListing listing = examine ? LayerListing.read(content, what, budget.options()) : null;
    drain(content);
    // Bytes after a compressed stream (padding, or a member the codec stopped before) are still the blob's.
    drain(buffered);
    return new Result(raw.count, verified.isPresent() ? verified.get() : raw.digest(), compression,
        uncompressed == null ? Optional.empty() : Optional.of(uncompressed.digest()),
        uncompressed == null ? raw.count : uncompressed.count(),
        raw.kept == null ? Optional.empty() : Optional.of(raw.kept.toByteArray()),
        Optional.ofNullable(listing));
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[BUFFER];
    while (in.read(buffer) >= 0) {
      // read to the end
    }
  }

  /** Hashes and counts every byte read or skipped, and keeps them while there are few enough. */
  private static final class Tap extends ArrayReadInputStream {
    private final InputStream in;
    /** Null when the bytes' digest is known already. */
    private final java.security.MessageDigest digest;
    private final int keepUpTo;
    private ByteArrayOutputStream kept;
    private byte[] skipBuffer;
    private long count;

    Tap(InputStream in, int keepUpTo, boolean hash) {
      this.in = in;
      this.keepUpTo = keepUpTo;
      this.digest = hash ? io.github.scratch4j.internal.io.Sha256.newDigest() : null;
      this.kept = keepUpTo > 0 ? new ByteArrayOutputStream() : null;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        if (digest != null) {
          digest.update(b, off, n);
        }
        count += n;
        if (kept != null) {
          if (count <= keepUpTo) {
            kept.write(b, off, n);
          } else {
            kept = null;
          }
        }
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      if (skipBuffer == null) {
        skipBuffer = new byte[BUFFER];
      }
      int r = read(skipBuffer, 0, (int) Math.min(n, skipBuffer.length));
      return Math.max(r, 0);
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }

    Digest digest() {
      return io.github.scratch4j.internal.io.Sha256.toDigest(digest.digest());
    }
  }
}
