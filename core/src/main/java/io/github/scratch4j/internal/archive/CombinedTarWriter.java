package io.github.scratch4j.internal.archive;

import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.SourceChangedException;
import io.github.scratch4j.internal.Timestamps;
import io.github.scratch4j.internal.build.PlannedImage;
import io.github.scratch4j.internal.io.ArchiveOutput;
import io.github.scratch4j.internal.io.HashingOutputStream;
import io.github.scratch4j.internal.io.Sha256;
import io.github.scratch4j.internal.json.JsonDocuments;
import io.github.scratch4j.internal.json.JsonDocuments.DockerArchiveImage;
import io.github.scratch4j.internal.layer.LayerPlan;
import io.github.scratch4j.internal.layer.LayerTarWriter;
import io.github.scratch4j.internal.tar.TarHeader;
import io.github.scratch4j.internal.tar.TarHeader.Fields;
import io.github.scratch4j.internal.tar.TarHeader.Type;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes one tar that is both a docker-archive ({@code manifest.json}, as {@code docker load}
 * reads it) and an OCI image layout ({@code oci-layout}, {@code index.json}, {@code blobs/}), the
 * shape {@code docker save} of Docker 25 and later writes.
 *
 * <p>Blobs come first, each written as it is generated. On a seekable output a blob's tar header
 * is written as a placeholder and filled in with the digest once the blob is done; on a stream the
 * blob is generated twice, first only to hash it.
 */
public final class CombinedTarWriter {
  static final String BLOBS = "blobs/sha256/";
  /** Annotation Docker and containerd put on an index entry for the full image name. */
  static final String CONTAINERD_NAME = "io.containerd.image.name";
  /** OCI image-spec annotations.md: the tag in an image layout's index. */
  static final String REF_NAME = "org.opencontainers.image.ref.name";
  private static final byte[] ZEROS = new byte[TarHeader.BLOCK];

  private final ArchiveOutput out;
  private final LayerTarWriter layerWriter;
  private final long mtime = Timestamps.reproducible().getEpochSecond();
  private final Set<Digest> written = new HashSet<>();
  private final Map<LayerPlan, LayerBlob> layerCache = new HashMap<>();

  /** A layer as stored: its blob descriptor and its diff_id. */
  record LayerBlob(Descriptor descriptor, Digest diffId) {}

  /** Writes to {@code out}. */
  public CombinedTarWriter(ArchiveOutput out, int bufferSize) {
    this.out = out;
    this.layerWriter = new LayerTarWriter(bufferSize);
  }

  /** Writes the whole archive and returns each image's manifest, in order. */
  public List<Manifest> write(List<PlannedImage> images) throws IOException {
    header("blobs/", Type.DIRECTORY, 0755, 0);
    header(BLOBS, Type.DIRECTORY, 0755, 0);
    List<Manifest> manifests = new ArrayList<>();
    List<Descriptor> index = new ArrayList<>();
    List<DockerArchiveImage> docker = new ArrayList<>();
    Map<String, String> seenTags = new LinkedHashMap<>();
    for (PlannedImage image : images) {
      List<Digest> diffIds = new ArrayList<>();
      Manifest.Builder manifest = Manifest.builder();
      for (LayerPlan plan : image.layers()) {
        LayerBlob blob = layerCache.get(plan);
        if (blob == null) {
          blob = writeLayer(plan);
          layerCache.put(plan, blob);
        }
        diffIds.add(blob.diffId());
        manifest.addLayer(blob.descriptor());
      }
      byte[] config = JsonDocuments.config(
          image.config(), image.platform(), image.created(), diffIds, image.history());
      manifest.config(writeBlob(MediaType.OCI_CONFIG, config));
      Manifest m = manifest.build();
      Descriptor manifestDescriptor = writeBlob(m.mediaType(), m.toJson());
      manifests.add(m);
      List<String> repoTags = new ArrayList<>();
      for (ImageReference tag : image.tags()) {
        String name = tag.familiarName();
        if (seenTags.putIfAbsent(name, name) != null) {
          throw new IllegalArgumentException("the tag " + name + " is given to two images of one archive");
        }
        repoTags.add(name);
        index.add(manifestDescriptor
            .withAnnotations(Map.of(CONTAINERD_NAME, tag.fullName(), REF_NAME, tag.tagOrLatest()))
            .withPlatform(image.platform()));
      }
      docker.add(new DockerArchiveImage(
          BLOBS + m.config().digest().hex(),
          repoTags,
          m.layers().stream().map(d -> BLOBS + d.digest().hex()).toList()));
    }
    file("index.json", JsonDocuments.index(MediaType.OCI_INDEX, index, Map.of()));
    file("manifest.json", JsonDocuments.dockerArchiveManifest(docker));
    file("oci-layout", JsonDocuments.ociLayout());
    out.write(new byte[2 * TarHeader.BLOCK]);
    out.flush();
    return manifests;
  }

  private LayerBlob writeLayer(LayerPlan plan) throws IOException {
    long expectedSize = LayerTarWriter.size(plan);
    if (out.seekable()) {
      long start = out.position();
      byte[] placeholder = blobHeader(Sha256.of(new byte[0]), expectedSize);
      out.write(placeholder);
      HashingOutputStream hashing = new HashingOutputStream(out);
      layerWriter.write(plan, hashing);
      Digest digest = hashing.digest();
      checkSize(expectedSize, hashing.count());
      if (!written.add(digest)) {
        out.truncate(start);
      } else {
        pad(hashing.count());
        out.patch(start, blobHeader(digest, expectedSize));
      }
      return new LayerBlob(Descriptor.of(MediaType.OCI_LAYER, digest, expectedSize), digest);
    }
    HashingOutputStream first = HashingOutputStream.discarding();
    layerWriter.write(plan, first);
    Digest digest = first.digest();
    checkSize(expectedSize, first.count());
    if (written.add(digest)) {
      out.write(blobHeader(digest, expectedSize));
      HashingOutputStream second = new HashingOutputStream(out);
      layerWriter.write(plan, second);
      Digest again = second.digest();
      if (!again.equals(digest)) {
        throw new SourceChangedException(
            "a source of a layer changed between hashing it and writing it: the layer's digest was "
                + digest + ", then " + again);
      }
      pad(second.count());
    }
    return new LayerBlob(Descriptor.of(MediaType.OCI_LAYER, digest, expectedSize), digest);
  }

  private static void checkSize(long expected, long actual) {
    if (expected != actual) {
      throw new IllegalStateException("layer tar is " + actual + " bytes, planned " + expected);
    }
  }

  private Descriptor writeBlob(String mediaType, byte[] content) throws IOException {
    Digest digest = Sha256.of(content);
    if (written.add(digest)) {
      out.write(blobHeader(digest, content.length));
      out.write(content);
      pad(content.length);
    }
    return Descriptor.of(mediaType, digest, content.length);
  }

  private byte[] blobHeader(Digest digest, long size) {
    return TarHeader.encode(new Fields(BLOBS + digest.hex(), Type.FILE, 0644, 0, 0, size, mtime, "", 0, 0));
  }

  private void file(String name, byte[] content) throws IOException {
    header(name, Type.FILE, 0644, content.length);
    out.write(content);
    pad(content.length);
  }

  private void header(String name, Type type, int mode, long size) throws IOException {
    out.write(TarHeader.encode(new Fields(name, type, mode, 0, 0, size, mtime, "", 0, 0)));
  }

  private void pad(long size) throws IOException {
    out.write(ZEROS, 0, (int) (TarHeader.padded(size) - size));
  }
}
