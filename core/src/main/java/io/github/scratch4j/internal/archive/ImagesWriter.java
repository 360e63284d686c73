package io.github.scratch4j.internal.archive;

import io.github.scratch4j.Compression;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.Layer;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.WriteOptions;
import io.github.scratch4j.internal.archive.LayerEncoder.Encoded;
import io.github.scratch4j.internal.plan.PlannedImage;
import io.github.scratch4j.internal.plan.PlannedIndex;
import io.github.scratch4j.internal.plan.PlannedLayer;
import io.github.scratch4j.internal.compress.Codecs;
import io.github.scratch4j.internal.compress.LayerMediaTypes;
import io.github.scratch4j.internal.io.Sha256;
import io.github.scratch4j.internal.json.JsonDocuments;
import io.github.scratch4j.internal.json.ReferrerJson;
import io.github.scratch4j.internal.layer.LayerPlan;
import io.github.scratch4j.internal.layer.LayerTarWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes images and indexes as blobs, whatever the target: layers first, then each image's
 * configuration and manifest, then an index's own document. Equal layers are written once.
 */
final class ImagesWriter {
  private final BlobTarget target;
  private final Compression compression;
  private final int level;
  private final WriteProgress progress;
  private final Map<LayerPlan, Encoded> generated = new HashMap<>();
  private final List<Sbom> sboms = new ArrayList<>();

  /** An image as written. */
  record WrittenImage(Manifest manifest, Descriptor descriptor) {}

  /** An index as written. */
  record WrittenIndex(Descriptor descriptor, List<WrittenImage> images) {}

  /** An SBOM to store as a referrer of the image manifest {@code subject} (without its platform). */
  record Sbom(Descriptor subject, byte[] document) {}

  /** The media type and artifact type of an SPDX JSON document (SPDX 2.3, annex on media types). */
  static final String SPDX_JSON = "application/spdx+json";

  ImagesWriter(BlobTarget target, WriteOptions options) {
    JsonDocuments.prepareInBackground();
    this.target = target;
    this.compression = options.compression();
    this.level = options.level().orElse(
        options.compression() == Compression.ZSTD ? Codecs.ZSTD_DEFAULT_LEVEL : Codecs.GZIP_DEFAULT_LEVEL);
    this.progress = new WriteProgress(options.progress());
  }

  /** A meter for a layer to generate: its size is its tar's, known from the plan. */
  private WriteProgress.Meter layerMeter(LayerPlan plan) {
    // Sizing a plan walks its entries: only done for a listener.
    return progress.start(LayerMediaTypes.oci(compression), progress.listening() ? LayerTarWriter.size(plan) : 0);
  }

  WrittenImage write(PlannedImage image) throws IOException {
    List<LayerPlan> pending = new ArrayList<>();
    for (PlannedLayer layer : image.layers()) {
      if (layer instanceof PlannedLayer.Generated g && !generated.containsKey(g.plan()) && !pending.contains(g.plan())) {
        pending.add(g.plan());
      }
    }
    List<Encoded> done = target.generateAll(
        pending, compression, level, pending.stream().map(this::layerMeter).toList());
    for (int i = 0; i < pending.size(); i++) {
      generated.put(pending.get(i), done.get(i));
    }
    List<Digest> diffIds = new ArrayList<>();
    Manifest.Builder manifest = Manifest.builder();
    for (PlannedLayer layer : image.layers()) {
      if (layer instanceof PlannedLayer.Stored s) {
        Layer stored = s.layer();
        Descriptor blob = stored.blob().orElseThrow();
        // Docker media types name the same bytes as their OCI counterparts.
        String mediaType = LayerMediaTypes.toOci(blob.mediaType());
        target.copy(blob, stored.blobContent().orElseThrow(), progress.start(mediaType, blob.size(), blob.digest()));
        diffIds.add(stored.diffId().orElseThrow());
        manifest.addLayer(new Descriptor(
            mediaType, blob.digest(), blob.size(), blob.annotations(), java.util.Optional.empty()));
      } else {
        LayerPlan plan = ((PlannedLayer.Generated) layer).plan();
        Encoded e = generated.get(plan);
        if (e == null) {
          e = target.generate(plan, compression, level, layerMeter(plan));
          generated.put(plan, e);
        }
        diffIds.add(e.diffId());
        manifest.addLayer(Descriptor.of(LayerMediaTypes.oci(compression), e.digest(), e.size()));
      }
    }
    byte[] config = JsonDocuments.config(
        image.config(), image.platform(), image.created(), diffIds, image.history());
    Descriptor configDescriptor = Descriptor.of(MediaType.OCI_CONFIG, Sha256.of(config), config.length);
    target.write(configDescriptor, config, start(configDescriptor));
    Manifest m = manifest.config(configDescriptor).build();
    byte[] json = m.toJson();
    Descriptor descriptor = Descriptor.of(m.mediaType(), Sha256.of(json), json.length).withPlatform(image.platform());
    target.write(descriptor, json, start(descriptor));
    image.sbom().ifPresent(doc -> sboms.add(
        new Sbom(Descriptor.of(descriptor.mediaType(), descriptor.digest(), descriptor.size()), doc)));
    return new WrittenImage(m, descriptor);
  }

  /** The SBOMs of the images written so far that asked for one, in order. */
  List<Sbom> sboms() {
    return List.copyOf(sboms);
  }

  /**
   * Writes each SBOM asked for as an OCI 1.1 referrer of its image's manifest (image-spec 1.1,
   * manifest.md, "Guidelines for Artifact Usage"): the empty config, the document, and an artifact
   * manifest whose {@code subject} is the image's.
   *
   * @return the referrer manifests' descriptors with their artifact type, for the index to list
   */
  List<Descriptor> writeSbomReferrers() throws IOException {
    List<Descriptor> out = new ArrayList<>();
    Descriptor empty = Descriptor.of(ReferrerJson.EMPTY_TYPE, Sha256.of(ReferrerJson.EMPTY), ReferrerJson.EMPTY.length);
    for (Sbom sbom : sboms) {
      Descriptor layer = Descriptor.of(SPDX_JSON, Sha256.of(sbom.document()), sbom.document().length);
      byte[] manifest = ReferrerJson.manifest(SPDX_JSON, empty, layer, sbom.subject());
      Descriptor referrer = Descriptor.of(MediaType.OCI_MANIFEST, Sha256.of(manifest), manifest.length)
          .withArtifactType(SPDX_JSON);
      target.write(empty, ReferrerJson.EMPTY, start(empty));
      target.write(layer, sbom.document(), start(layer));
      target.write(referrer, manifest, start(referrer));
      if (!out.contains(referrer)) {
        out.add(referrer);
      }
    }
    return out;
  }

  WrittenIndex write(PlannedIndex index) throws IOException {
    List<WrittenImage> images = new ArrayList<>();
    for (PlannedImage image : index.images()) {
      images.add(write(image));
    }
    byte[] json = JsonDocuments.index(
        MediaType.OCI_INDEX, images.stream().map(WrittenImage::descriptor).toList(), Map.of());
    Descriptor descriptor = Descriptor.of(MediaType.OCI_INDEX, Sha256.of(json), json.length);
    target.write(descriptor, json, start(descriptor));
    return new WrittenIndex(descriptor, images);
  }

  private WriteProgress.Meter start(Descriptor d) {
    return progress.start(d.mediaType(), d.size(), d.digest());
  }
}
