package io.github.scratch4j.internal.read;

import io.github.scratch4j.Compression;
import io.github.scratch4j.Digest;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.internal.compress.Codecs;
import io.github.scratch4j.internal.io.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Reads content once and learns its digest, its compression and, for compressed content, the
 * digest of what it decompresses to; small documents are kept.
 */
final class ContentDigests {
  /** What one read showed. */
  record Result(long size, Digest digest, Compression compression, Optional<Digest> uncompressed, Optional<byte[]> kept) {}

  private ContentDigests() {}

  static Result read(InputStream in, String what, int keepUpTo) throws IOException {
    io.github.scratch4j.internal.io.HashingInputStream raw = new io.github.scratch4j.internal.io.HashingInputStream(in);
    java.io.BufferedInputStream buffered = new java.io.BufferedInputStream(raw, 1 << 16);
    buffered.mark(4);
    byte[] head = buffered.readNBytes(4);
    buffered.reset();
    Compression compression = Codecs.sniff(head, head.length);
    byte[] buffer = new byte[1 << 16];
    Optional<Digest> uncompressed = Optional.empty();
    ByteArrayOutputStream kept = keepUpTo > 0 && compression == Compression.NONE ? new ByteArrayOutputStream() : null;
    if (compression != Compression.NONE) {
      MessageDigest d = Sha256.newDigest();
      try {
        InputStream decompressed = Codecs.decompress(compression, buffered);
        int n;
        while ((n = decompressed.read(buffer)) > 0) {
          d.update(buffer, 0, n);
        }
      } catch (IOException e) {
        if (e instanceof ImageFormatException) {
          throw e;
        }
        throw new ImageFormatException(what + " looks " + compression.name().toLowerCase(java.util.Locale.ROOT)
            + "-compressed but does not decompress: " + e.getMessage(), e);
      }
      uncompressed = Optional.of(Sha256.toDigest(d.digest()));
    }
    int n;
    while ((n = buffered.read(buffer)) > 0) {
      if (kept != null) {
        if (kept.size() + n <= keepUpTo) {
          kept.write(buffer, 0, n);
        } else {
          kept = null;
        }
      }
    }
    return new Result(raw.count(), raw.digest(), compression, uncompressed,
        kept == null ? Optional.empty() : Optional.of(kept.toByteArray()));
  }
}
