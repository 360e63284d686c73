package io.github.scratch4j.internal.read;

import io.github.scratch4j.Compression;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.DigestMismatchException;
import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.InvalidReferenceException;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.internal.compress.FileCompression;
import io.github.scratch4j.internal.compress.LayerMediaTypes;
import io.github.scratch4j.ReadOptions;
import io.github.scratch4j.Source;
import io.github.scratch4j.internal.layer.LayerListing;
import io.github.scratch4j.internal.layer.StoredLayerEntries;
import io.github.scratch4j.internal.source.DerivedSource;
import io.github.scratch4j.internal.source.Stored;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads images from an archive tar, an image layout directory or a root file system tarball,
 * checking every blob against its descriptor and every layer against its diff_id. Returns values
 * ({@link ReadImage}, {@link ReadIndex}); the public model is made from them by its own classes.
 */
public final class ArchiveReader {
  private static final String CONTAINERD_NAME = "io.containerd.image.name";
  private static final String REF_NAME = "org.opencontainers.image.ref.name";

  /** Finds blobs by digest, checked against the descriptor that names them. */
  interface Blobs {
    /** The blob, read. */
    BlobFile get(Descriptor d, String referencedBy) throws IOException;

    /** The blob, decompressed and listed as a layer. */
    default BlobFile layer(Descriptor d, String referencedBy) throws IOException {
      return get(d, referencedBy);
    }
  }

  private ArchiveReader() {}

