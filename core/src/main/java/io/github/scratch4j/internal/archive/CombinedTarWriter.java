package io.github.scratch4j.internal.archive;

import io.github.scratch4j.Descriptor;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.WriteOptions;
import io.github.scratch4j.internal.Timestamps;
import io.github.scratch4j.internal.exec.Threads;
import io.github.scratch4j.internal.archive.ImagesWriter.WrittenImage;
import io.github.scratch4j.internal.archive.ImagesWriter.WrittenIndex;
import io.github.scratch4j.internal.plan.Planned;
import io.github.scratch4j.internal.plan.PlannedImage;
import io.github.scratch4j.internal.plan.PlannedIndex;
import io.github.scratch4j.internal.io.ArchiveOutput;
import io.github.scratch4j.internal.json.JsonDocuments;
import io.github.scratch4j.internal.json.JsonDocuments.DockerArchiveImage;
import io.github.scratch4j.internal.tar.TarHeader;
import io.github.scratch4j.internal.tar.TarHeader.Fields;
import io.github.scratch4j.internal.tar.TarType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes one tar that is both a docker-archive ({@code manifest.json}, as {@code docker load}
 * reads it) and an OCI image layout ({@code oci-layout}, {@code index.json}, {@code blobs/}), the
 * shape {@code docker save} of Docker 25 and later writes. Blobs come first, each written as it
 * is generated; the documents that list them come last.
 */
public final class CombinedTarWriter {
  private static final byte[] ZEROS = new byte[TarHeader.BLOCK];

  private final ArchiveOutput out;
  private final TarBlobTarget blobs;
  private final ImagesWriter images;
  private final boolean dockerOnly;
  private final long mtime = Timestamps.reproducible().getEpochSecond();

  /** Writes to {@code out}. */
  public CombinedTarWriter(ArchiveOutput out, int bufferSize, WriteOptions options) {
    this(out, bufferSize, options, false);
  }

  /**
   * Writes to {@code out}; with {@code dockerOnly} only the docker-archive side, its uncompressed
   * layers named by position and so written in one pass (see {@link TarBlobTarget}).
   */
  CombinedTarWriter(ArchiveOutput out, int bufferSize, WriteOptions options, boolean dockerOnly) {
    this.out = out;
    this.blobs = new TarBlobTarget(out, bufferSize, mtime, dockerOnly, options.executor().orElse(Threads.tasks()));
    this.images = new ImagesWriter(blobs, options);
    this.dockerOnly = dockerOnly;
  }

  /** Writes the whole archive and returns each image's manifest (an index's in order), in order. */
  public List<Manifest> write(List<Planned> artifacts) throws IOException {
    header("blobs/", TarType.DIRECTORY, 0755, 0);
    header(TarBlobTarget.BLOBS, TarType.DIRECTORY, 0755, 0);
    List<Manifest> manifests = new ArrayList<>();
    List<Descriptor> index = new ArrayList<>();
    List<DockerArchiveImage> docker = new ArrayList<>();
    Set<String> seenTags = new HashSet<>();
    for (Planned artifact : artifacts) {
      Descriptor descriptor;
      Manifest forDocker;
      if (artifact instanceof PlannedImage image) {
        WrittenImage written = images.write(image);
        manifests.add(written.manifest());
        descriptor = written.descriptor();
        forDocker = written.manifest();
      } else {
        WrittenIndex written = images.write((PlannedIndex) artifact);
        written.images().forEach(i -> manifests.add(i.manifest()));
        descriptor = written.descriptor();
        // docker load reads manifest.json, which holds one image per name: the index's first.
        forDocker = written.images().get(0).manifest();
      }
      List<String> repoTags = new ArrayList<>();
      if (artifact.tags().isEmpty()) {
        // An untagged index: listed without a name, as in a layout directory, or nothing in the
        // archive would reach its other images (manifest.json holds only the first).
        index.add(descriptor);
      }
      for (ImageReference tag : artifact.tags()) {
        String name = tag.familiarName();
        if (!seenTags.add(name)) {
          throw new IllegalArgumentException("the tag " + name + " is given to two images of one archive");
        }
        // The full name, as podman save writes it: docker load shows it as the familiar one, and
        // podman 4.3, which reads an archive of several images through manifest.json, otherwise
        // takes a short name as localhost/<name>.
        repoTags.add(tag.fullName());
        index.add(descriptor.withAnnotations(OciNames.annotations(tag)));
      }
      docker.add(new DockerArchiveImage(
          blobs.name(forDocker.config().digest()),
          repoTags,
          forDocker.layers().stream().map(d -> blobs.name(d.digest())).toList()));
    }
    if (!dockerOnly) {
      index.addAll(images.writeSbomReferrers());
      file("index.json", JsonDocuments.index(MediaType.OCI_INDEX, index, Map.of()));
    }
    file("manifest.json", JsonDocuments.dockerArchiveManifest(docker));
    if (!dockerOnly) {
      file("oci-layout", JsonDocuments.ociLayout());
    }
    out.write(new byte[2 * TarHeader.BLOCK]);
    out.flush();
    return manifests;
  }

  private void file(String name, byte[] content) throws IOException {
    header(name, TarType.FILE, 0644, content.length);
    out.write(content);
    out.write(ZEROS, 0, (int) (TarHeader.padded(content.length) - content.length));
  }

  private void header(String name, TarType type, int mode, long size) throws IOException {
    out.write(TarHeader.encode(new Fields(name, type, mode, 0, 0, size, mtime, "", 0, 0)));
  }
}
