package io.github.scratch4j.internal.archive;

import io.github.scratch4j.Manifest;
import io.github.scratch4j.WriteOptions;
import io.github.scratch4j.internal.exec.Threads;
import io.github.scratch4j.internal.plan.Planned;
import io.github.scratch4j.internal.io.AtomicFile;
import io.github.scratch4j.internal.io.FileArchiveOutput;
import io.github.scratch4j.internal.io.StreamArchiveOutput;
import io.github.scratch4j.internal.io.TempSiblings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;

/** Picks how planned images are written to a target. */
public final class ArchiveWriting {
  /** Copy buffer size; large enough that per-call overhead vanishes against hashing. */
  static final int BUFFER = 1 << 20;

  private ArchiveWriting() {}

  /** Writes to a path: an image layout directory or one archive file, as the options and target say. */
  public static List<Manifest> toPath(List<Planned> artifacts, Path target, WriteOptions options) throws IOException {
    WriteOptions.Format format = options.format()
        .orElse(Files.isDirectory(target) ? WriteOptions.Format.OCI_LAYOUT : WriteOptions.Format.ARCHIVE);
    if (format == WriteOptions.Format.ARCHIVE) {
      ExecutorService copier = Threads.cached("scratch4j-copy");
      try {
        return AtomicFile.write(target, channel -> {
          try (FileArchiveOutput out = new FileArchiveOutput(channel, BUFFER, copier)) {
            return new CombinedTarWriter(out, BUFFER, options).write(artifacts);
          }
        });
      } finally {
        copier.shutdown();
      }
    }
    return toLayout(artifacts, target, options);
  }

  /** Plans what is to be pushed, once the registry has answered. */
  @FunctionalInterface
  public interface Planner {
    Planned plan() throws IOException;
  }

  /**
   * Pushes an image or index to a registry, each layer generated once and sent as it is made
   * (see {@link RegistryBlobTarget}); the registry is asked first, before anything is planned.
   * Then each image's SBOM, when planned, is attached as a referrer, and the pushed manifest or
   * index is signed when the options hold a signing key.
   *
   * @return the digest of the pushed manifest or index
   */
  public static io.github.scratch4j.Digest toRegistry(
      Planner planner, io.github.scratch4j.ImageReference ref, io.github.scratch4j.RegistryOptions options)
      throws IOException {
    io.github.scratch4j.internal.registry.Pusher pusher = io.github.scratch4j.internal.registry.Pusher.open(ref, options);
    Planned artifact = planner.plan();
    ImagesWriter images = new ImagesWriter(new RegistryBlobTarget(pusher), options.layerOptions());
    io.github.scratch4j.Digest pushed;
    try {
      if (artifact instanceof io.github.scratch4j.internal.plan.PlannedImage image) {
        images.write(image);
      } else {
        images.write((io.github.scratch4j.internal.plan.PlannedIndex) artifact);
      }
      pushed = pusher.finish();
    } catch (Throwable t) {
      // A layer's upload may still be going on: nothing is sent after the push has failed.
      pusher.abandon();
      throw t;
    }
    for (ImagesWriter.Sbom sbom : images.sboms()) {
      io.github.scratch4j.internal.registry.Referrers.attach(pusher, sbom.subject(), ImagesWriter.SPDX_JSON,
          sbom.document());
    }
    if (options.signingKey().isPresent()) {
      io.github.scratch4j.internal.registry.CosignSignatures.sign(
          new io.github.scratch4j.ImageReference(ref.registry(), ref.repository(), java.util.Optional.empty(),
              java.util.Optional.of(pushed)),
          options.signingKey().get(), options);
    }
    return pushed;
  }

  /** Writes a combined archive to a stream. */
  public static List<Manifest> toStream(List<Planned> artifacts, OutputStream stream, WriteOptions options)
      throws IOException {
    if (options.format().orElse(WriteOptions.Format.ARCHIVE) != WriteOptions.Format.ARCHIVE) {
      throw new IllegalArgumentException("an image layout is a directory and cannot be written to a stream");
    }
    StreamArchiveOutput out = new StreamArchiveOutput(stream);
    List<Manifest> manifests = new CombinedTarWriter(out, BUFFER, options).write(artifacts);
    out.flush();
    return manifests;
  }

  /**
   * Writes one image for a Docker daemon to a stream: the docker-archive side only, each
   * uncompressed layer written in the pass that hashes it, so that the daemon reads it while it is
   * generated.
   */
  public static Manifest forDaemon(Planned image, OutputStream stream) throws IOException {
    StreamArchiveOutput out = new StreamArchiveOutput(stream);
    List<Manifest> manifests = new CombinedTarWriter(out, BUFFER, WriteOptions.defaults(), true).write(List.of(image));
    out.flush();
    return manifests.get(0);
  }

  /**
   * Into an existing layout, blobs are added in place (each atomically) and index.json is replaced
   * last. A new layout is built in a temporary sibling directory and renamed into place, so a failed
   * write leaves nothing behind. Stale temporary siblings of the layout are removed first.
   */
  private static List<Manifest> toLayout(List<Planned> artifacts, Path target, WriteOptions options)
      throws IOException {
    Path absolute = target.toAbsolutePath();
    Path parent = absolute.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new java.nio.file.NoSuchFileException(target.toString(), null, "the directory to write the layout in does not exist");
    }
    // Also when the layout exists: a killed write of it when it was new left a temporary sibling.
    TempSiblings.sweep(absolute);
    if (Files.isDirectory(absolute) && Files.exists(absolute.resolve("oci-layout"))) {
      return OciLayoutWriter.write(artifacts, absolute, BUFFER, options);
    }
    if (Files.exists(absolute)) {
      if (!Files.isDirectory(absolute)) {
        throw new IOException("cannot write an image layout at " + target + ": it is a file");
      }
      OciLayoutWriter.checkTarget(absolute);
    }
    // A failed write's own failure is what the caller needs; a failed clean-up only adds to it.
    try (TempSiblings.TempDirectory temp = TempSiblings.createDirectory(absolute)) {
      List<Manifest> manifests = OciLayoutWriter.write(artifacts, temp.path(), BUFFER, options);
      temp.commit(absolute);
      return manifests;
    }
  }
}
