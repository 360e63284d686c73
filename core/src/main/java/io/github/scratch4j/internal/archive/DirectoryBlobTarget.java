package io.github.scratch4j.internal.archive;

import io.github.scratch4j.Compression;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Source;
import io.github.scratch4j.internal.archive.LayerEncoder.Encoded;
import io.github.scratch4j.internal.layer.LayerPlan;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Blobs as files {@code blobs/sha256/<hex>} of an image layout directory. Each is written to a
 * temporary file beside it and renamed to its digest once complete, so a blob file is either whole
 * or absent, and a blob already present is not written again.
 */
final class DirectoryBlobTarget implements BlobTarget {
  private final Path blobs;
  private final LayerEncoder encoder;
  private final byte[] buffer;

  DirectoryBlobTarget(Path layout, int bufferSize) throws IOException {
    this.blobs = Files.createDirectories(layout.resolve("blobs").resolve("sha256"));
    this.encoder = new LayerEncoder(bufferSize);
    this.buffer = new byte[bufferSize];
  }

  @Override
  public void write(Descriptor d, byte[] content) throws IOException {
    if (!Files.exists(blobs.resolve(d.digest().hex()))) {
      Path temp = temp();
      try {
        Files.write(temp, content, StandardOpenOption.TRUNCATE_EXISTING);
        commit(temp, d.digest().hex());
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }

  @Override
  public void copy(Descriptor d, Source content) throws IOException {
    if (!Files.exists(blobs.resolve(d.digest().hex()))) {
      Path temp = temp();
      try {
        try (OutputStream out = Files.newOutputStream(temp)) {
          BlobCopy.copy(d, content, out, buffer);
        }
        commit(temp, d.digest().hex());
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }

  @Override
  public Encoded generate(LayerPlan plan, Compression compression, int level) throws IOException {
    return generateWith(encoder, plan, compression, level);
  }

  private Encoded generateWith(LayerEncoder encoder, LayerPlan plan, Compression compression, int level)
      throws IOException {
    Path temp = temp();
    try {
      Encoded e;
      try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
        e = encoder.encode(plan, compression, level, out);
      }
      commit(temp, e.digest().hex());
      return e;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Each layer goes to its own temporary file, so they are generated side by side. */
  @Override
  public java.util.List<Encoded> generateAll(java.util.List<LayerPlan> plans, Compression compression, int level)
      throws IOException {
    if (plans.size() < 2) {
      return BlobTarget.super.generateAll(plans, compression, level);
    }
    java.util.List<java.util.concurrent.Callable<Encoded>> tasks = new java.util.ArrayList<>();
    for (LayerPlan plan : plans) {
      tasks.add(() -> generateWith(new LayerEncoder(buffer.length), plan, compression, level));
    }
    return Concurrently.run(tasks);
  }

  private Path temp() throws IOException {
    return Files.createTempFile(blobs, ".tmp-", ".blob");
  }

  private void commit(Path temp, String hex) throws IOException {
    Path target = blobs.resolve(hex);
    if (Files.exists(target)) {
      return;
    }
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target);
    }
    // Blobs are content: readable by all, like files written by other OCI tools.
    if (target.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    }
  }
}