  /** Reads every image and index in {@code source}, as {@code Archive.read} documents it. */
  public static List<ReadArtifact> read(Path source, ReadOptions options) throws IOException {
    if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
      throw new NoSuchFileException(source.toString(), null, "no archive or image layout there");
    }
    ReadBudget budget = new ReadBudget(options);
    try {
      if (Files.isDirectory(source)) {
        return LayoutDirectory.read(source, budget);
      }
      return read(Stored.file(source), budget);
    } catch (IllegalArgumentException | IllegalStateException e) {
      // Whatever the model refuses here came from the input: say so as bad input, not a caller's mistake.
      throw new ImageFormatException(source + ": " + e.getMessage(), e);
    }
  }

  /** Reads every image and index of an archive tar that is not a file: bytes, or a spooled stream. */
  public static List<ReadArtifact> read(Stored source, ReadOptions options) throws IOException {
    ReadBudget budget = new ReadBudget(options);
    try {
      return read(source, budget);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ImageFormatException(source + ": " + e.getMessage(), e);
    }
  }

  private static List<ReadArtifact> read(Stored source, ReadBudget budget) throws IOException {
    ArchiveScan scan = ArchiveScan.of(source, budget);
    List<Descriptor> listed = scan.has("index.json")
        ? Documents.index(ArchiveScan.content(scan.regular("index.json", source.toString())), source + " index.json")
        : List.of();
    // Docker 25's docker save of an untagged image writes "manifests": null in index.json and
    // the image in manifest.json only.
    if (scan.has("index.json") && (!listed.isEmpty() || !scan.has("manifest.json"))) {
      return fromIndex(listed, new Blobs() {
        @Override
        public BlobFile get(Descriptor d, String referencedBy) throws IOException {
          return check(scan.regular(blobName(d), referencedBy), d, source.toString());
        }

        @Override
        public BlobFile layer(Descriptor d, String referencedBy) throws IOException {
          return check(scan.layer(blobName(d), referencedBy), d, source.toString());
        }
      }, source.toString(), budget);
    }
    if (scan.has("manifest.json")) {
      return fromDockerManifest(scan);
    }
    if (LegacyDockerArchive.recognizes(scan)) {
      return LegacyDockerArchive.read(scan);
    }
    return List.of(fromRootFileSystem(scan));
  }

  private static String blobName(Descriptor d) {
    return "blobs/" + d.digest().algorithm() + "/" + d.digest().hex();
  }

  /** Checks a blob's size and digest against its descriptor. */
  static BlobFile check(BlobFile f, Descriptor d, String where) throws DigestMismatchException {
    // A blob an archive holds as a link was read from the link's target: say which.
    String blob = "blob " + d.digest() + " in " + where
        + (f.name().endsWith(blobName(d)) ? "" : " (a link to '" + ArchivePaths.printable(f.name()) + "')");
    if (f.size() != d.size()) {
      throw new DigestMismatchException(blob + " is " + f.size() + " bytes; its descriptor says " + d.size());
    }
    if (!d.digest().algorithm().equals("sha256")) {
      throw new DigestMismatchException(blob + ": only sha256 digests are checked");
    }
    if (!f.digest().equals(d.digest())) {
      throw new DigestMismatchException(blob + " has digest " + f.digest() + " instead");
    }
    return f;
  }

  /** The images and indexes an OCI index lists, with the names its annotations give. */
  static List<ReadArtifact> fromIndex(List<Descriptor> descriptors, Blobs blobs, String where, ReadBudget budget)
      throws IOException {
    Map<Digest, Descriptor> byDigest = new LinkedHashMap<>();
    Map<Digest, List<ImageReference>> names = new LinkedHashMap<>();
    for (Descriptor d : descriptors) {
      byDigest.putIfAbsent(d.digest(), d);
      List<ImageReference> tags = names.computeIfAbsent(d.digest(), k -> new ArrayList<>());
      name(d).filter(t -> !tags.contains(t)).ifPresent(tags::add);
    }
    List<ReadArtifact> out = new ArrayList<>();
    List<String> artifacts = new ArrayList<>();
    for (Descriptor d : byDigest.values()) {
      String what = where + " index.json entry " + d.digest();
      List<ImageReference> tags = names.get(d.digest());
      switch (d.mediaType()) {
        case MediaType.OCI_MANIFEST, MediaType.DOCKER_MANIFEST -> {
          if (isAttestation(d) || d.artifactType().isPresent()) {
            artifacts.add(d.digest() + " (" + d.artifactType().map(t -> "artifactType " + t).orElse("an attestation")
                + ")");
            continue;
          }
          imageUnlessArtifact(d, blobs, what, budget, tags, artifacts).ifPresent(out::add);
        }
        case MediaType.OCI_INDEX, MediaType.DOCKER_MANIFEST_LIST -> {
          BlobFile f = blobs.get(d, what);
          List<ReadImage> images = new ArrayList<>();
          for (Descriptor m : Documents.index(ArchiveScan.content(f), "image index " + d.digest())) {
            if ((m.mediaType().equals(MediaType.OCI_MANIFEST) || m.mediaType().equals(MediaType.DOCKER_MANIFEST))
                && !isAttestation(m) && m.artifactType().isEmpty()) {
              imageUnlessArtifact(m, blobs, "image index " + d.digest(), budget, List.of(), new ArrayList<>())
                  .ifPresent(images::add);
            }
          }
          if (images.isEmpty()) {
            throw new ImageFormatException("image index " + d.digest() + " in " + where + " lists no image manifest");
          }
          out.add(new ReadIndex(images, tags));
        }
        default -> {
          // Documents.index leaves out what is neither (OCI image-spec, image-index.md).
        }
      }
    }
    if (out.isEmpty() && !artifacts.isEmpty()) {
      throw new ImageFormatException(
          where + " lists no container image, only artifacts: " + String.join("; ", artifacts));
    }
    return out;
  }

  /**
   * The image a manifest describes, or empty when it describes an artifact that refers to or sits
   * beside images (an SBOM, a signature; see {@link Documents#artifact}), which a layout's
   * {@code index.json} may list as well (OCI image-spec 1.1, image-layout.md and manifest.md); the
   * artifact is then described in {@code skipped}.
   */
  private static Optional<ReadImage> imageUnlessArtifact(Descriptor d, Blobs blobs, String where, ReadBudget budget,
      List<ImageReference> tags, List<String> skipped) throws IOException {
    // Read (and its digest checked) once, for both questions.
    byte[] manifestJson = ArchiveScan.content(blobs.get(d, where));
    Optional<String> artifact = Documents.artifact(manifestJson, "manifest " + d.digest());
    if (artifact.isPresent()) {
      skipped.add(d.digest() + " (" + artifact.get() + ")");
      return Optional.empty();
    }
    return Optional.of(image(d, manifestJson, blobs, budget, tags));
  }

  /**
   * Whether an index entry is the attestation manifest (provenance, SBOM) BuildKit puts beside
   * each image: an OCI manifest, but of in-toto documents for the platform unknown/unknown, not
   * an image (Docker's "Attestation storage" documentation, vnd.docker.reference.type).
   */
  private static boolean isAttestation(Descriptor d) {
    return "attestation-manifest".equals(d.annotations().get("vnd.docker.reference.type"));
  }

  /**
   * The name an index entry's annotations give: containerd's full name, else a full OCI ref.name;
   * in the form a tag given by hand has ({@code hello:latest} for {@code docker.io/library/hello:latest}).
   */
  private static Optional<ImageReference> name(Descriptor d) {
    for (String key : new String[] {CONTAINERD_NAME, REF_NAME}) {
      String value = d.annotations().get(key);
      if (value != null && (value.contains(":") || value.contains("/"))) {
        try {
          ImageReference r = ImageReference.parse(value);
          if (r.digest().isEmpty()) {
            return Optional.of(ImageReference.parse(r.familiarName()));
          }
        } catch (InvalidReferenceException e) {
          // Not a full name: an OCI ref.name may be a bare tag, which names no repository.
        }
      }
    }
    return Optional.empty();
  }

  /** The image a manifest describes, with the given names; its blobs checked as they are read. */
  static ReadImage image(Descriptor d, Blobs blobs, String where, ReadBudget budget, List<ImageReference> tags)
      throws IOException {
    return image(d, ArchiveScan.content(blobs.get(d, where)), blobs, budget, tags);
  }

  /** The image a manifest already read describes, with the given names. */
  private static ReadImage image(Descriptor d, byte[] manifestJson, Blobs blobs, ReadBudget budget,
      List<ImageReference> tags) throws IOException {
    String what = "manifest " + d.digest();
    Manifest manifest = Documents.manifest(manifestJson, what);
    BlobFile configFile = blobs.get(manifest.config(), what + " config");
    Documents.Config config = Documents.config(ArchiveScan.content(configFile), "config " + manifest.config().digest());
    if (config.diffIds().size() != manifest.layers().size()) {
      throw new ImageFormatException(what + " lists " + manifest.layers().size() + " layers but its config has "
          + config.diffIds().size() + " diff_ids");
    }
    List<ReadLayer> layers = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < manifest.layers().size(); i++) {
      Descriptor layer = manifest.layers().get(i);
      Optional<Compression> compression = LayerMediaTypes.compression(layer.mediaType());
      if (compression.isEmpty()) {
        throw new ImageFormatException(what + " layer " + i + " has media type " + layer.mediaType()
            + ", which is not a layer type scratch4j reads");
      }
      BlobFile f = blobs.layer(layer, what + " layer " + i);
      total = checkImageSize(total, f, what, budget);
      layers.add(layer(f, layer, compression.get(), config.diffIds().get(i), what + " layer " + i, budget));
    }
    return new ReadImage(layers, config.config(), tags);
  }

  /** Adds a layer's uncompressed size to its image's, refusing an image larger than the options allow. */
  static long checkImageSize(long total, BlobFile f, String what, ReadBudget budget)
      throws ImageFormatException {
    long sum = total + f.uncompressedSize();
    if (sum < 0 || sum > budget.options().maxImageSize()) {
      throw new ImageFormatException(what + ": its layers hold more than " + budget.options().maxImageSize()
          + " bytes uncompressed, the most one image may hold (ReadOptions.maxImageSize)");
    }
    return sum;
  }

  /** A stored layer, after checking its diff_id, with the entries its blob's headers describe. */
  static ReadLayer layer(BlobFile f, Descriptor d, Compression declared, Digest diffId, String what, ReadBudget budget)
      throws IOException {
    if (f.compression() != declared) {
      throw new ImageFormatException(what + " (" + d.digest() + ") is declared " + d.mediaType()
          + " but its content is " + f.compression().name().toLowerCase(java.util.Locale.ROOT));
    }
    if (!f.diffId().equals(diffId)) {
      throw new DigestMismatchException(what + " (" + d.digest() + ") uncompresses to " + f.diffId()
          + " but the config's diff_id is " + diffId);
    }
    LayerListing listing = f.listing().orElseThrow(() -> new IllegalStateException(f.name() + " was not listed"));
    String named = what + " (" + d.digest() + ")";
    List<io.github.scratch4j.Entry> entries;
    try {
      entries = budget.entries(listing, () -> StoredLayerEntries.of(listing.headers(), f.compression(), f.source(),
          named));
    } catch (ImageFormatException e) {
      throw e.getMessage().startsWith(named) ? e : new ImageFormatException(named + " is not a valid layer: "
          + e.getMessage(), e);
    }
    return new ReadLayer(d, diffId, f.source(), entries);
  }

  private static List<ReadArtifact> fromDockerManifest(ArchiveScan scan) throws IOException {
    String where = scan.file + " manifest.json";
    List<ReadArtifact> out = new ArrayList<>();
    int n = 0;
    for (Documents.DockerEntry e : Documents.dockerManifest(
        ArchiveScan.content(scan.regular("manifest.json", scan.file.toString())), where)) {
      String what = where + "[" + n++ + "]";
      BlobFile configFile = scan.regular(e.config(), what + " Config");
      Documents.Config config = Documents.config(ArchiveScan.content(configFile), "config " + e.config());
      if (config.diffIds().size() != e.layers().size()) {
        throw new ImageFormatException(what + " lists " + e.layers().size() + " layers but its config has "
            + config.diffIds().size() + " diff_ids");
      }
      List<ReadLayer> layers = new ArrayList<>();
      long total = 0;
      for (int i = 0; i < e.layers().size(); i++) {
        BlobFile f = scan.layer(e.layers().get(i), what + " Layers[" + i + "]");
        total = checkImageSize(total, f, what, scan.budget);
        Descriptor d = Descriptor.of(LayerMediaTypes.oci(f.compression()), f.digest(), f.size());
        layers.add(layer(f, d, f.compression(), config.diffIds().get(i), what + " Layers[" + i + "]",
            scan.budget));
      }
      out.add(new ReadImage(layers, config.config(), tags(e.repoTags(), what + " RepoTags")));
    }
    return out;
  }

  /**
   * Names an archive gives as text, each once, in the order given: refused as bad input where
   * {@code Image.tag} would refuse them as a caller's mistake (not a reference, or one that pins a
   * digest).
   */
  static List<ImageReference> tags(List<String> names, String what) throws ImageFormatException {
    List<ImageReference> tags = new ArrayList<>();
    for (String name : names) {
      ImageReference r;
      try {
        r = ImageReference.parse(name);
      } catch (InvalidReferenceException ex) {
        throw new ImageFormatException(what + ": " + ex.getMessage(), ex);
      }
      if (r.digest().isPresent()) {
        throw new ImageFormatException(what + ": a tag cannot pin a digest: '" + name + "'");
      }
      if (!tags.contains(r)) {
        tags.add(r);
      }
    }
    return tags;
  }

  /** A plain root file system tarball: one layer, no configuration. */
  private static ReadImage fromRootFileSystem(ArchiveScan scan) throws IOException {
    if (scan.tarSize > scan.budget.options().maxLayerSize()) {
      throw new ImageFormatException(scan.file + " is a root file system of " + scan.tarSize
          + " bytes uncompressed, more than the " + scan.budget.options().maxLayerSize()
          + " one layer may hold (ReadOptions.maxLayerSize)");
    }
    Optional<Compression> asLayer = scan.outer.layer();
    String what = scan.file + " (a root file system tarball)";
    Descriptor d;
    Source content;
    if (asLayer.isPresent()) {
      // Stored as it is: the file is the layer blob.
      d = Descriptor.of(LayerMediaTypes.oci(asLayer.get()), scan.fileDigest(), scan.fileSize);
      content = scan.file.region(0, scan.fileSize);
    } else {
      // No layer media type names xz, bzip2 or lz4: the layer is the tar inside, decompressed
      // again whenever it is written (the scan computed its digest and size).
      d = Descriptor.of(LayerMediaTypes.oci(Compression.NONE), scan.tarDigest(), scan.tarSize);
      FileCompression outer = scan.outer;
      content = new DerivedSource(scan.file.whole(), in -> outer.decompress(in, scan.file.toString()), 0,
          scan.tarSize, what);
    }
    // Every entry must be a valid layer entry: a name that escapes the root is refused here.
    List<io.github.scratch4j.Entry> entries =
        StoredLayerEntries.of(scan.headers, asLayer.orElse(Compression.NONE), content, what);
    return new ReadImage(List.of(new ReadLayer(d, scan.tarDigest(), content, entries)), ImageConfig.empty(), List.of());
  }
}
