package io.github.scratch4j.internal.registry;

import io.github.scratch4j.Digest;
import io.github.scratch4j.DigestMismatchException;
import io.github.scratch4j.internal.io.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import io.github.scratch4j.internal.io.TempSiblings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Pulled blobs on disk, by digest ({@code blobs/sha256/<hex>}, as in an OCI layout). A blob is
 * written to a temporary sibling, checked against its digest and size, and only then moved into
 * place, so what the cache holds was verified when it arrived.
 */
final class BlobCache {
  private final Path blobs;

  BlobCache(Path root) {
    this.blobs = root.resolve("blobs").resolve("sha256");
  }

  /** {@code $XDG_CACHE_HOME/scratch4j}, or {@code ~/.cache/scratch4j}. */
  static Path defaultRoot() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "scratch4j");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "scratch4j");
  }

  Path path(Digest d) {
    // Digests were validated when parsed ([a-f0-9]{64} for sha256): a safe file name.
    if (!d.algorithm().equals("sha256")) {
      throw new IllegalArgumentException("only sha256 blobs are cached, not " + d);
    }
    return blobs.resolve(d.hex());
  }

  /** The name the cache's temporary files stand for: any blob. */
  private static final String TEMPORARY = "blob";

  Optional<Path> get(Digest d, long size) throws IOException {
    Path p = path(d);
    return Files.isRegularFile(p) && Files.size(p) == size ? Optional.of(p) : Optional.empty();
  }

  /** Forgets a blob that failed a later check. */
  void evict(Digest d) throws IOException {
    Files.deleteIfExists(path(d));
  }

  /** Stores a blob read from {@code in}, failing (and keeping nothing) unless it matches. */
  Path put(Digest d, long size, InputStream in, String what, LongConsumer received) throws IOException {
    return put(d, size, in, what, received, OutputStream.nullOutputStream());
  }

  /**
   * As {@link #put(Digest, long, InputStream, String, LongConsumer)}, every byte also written to
   * {@code also} as it is stored, which is closed once the blob has matched.
   */
  Path put(Digest d, long size, InputStream in, String what, LongConsumer received, OutputStream also)
      throws IOException {
    try (TempSiblings.TempFile temp = temporary()) {
      MessageDigest sha = Sha256.newDigest();
      long total = 0;
      byte[] buffer = new byte[1 << 16];
      OutputStream out = temp.output();
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
        if (total > size) {
          throw new DigestMismatchException(what + " is longer than the " + size + " bytes its descriptor says");
        }
        sha.update(buffer, 0, n);
        out.write(buffer, 0, n);
        also.write(buffer, 0, n);
        received.accept(n);
      }
      if (total != size) {
        throw new DigestMismatchException(what + " ended after " + total + " of the " + size + " bytes its descriptor says");
      }
      Digest got = Sha256.toDigest(sha.digest());
      if (!got.equals(d)) {
        throw new DigestMismatchException(what + " has digest " + got + ", not " + d);
      }
      also.close();
      temp.commit(path(d));
      return path(d);
    }
  }

  /** Stores a small document already in memory and checked. */
  Path put(Digest d, byte[] content) throws IOException {
    try (TempSiblings.TempFile temp = temporary()) {
      temp.write(content);
      temp.commit(path(d));
      return path(d);
    }
  }

  /**
   * A blob being made elsewhere (a layer generated for a push), written to the cache as it goes
   * and kept under the digest its maker computed only when {@link Incoming#keep} is called;
   * closed without it, nothing is kept.
   */
  Incoming incoming() throws IOException {
    return new Incoming(temporary());
  }

  /** See {@link #incoming()}. */
  final class Incoming implements java.io.Closeable {
    private final TempSiblings.TempFile temp;
    private final OutputStream out;

    private Incoming(TempSiblings.TempFile temp) {
      this.temp = temp;
      this.out = new java.io.BufferedOutputStream(temp.output(), 1 << 16);
    }

    OutputStream output() {
      return out;
    }

    /** Keeps what was written as blob {@code d}, unless the cache has it already. */
    void keep(Digest d) throws IOException {
      out.flush();
      temp.commitUnlessPresent(path(d));
    }

    @Override
    public void close() throws IOException {
      temp.close();
    }
  }

  /**
   * A temporary file in the cache, locked while it is written, so that what a killed pull left
   * there (named as {@link TempSiblings} names them) is removed by the next one.
   */
  private TempSiblings.TempFile temporary() throws IOException {
    Files.createDirectories(blobs);
    TempSiblings.sweep(blobs, TEMPORARY);
    return TempSiblings.createFile(blobs, TEMPORARY);
  }


}
