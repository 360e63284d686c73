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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Pulled blobs on disk, by digest ({@code blobs/sha256/<hex>}, as in an OCI layout). A blob is
 * written to a temporary sibling, checked against its digest and size, and only then moved into
 * place, so what the cache holds was verified when it arrived.
 */
final class BlobCache {
  /** Blobs used more recently than this are never removed to make room: another build may be reading them. */
  static final java.time.Duration IN_USE = java.time.Duration.ofHours(1);

  private final Path blobs;
  private final long limit;

  BlobCache(Path root, long limit) {
    this.blobs = root.resolve("blobs").resolve("sha256");
    this.limit = limit;
  }

  /** The cache of {@code options}: its directory and its limit. */
  static BlobCache of(io.github.scratch4j.RegistryOptions options) {
    return new BlobCache(options.cacheDirectory().orElseGet(BlobCache::defaultRoot), options.cacheLimit());
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

  /** The blob's file, if the cache has it with this size; finding it counts as a use. */
  Optional<Path> get(Digest d, long size) throws IOException {
    Path p = path(d);
    if (Files.isRegularFile(p) && Files.size(p) == size) {
      used(p);
      return Optional.of(p);
    }
    return Optional.empty();
  }

  /** The blob's file, if the cache has it; finding it counts as a use. */
  Optional<Path> get(Digest d) {
    Path p = path(d);
    if (Files.isRegularFile(p)) {
      used(p);
      return Optional.of(p);
    }
    return Optional.empty();
  }

  /** Whether a name is a blob's, a sha256 digest's hex (temporary files are named otherwise). */
  private static boolean isBlobName(String name) {
    try {
      Digest.parse("sha256:" + name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Marks a blob used now (its modification time), so that {@link #trim} keeps it longest; a
   * symbolic link's own time, never that of a file elsewhere it points to.
   */
  private static void used(Path p) {
    try {
      Files.getFileAttributeView(p, java.nio.file.attribute.BasicFileAttributeView.class,
          java.nio.file.LinkOption.NOFOLLOW_LINKS).setTimes(java.nio.file.attribute.FileTime.from(java.time.Instant.now()), null, null);
    } catch (IOException | RuntimeException e) {
      // A cache that cannot be written still serves; its blobs are then trimmed by their age.
    }
  }

  /**
   * Removes the blobs used longest ago until the cache's blobs take no more than its limit, but
   * none used within {@link #IN_USE}. Temporary files are left to the sweep that knows their
   * locks. A cache that cannot be read or written is left as it is: this never fails.
   */
  void trim() {
    record Blob(Path path, long size, long used) {}
    List<Blob> all = new ArrayList<>();
    long total = 0;
    try (java.nio.file.DirectoryStream<Path> dir = Files.newDirectoryStream(blobs)) {
      for (Path p : dir) {
        if (!isBlobName(p.getFileName().toString())) {
          continue;
        }
        try {
          java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(p,
              java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
          if (a.isRegularFile()) {
            all.add(new Blob(p, a.size(), a.lastModifiedTime().toMillis()));
            total += a.size();
          }
        } catch (IOException gone) {
          // removed meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      return;
    }
    if (total <= limit) {
      return;
    }
    long keepFrom = System.currentTimeMillis() - IN_USE.toMillis();
    all.sort(java.util.Comparator.comparingLong(Blob::used));
    for (Blob b : all) {
      if (total <= limit || b.used() >= keepFrom) {
        return;
      }
      try {
        Files.deleteIfExists(b.path());
        total -= b.size();
      } catch (IOException | RuntimeException e) {
        // open elsewhere on a system that refuses, or not ours to remove: left
      }
    }
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

    private Incoming(TempSiblings.TempFile temp) {
      this.temp = temp;
    }

    /** Writes the buffer's remaining bytes (a direct buffer goes to the file without another copy). */
    void write(java.nio.ByteBuffer bytes) throws IOException {
      while (bytes.hasRemaining()) {
        temp.channel().write(bytes);
      }
    }

    /** Keeps what was written as blob {@code d}, unless the cache has it already. */
    void keep(Digest d) throws IOException {
      if (Files.exists(path(d), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        used(path(d));
      }
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
