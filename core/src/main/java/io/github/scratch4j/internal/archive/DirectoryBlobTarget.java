package io.github.scratch4j.internal.archive;

import io.github.scratch4j.Compression;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Source;
import io.github.scratch4j.internal.archive.LayerEncoder.Encoded;
import io.github.scratch4j.internal.archive.WriteProgress.Meter;
import io.github.scratch4j.internal.io.TempSiblings;
import io.github.scratch4j.internal.layer.LayerPlan;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Blobs as files {@code blobs/sha256/<hex>} of an image layout directory. Each is written to a
 * temporary file beside it and renamed to its digest once complete, so a blob file is either whole
 * or absent, and a blob already present is not written again. The temporary files are
 * {@link TempSiblings} of a target named {@value #BLOB}, so a later write into the same layout
 * removes those a killed writer left.
 */
final class DirectoryBlobTarget implements BlobTarget {
  /** The name the temporary files of blobs, whose names are known only once written, are made for. */
  static final String BLOB = "blob";

  private final Path blobs;
  private final LayerEncoder encoder;
  private final byte[] buffer;
  /** Where layers are generated side by side. */
  private final java.util.concurrent.Executor tasks;

  DirectoryBlobTarget(Path layout, int bufferSize, java.util.concurrent.Executor tasks) throws IOException {
    this.tasks = tasks;
    this.blobs = Files.createDirectories(layout.resolve("blobs").resolve("sha256"));
    this.encoder = new LayerEncoder(bufferSize);
    this.buffer = new byte[bufferSize];
    TempSiblings.sweep(blobs, BLOB);
  }

  @Override
  public void write(Descriptor d, byte[] content, Meter meter) throws IOException {
    if (Files.exists(blobs.resolve(d.digest().hex()))) {
      meter.present(d.digest());
      return;
    }
    try (TempSiblings.TempFile temp = temp()) {
      temp.write(content);
      commit(temp, d.digest().hex());
    }
    meter.done(d.digest());
  }

  @Override
  public void copy(Descriptor d, Source content, Meter meter) throws IOException {
    if (Files.exists(blobs.resolve(d.digest().hex()))) {
      meter.present(d.digest());
      return;
    }
    try (TempSiblings.TempFile temp = temp()) {
      BlobCopy.copy(d, content, temp.output(), buffer, meter);
      commit(temp, d.digest().hex());
    }
    meter.done(d.digest());
  }

  @Override
  public Encoded generate(LayerPlan plan, Compression compression, int level, Meter meter) throws IOException {
    return generateWith(encoder, plan, compression, level, meter);
  }

  private Encoded generateWith(LayerEncoder encoder, LayerPlan plan, Compression compression, int level, Meter meter)
      throws IOException {
    Encoded e;
    try (TempSiblings.TempFile temp = temp()) {
      try (OutputStream out = new java.io.BufferedOutputStream(temp.output(), 1 << 16)) {
        e = encoder.encode(plan, compression, level, out, meter);
      }
      commit(temp, e.digest().hex());
    }
    meter.done(e.digest());
    return e;
  }

  /** Each layer goes to its own temporary file, so they are generated side by side. */
  @Override
  public java.util.List<Encoded> generateAll(
      java.util.List<LayerPlan> plans, Compression compression, int level, java.util.List<Meter> meters)
      throws IOException {
    if (plans.size() < 2) {
      return BlobTarget.super.generateAll(plans, compression, level, meters);
    }
    java.util.List<java.util.concurrent.Callable<Encoded>> tasks = new java.util.ArrayList<>();
    for (int i = 0; i < plans.size(); i++) {
      LayerPlan plan = plans.get(i);
      Meter meter = meters.get(i);
      tasks.add(() -> generateWith(new LayerEncoder(buffer.length), plan, compression, level, meter));
    }
    // Each writes a file of its own: the others finish rather than be interrupted.
    return io.github.scratch4j.internal.exec.Tasks.runAll(tasks, this.tasks, false);
  }

  private TempSiblings.TempFile temp() throws IOException {
    return TempSiblings.createFile(blobs, BLOB);
  }

  private void commit(TempSiblings.TempFile temp, String hex) throws IOException {
    Path target = blobs.resolve(hex);
    temp.commitUnlessPresent(target);
    // Blobs are content: readable by all, like files written by other OCI tools.
    if (target.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    }
  }
}
