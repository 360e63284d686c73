package io.github.scratch4j.internal.archive;

import io.github.scratch4j.Compression;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.Source;
import io.github.scratch4j.SourceChangedException;
import io.github.scratch4j.internal.archive.LayerEncoder.Encoded;
import io.github.scratch4j.internal.archive.WriteProgress.Meter;
import io.github.scratch4j.internal.exec.Tasks;
import io.github.scratch4j.internal.io.ArchiveOutput;
import io.github.scratch4j.internal.io.FileArchiveOutput;
import io.github.scratch4j.internal.io.HashingOutputStream;
import io.github.scratch4j.internal.io.Sha256;
import io.github.scratch4j.internal.layer.LayerPlan;
import io.github.scratch4j.internal.layer.LayerTarWriter;
import io.github.scratch4j.internal.source.PathSource;
import io.github.scratch4j.internal.tar.TarHeader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Blobs as {@code blobs/sha256/<hex>} entries of a tar.
 *
 * <p>A blob's header names its digest, which is known only once the blob is generated. On a
 * seekable output the header is written as a placeholder and filled in afterwards: one pass. On a
 * stream, a layer of at most {@link #HELD} bytes is generated once into memory; a larger
 * uncompressed one is generated twice (first only to hash it, which costs one extra read and hash
 * but no disk), and a larger compressed one is spooled to a temporary file (compressing twice
 * would cost more than the disk).
 */
final class TarBlobTarget implements BlobTarget {
  static final String BLOBS = "blobs/sha256/";
  /**
   * The largest layer a stream target generates into memory: for a small layer a second pass
   * costs more than the memory (a hello-world layer of 0.7 MiB spent 15 ms hashing again), and a
   * few MiB of heap is nothing to a JVM that can write at all.
   */
  static final long HELD = 4L << 20;
  private static final byte[] ZEROS = new byte[TarHeader.BLOCK];

  private final ArchiveOutput out;
  private final LayerEncoder encoder;
  private final byte[] buffer;
  private final long mtime;
  private final Set<Digest> written = new HashSet<>();
  private final boolean layersByPosition;
  /** Where layers are generated side by side. */
  private final Executor tasks;
  private final java.util.Map<Digest, String> names = new java.util.HashMap<>();


  /**
   * With {@code layersByPosition}, an uncompressed layer generated to a stream is named
   * {@code layers/<n>.tar} rather than by its digest, so it is written in the pass that hashes it:
   * for a reader that finds layers through {@code manifest.json} only, a Docker daemon.
   */
  TarBlobTarget(ArchiveOutput out, int bufferSize, long mtime, boolean layersByPosition, Executor tasks) {
    this.out = out;
    this.tasks = tasks;
    this.encoder = new LayerEncoder(bufferSize);
    this.buffer = new byte[bufferSize];
    this.mtime = mtime;
    this.layersByPosition = layersByPosition;
  }

  /** The entry name of a blob this target wrote. */
  String name(Digest digest) {
    return names.getOrDefault(digest, BLOBS + digest.hex());
  }

  @Override
  public void write(Descriptor d, byte[] content, Meter meter) throws IOException {
    if (!written.add(d.digest())) {
      meter.present(d.digest());
      return;
    }
    out.write(header(d.digest(), content.length, content.length));
    out.write(content);
    pad(content.length);
    meter.done(d.digest());
  }

  @Override
  public void copy(Descriptor d, Source content, Meter meter) throws IOException {
    if (!written.add(d.digest())) {
      meter.present(d.digest());
      return;
    }
    out.write(header(d.digest(), d.size(), d.size()));
    BlobCopy.copy(d, content, out, buffer, meter);
    pad(d.size());
    meter.done(d.digest());
  }

  @Override
  public Encoded generate(LayerPlan plan, Compression compression, int level, Meter meter) throws IOException {
    long tarSize = LayerTarWriter.size(plan);
    long maxSize = compression == Compression.NONE ? tarSize : LayerEncoder.bound(tarSize);
    Encoded e;
    if (out.seekable()) {
      e = generateInPlace(plan, compression, level, maxSize, meter);
    } else if (layersByPosition && compression == Compression.NONE) {
      e = generateByPosition(plan, tarSize, meter);
    } else if (maxSize <= HELD) {
      e = generateHeld(plan, compression, level, maxSize, meter);
    } else if (compression == Compression.NONE) {
      e = generateTwice(plan, tarSize, meter);
    } else {
      e = generateSpooled(plan, compression, level, maxSize, meter);
    }
    meter.done(e.digest());
    return e;
  }

  /**
   * Uncompressed layers on a seekable output have sizes known in advance, so each gets its own
   * range of the file, reserved one after another, and is generated and hashed there by its own
   * thread; headers are filled in once all are done.
   */
  @Override
  public java.util.List<Encoded> generateAll(
      java.util.List<LayerPlan> plans, Compression compression, int level, java.util.List<Meter> meters)
      throws IOException {
    if (plans.size() < 2 || compression != Compression.NONE || !(out instanceof FileArchiveOutput file)) {
      return BlobTarget.super.generateAll(plans, compression, level, meters);
    }
    java.util.List<java.util.concurrent.Callable<Encoded>> tasks = new java.util.ArrayList<>();
    java.util.List<Long> starts = new java.util.ArrayList<>();
    java.util.List<Long> sizes = new java.util.ArrayList<>();
    for (int i = 0; i < plans.size(); i++) {
      LayerPlan plan = plans.get(i);
      Meter meter = meters.get(i);
      long size = LayerTarWriter.size(plan);
      byte[] placeholder = header(Sha256.of(new byte[0]), size, size);
      long start = out.position();
      out.write(placeholder);
      long contentAt = file.reserve(TarHeader.padded(size));
      starts.add(start);
      sizes.add(size);
      tasks.add(() -> {
        try (FileArchiveOutput.Region region = file.region(contentAt, TarHeader.padded(size))) {
          Encoded e = new LayerEncoder(buffer.length).encode(plan, Compression.NONE, 0, region, meter);
          region.write(ZEROS, 0, (int) (TarHeader.padded(size) - size));
          // Its header is filled in only once all are done, but its bytes are in place.
          meter.done(e.digest());
          return e;
        }
      });
    }
    // Each writes a region of its own: the others finish rather than be interrupted.
    java.util.List<Encoded> results = Tasks.runAll(tasks, this.tasks, false);
    for (int i = 0; i < results.size(); i++) {
      Encoded e = results.get(i);
      if (e.size() != sizes.get(i)) {
        throw new IllegalStateException("layer tar is " + e.size() + " bytes, planned " + sizes.get(i));
      }
      // Two different plans with equal bytes would store the blob twice: harmless, and rarer than rare.
      written.add(e.digest());
      out.patch(starts.get(i), header(e.digest(), e.size(), e.size()));
    }
    return results;
  }

  private Encoded generateInPlace(LayerPlan plan, Compression compression, int level, long maxSize, Meter meter)
      throws IOException {
    long start = out.position();
    out.write(header(Sha256.of(new byte[0]), 0, maxSize));
    Encoded e = encoder.encode(plan, compression, level, out, meter);
    if (!written.add(e.digest())) {
      out.truncate(start);
    } else {
      pad(e.size());
      out.patch(start, header(e.digest(), e.size(), maxSize));
    }
    return e;
  }

  private Encoded generateByPosition(LayerPlan plan, long tarSize, Meter meter) throws IOException {
    String name = "layers/" + names.size() + ".tar";
    out.write(TarHeader.encodeBlob(name, tarSize, tarSize, mtime));
    Encoded e = encoder.encode(plan, Compression.NONE, 0, out, meter);
    if (e.size() != tarSize) {
      throw new IllegalStateException("layer tar is " + e.size() + " bytes, planned " + tarSize);
    }
    pad(e.size());
    // Equal layers are each written under their own name; the first is the one listed.
    names.putIfAbsent(e.digest(), name);
    written.add(e.digest());
    return e;
  }

  private Encoded generateHeld(LayerPlan plan, Compression compression, int level, long maxSize, Meter meter)
      throws IOException {
    java.io.ByteArrayOutputStream held = new java.io.ByteArrayOutputStream((int) Math.min(maxSize, 1 << 16));
    Encoded e = encoder.encode(plan, compression, level, held, meter);
    if (written.add(e.digest())) {
      out.write(header(e.digest(), e.size(), maxSize));
      held.writeTo(out);
      pad(e.size());
    }
    return e;
  }

  private Encoded generateTwice(LayerPlan plan, long tarSize, Meter meter) throws IOException {
    Instant started = Instant.now();
    meter.passes(2);
    Encoded first = encoder.encode(plan, Compression.NONE, 0, OutputStream.nullOutputStream(), meter);
    if (written.add(first.digest())) {
      out.write(header(first.digest(), first.size(), tarSize));
      Encoded second = encoder.encode(plan, Compression.NONE, 0, out, meter);
      if (!second.digest().equals(first.digest())) {
        throw new SourceChangedException(
            "a source of a layer changed between hashing it and writing it: the layer's digest was "
                + first.digest() + ", then " + second.digest() + modifiedSince(plan, started));
      }
      pad(second.size());
    }
    return first;
  }

  /**
   * The files of the layer modified since the write began, for the message of a failure whose cause
   * is otherwise only a digest: one stat per file, on the failure path only. A file's time comes
   * from a clock the kernel updates every few milliseconds, hence the second of slack.
   */
  private static String modifiedSince(LayerPlan plan, Instant started) {
    Instant since = started.minusSeconds(1);
    List<String> modified = new ArrayList<>();
    for (Entry e : plan.entries()) {
      if (e instanceof FileEntry f && f.source() instanceof PathSource p) {
        try {
          Instant at = Files.getLastModifiedTime(p.path()).toInstant();
          if (!at.isBefore(since)) {
            modified.add(f.path() + " (file " + p.path() + ", modified at " + at + ")");
          }
        } catch (IOException gone) {
          modified.add(f.path() + " (file " + p.path() + ", now unreadable: " + gone.getMessage() + ")");
        }
      }
    }
    return modified.isEmpty() ? "" : "; changed since the write began: " + String.join(", ", modified);
  }

  /**
   * The spool is deleted when its channel closes, and on Unix already when it is opened (the JDK
   * unlinks a DELETE_ON_CLOSE file at once), so a killed writer leaves nothing in the temporary
   * directory.
   */
  private Encoded generateSpooled(LayerPlan plan, Compression compression, int level, long maxSize, Meter meter)
      throws IOException {
    Path spool = Files.createTempFile("scratch4j-layer", ".spool");
    FileChannel channel;
    try {
      channel = FileChannel.open(spool, StandardOpenOption.READ, StandardOpenOption.WRITE,
          StandardOpenOption.DELETE_ON_CLOSE);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(spool);
      throw e;
    }
    try (channel) {
      Encoded e;
      OutputStream file = new java.io.BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
      e = encoder.encode(plan, compression, level, file, meter);
      file.flush();
      if (written.add(e.digest())) {
        out.write(header(e.digest(), e.size(), maxSize));
        channel.position(0);
        Channels.newInputStream(channel).transferTo(out);
        pad(e.size());
      }
      return e;
    }
  }

  private byte[] header(Digest digest, long size, long maxSize) {
    return TarHeader.encodeBlob(BLOBS + digest.hex(), size, maxSize, mtime);
  }

  private void pad(long size) throws IOException {
    out.write(ZEROS, 0, (int) (TarHeader.padded(size) - size));
  }
}
