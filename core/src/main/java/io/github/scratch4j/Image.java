package io.github.scratch4j;

import io.github.scratch4j.internal.archive.ArchiveWriting;
import io.github.scratch4j.internal.plan.ImagePlanner;
import io.github.scratch4j.internal.plan.LayeredFileSystem;
import io.github.scratch4j.internal.plan.LinkResolver;
import io.github.scratch4j.internal.plan.LowerLayers;
import io.github.scratch4j.internal.plan.PlannedImage;
import io.github.scratch4j.internal.unpack.Bundles;
import io.github.scratch4j.internal.unpack.Unpacker;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.UnaryOperator;

/**
 * A container image: layers, a configuration and tags. Immutable: every method that changes
 * something returns a new image.
 *
 * <pre>{@code
 * Image.fromScratch()
 *      .add(Path.of("hello"))     // placed at /hello, executable bit kept
 *      .entrypoint("/hello")
 *      .writeTo(Path.of("hello.tar"));
 * }</pre>
 *
 * <p>Files added with consecutive {@code add} and {@code remove} calls share one layer;
 * {@link #add(Layer)} appends a layer of its own, and the next {@code add} of a path starts a new
 * one.
 */
public final class Image {
  private final List<Layer> layers;
  private final ImageConfig config;
  private final List<ImageReference> tags;
  /** Whether the last layer was made by {@code add(Path...)} and takes further adds. */
  private final boolean lastLayerOpen;
  /** What of the configuration came from a base image. */
  private final Inherited inherited;
  /** The checks turned off with {@link #without}. */
  private final Set<ImageCheck> skipped;
  /**
   * The file system below the layer that adds go to, once made; kept for the images made from this
   * one by further adds (and for further images made from this one), and made again when the
   * layers below change. A cache, not part of the value, set at most by the first use that needs
   * it, as String's hash is.
   */
  private volatile LowerLayers lower;

  /**
   * Which parts of the configuration an image has from its base image ({@link #from(Path)},
   * {@link #from(String)}) and not from its own calls: they are what a Dockerfile's {@code FROM}
   * gives, and the calls that follow treat them as Docker does.
   *
   * @param cmd whether the command is the base's, so that a new entrypoint clears it
   * @param platform whether the platform is the base's, so that a check that finds an executable
   *     for another architecture says the base decided it, and how to fix that
   */
  private record Inherited(boolean cmd, boolean platform) {
    static final Inherited NONE = new Inherited(false, false);

    /** What an image made from a base with this configuration has from it. */
    static Inherited from(ImageConfig base) {
      return new Inherited(!base.cmd().isEmpty(), base.platform().isPresent());
    }

    Inherited withoutCmd() {
      return new Inherited(false, platform);
    }

    Inherited withoutPlatform() {
      return new Inherited(cmd, false);
    }

    /** What is still inherited after the configuration {@code before} is replaced by {@code after}. */
    Inherited keptBy(ImageConfig before, ImageConfig after) {
      return new Inherited(cmd && after.cmd().equals(before.cmd()),
          platform && after.platform().equals(before.platform()));
    }
  }

  private Image(List<Layer> layers, ImageConfig config, List<ImageReference> tags, boolean lastLayerOpen,
      Inherited inherited, Set<ImageCheck> skipped, LowerLayers lower) {
    this.layers = List.copyOf(layers);
    this.config = config;
    this.tags = List.copyOf(tags);
    this.lastLayerOpen = lastLayerOpen;
    this.inherited = inherited;
    this.skipped = skipped;
    this.lower = lower;
  }

  private Image with(List<Layer> newLayers, boolean open, LowerLayers newLower) {
    return new Image(newLayers, config, tags, open, inherited, skipped, newLower);
  }

  private Image with(ImageConfig newConfig, Inherited newInherited) {
    return new Image(layers, newConfig, tags, lastLayerOpen, newInherited, skipped, lower);
  }

  /**
   * An image with no layers and an empty configuration, like Docker's {@code FROM scratch}.
   *
   * @return a new empty image, without tags, with every {@link ImageCheck} on
   */
  @CheckReturnValue
  public static Image fromScratch() {
    return new Image(List.of(), ImageConfig.empty(), List.of(), false, Inherited.NONE, Set.of(), null);
  }

  /**
   * The image a reader read, as it is: its stored layers with the entries the reader listed, its
   * configuration and names, nothing inherited, every check on.
   */
  static Image of(io.github.scratch4j.internal.read.ReadImage read) {
    List<Layer> layers = new ArrayList<>();
    for (io.github.scratch4j.internal.read.ReadLayer l : read.layers()) {
      layers.add(Layer.stored(l.blob(), l.diffId(), l.content(), l.entries()));
    }
    return new Image(layers, read.config(), read.tags(), false, Inherited.NONE, Set.of(), null);
  }

  /**
   * Starts from an existing image: a docker-archive or OCI archive tar (as {@code docker save}
   * and scratch4j write), an OCI image layout directory or tar, or a plain root file system
   * tarball (uncompressed, or compressed with gzip, zstd, xz, bzip2 or lz4, as {@link Archive#read}
   * describes), which becomes one layer. Base layers are carried over byte for byte
   * after their digests are verified; the base configuration is inherited and its tags are not.
   * A root file system compressed with xz, bzip2 or lz4 becomes an uncompressed layer, since no
   * layer media type names those compressions.
   *
   * <p>An archive holding several images must be read with {@link Archive#read} and one picked;
   * for an image index, the {@code linux} image for the architecture Java runs on is taken.
   *
   * @param source an archive or image layout, as a file or directory
   * @return the image, to build on: its layers and configuration, no tags
   * @throws ImageFormatException if the file is malformed, hostile, or a digest does not match
   *     ({@link DigestMismatchException}), if it holds more than one image or index, if a layer
   *     expands past the {@linkplain ReadOptions#defaults() default limits}, or if it is compressed
   *     with xz, bzip2 or lz4 and the optional library that reads it is missing
   * @throws IOException if the file cannot be read
   */
  public static Image from(Path source) throws IOException {
    return from(source, ReadOptions.defaults());
  }

  /**
   * Starts from an existing image as {@link #from(Path)} does, within the given limits on what its
   * layers may expand to.
   *
   * @param source an archive or image layout, as a file or directory
   * @param options the limits on what reading may expand to
   * @return the image, to build on: its layers and configuration, no tags
   * @throws ImageFormatException if the file is malformed, hostile, or a digest does not match
   *     ({@link DigestMismatchException}), if it holds more than one image or index, if a layer
   *     expands past the options' limits, or if it is compressed with xz, bzip2 or lz4 and the
   *     optional library that reads it is missing
   * @throws IOException if the file cannot be read
   */
  public static Image from(Path source, ReadOptions options) throws IOException {
    Archive archive = Archive.read(source, options);
    List<Image> candidates = archive.images();
    if (archive.indexes().size() == 1 && candidates.isEmpty()) {
      candidates = List.of(archive.indexes().get(0).forHost());
    }
    if (candidates.size() != 1 || archive.indexes().size() > 1) {
      throw new ImageFormatException(
          source + " holds " + (archive.images().size() + archive.indexes().size())
              + " images; read it with Archive.read and pick one to build on");
    }
    return candidates.get(0).asBase();
  }

  /**
   * Starts from an image in a registry, such as {@code registry.example.com/team/base:1.0} or
   * {@code …/base@sha256:…}, with the default {@link RegistryOptions}; see
   * {@link #from(String, RegistryOptions)}.
   *
   * @param reference the image's reference, with a tag ({@code latest} if none) or a digest
   * @return the image, to build on: its layers and configuration, no tags
   * @throws InvalidReferenceException if the reference is malformed
   * @throws RegistryException if the registry refuses or fails, after retries, or has no such
   *     image
   * @throws ImageFormatException if what it sends is malformed or does not match its digest
   *     ({@link DigestMismatchException}), or an index has no image for the platform
   * @throws IOException if the blob cache cannot be read or written
   */
  public static Image from(String reference) throws IOException {
    return from(reference, RegistryOptions.defaults());
  }

  /**
   * Starts from an image in a registry. From a multi-platform index, the options' platform (by
   * default {@code linux} on the architecture Java runs on) is taken. Every blob downloaded is
   * checked against its digest and kept in the options' cache, so building on the same base again
   * downloads only its manifest (or nothing, when the reference pins a digest). As with
   * {@link #from(Path)}, base layers are carried over byte for byte and tags are not inherited.
   *
   * @param reference the image's reference, with a tag ({@code latest} if none) or a digest
   * @param options where to connect and how, the platform to take from an index, and the cache
   * @return the image, to build on: its layers and configuration, no tags
   * @throws InvalidReferenceException if the reference is malformed
   * @throws NullPointerException if {@code options} is null
   * @throws RegistryException if the registry refuses or fails, after retries, or has no such
   *     image, or a credential helper fails
   * @throws ImageFormatException if what it sends is malformed or does not match its digest
   *     ({@link DigestMismatchException}), an index has no image for the options' platform, or
   *     the Docker credentials file is malformed
   * @throws SignatureVerificationException if the options require a signature
   *     ({@link RegistryOptions#withRequiredSignature}) and the image has none that verifies
   * @throws IOException if the blob cache cannot be read or written
   */
  public static Image from(String reference, RegistryOptions options) throws IOException {
    ImageReference ref = ImageReference.parse(reference);
    Objects.requireNonNull(options, "options");
    if (options.requiredSignature().isPresent()) {
      // Pulled by the digest whose signature was checked: a tag moved meanwhile changes nothing.
      Digest verified = io.github.scratch4j.internal.registry.CosignSignatures
          .verify(ref, options.requiredSignature().get(), options).get(0).manifestDigest();
      ref = new ImageReference(ref.registry(), ref.repository(), ref.tag(), Optional.of(verified));
    }
    return of(io.github.scratch4j.internal.registry.Puller.pull(ref, options)).asBase();
  }

  /**
   * Pushes the image to a registry with the default {@link RegistryOptions}; see
   * {@link #pushTo(String, RegistryOptions)}.
   *
   * @param reference where to push, such as {@code registry.example.com/team/app:1.0}
   * @return the digest of the pushed manifest, which {@code …/app@<digest>} pulls
   * @throws InvalidReferenceException if the reference is malformed
   * @throws ImageCheckException before anything is written, if the image would not start or holds
   *     what a container never sees; it lists every problem with its fix (see {@link ImageCheck});
   *     {@link MissingDependencyException} or {@link PlatformConflictException} when every problem
   *     is of that kind
   * @throws RegistryException if the registry refuses or fails, after retries, or a credential
   *     helper fails
   * @throws DigestMismatchException if the reference pins a digest other than the image's, or the
   *     registry stores the manifest under another digest
   * @throws SourceChangedException if a file added to the image changed while it was read
   * @throws ImageFormatException if a stored layer (from a base image or {@link Layer#ofBlob}) is
   *     malformed or does not match its digest, or the Docker credentials file is malformed
   * @throws IOException if a source cannot be read
   */
  public Digest pushTo(String reference) throws IOException {
    return pushTo(reference, RegistryOptions.defaults());
  }

  /**
   * Pushes the image to a registry, such as {@code registry.example.com/team/app:1.0}, to the
   * reference's tag ({@code latest} if it has none). Blobs the repository already has are not
   * sent again; blobs this process saw in another repository of the same registry are mounted
   * from there. Layers are compressed as the options say (gzip by default).
   *
   * <p>The reference may pin a digest ({@code …/app@sha256:…}) instead of a tag: the manifest is
   * then pushed by that digest, which must be the image's.
   *
   * @param reference where to push, such as {@code registry.example.com/team/app:1.0}
   * @param options where to connect and how, the credentials, the layers' compression, whether
   *     to attach the image's SBOM ({@link RegistryOptions#withSbom}), and the key to sign the
   *     pushed manifest with ({@link RegistryOptions#withSigningKey}), if any
   * @return the digest of the pushed manifest, which {@code …/app@<digest>} pulls
   * @throws InvalidReferenceException if the reference is malformed
   * @throws NullPointerException if {@code options} is null
   * @throws ImageCheckException before anything is written, if the image would not start or holds
   *     what a container never sees; it lists every problem with its fix (see {@link ImageCheck});
   *     {@link MissingDependencyException} or {@link PlatformConflictException} when every problem
   *     is of that kind
   * @throws RegistryException if the registry refuses or fails, after retries, or a credential
   *     helper fails
   * @throws DigestMismatchException if the reference pins a digest other than the image's, or the
   *     registry stores a blob or the manifest under another digest
   * @throws SourceChangedException if a file added to the image changed while it was read
   * @throws ImageFormatException if a stored layer (from a base image or {@link Layer#ofBlob}) is
   *     malformed or does not match its digest, or the Docker credentials file is malformed
   * @throws IOException if a source cannot be read
   */
  public Digest pushTo(String reference, RegistryOptions options) throws IOException {
    ImageReference ref = ImageReference.parse(reference);
    return ArchiveWriting.toRegistry(
        () -> plan(Objects.requireNonNull(options, "options").layerOptions().sbom()), ref, options);
  }

  /** This image as the base of a new one: no tags, a closed last layer, the command inherited. */
  Image asBase() {
    return new Image(layers, config, List.of(), false, Inherited.from(config), Set.of(), null);
  }

  /**
   * Adds a file, symbolic link or directory tree from disk at {@code /<its file name>}. A file's
   * executable bit is kept; see {@link CopyOption} for the defaults.
   *
   * @param source the file, link or directory on disk
   * @return a new image with the source in its current layer
   * @throws java.io.UncheckedIOException if the source does not exist or cannot be read
   * @throws InvalidEntryException if the source has no file name (the file system's root), or
   *     for the reasons {@link #add(Path, String, CopyOption...)} gives
   */
  @CheckReturnValue
  public Image add(Path source) {
    Path name = source.toAbsolutePath().normalize().getFileName();
    if (name == null) {
      throw new InvalidEntryException("cannot add " + source + " without a destination: it has no file name");
    }
    return add(source, "/" + name);
  }

  /**
   * Adds a file, symbolic link or directory tree from disk at {@code destination}. A destination
   * ending in {@code /} means "inside that directory", keeping the source's file name; a directory
   * copied to {@code /} puts its content at the image root.
   *
   * <p>Every directory on the way is resolved through the symbolic links the image already has,
   * inside the image, as Docker's {@code COPY} does: on a base where {@code /bin} is a link to
   * {@code usr/bin}, {@code /bin/tool} is added as {@code /usr/bin/tool} and {@code /bin} stays a
   * link. A directory added where the image has a link to a directory is merged into that
   * directory; a file or link added there replaces the link. See {@link #remove} to replace a
   * link by a directory.
   *
   * @param source the file, link or directory on disk
   * @param destination the absolute path in the image; ending in {@code /} to keep the source's
   *     file name
   * @param options how the files are copied; none for the defaults {@link CopyOption} describes
   * @return a new image with the source in its current layer
   * @throws java.io.UncheckedIOException if the source does not exist or cannot be read, or (for
   *     a lower layer made with {@link Layer#ofBlob}) that layer cannot be read
   * @throws InvalidEntryException if the destination is invalid or already taken in this layer
   *     ({@link DuplicateEntryException}), a directory on its way is a file in the image, the
   *     image's links on its way loop, a file under the source is a socket, or a pipe or device
   *     without {@link CopyOption#INCLUDE_SPECIAL_FILES}, or a name under it is not UTF-8 without
   *     {@link CopyOption#REPLACE_INVALID_NAMES}
   */
  @CheckReturnValue
  public Image add(Path source, String destination, CopyOption... options) {
    String target = destination;
    if (destination.endsWith("/") && destination.replace("/", "").length() > 0) {
      Path name = source.toAbsolutePath().normalize().getFileName();
      target = destination + (name == null ? "" : name.toString());
    }
    String finalTarget = target;
    return withOpenLayer((b, places) -> b.addPath(source, finalTarget, places::place, options));
  }

  /**
   * Adds an entry, such as a file made from bytes, to the current layer, its directories resolved
   * through the image's links as {@link #add(Path, String, CopyOption...)} says (a hard link's
   * target too).
   *
   * @param entry the entry to add
   * @return a new image with the entry in its current layer
   * @throws NullPointerException if {@code entry} is null
   * @throws InvalidEntryException if this layer has an entry at that path already
   *     ({@link DuplicateEntryException}), a directory on its way is a file in the image, or the
   *     image's links on its way loop
   * @throws java.io.UncheckedIOException if a lower layer made with {@link Layer#ofBlob} cannot be
   *     read
   */
  @CheckReturnValue
  public Image add(Entry entry) {
    Objects.requireNonNull(entry, "entry");
    return withOpenLayer((b, places) -> b.add(places.place(entry)));
  }

  /**
   * Appends a layer. A layer built with {@link Layer#builder()} has its paths resolved through the
   * links of the layers below, as {@link #add(Path, String, CopyOption...)} does; when that moves
   * an entry, the layer appended (and seen in {@link #layers()}) is a copy with the resolved paths.
   * A stored layer (one read from an image, or made with {@link Layer#ofBlob}) is appended byte for
   * byte, as it is: its paths are what the tool that made it wrote.
   *
   * @param layer the layer to append
   * @return a new image with the layer on top; the next {@code add} of a path starts a new layer
   * @throws NullPointerException if {@code layer} is null
   * @throws InvalidEntryException if a directory on an entry's way is a file in the image, or
   *     links on its way loop
   * @throws java.io.UncheckedIOException if a lower layer made with {@link Layer#ofBlob} cannot be
   *     read
   */
  @CheckReturnValue
  public Image add(Layer layer) {
    Objects.requireNonNull(layer, "layer");
    List<Layer> next = new ArrayList<>(layers);
    next.add(layers.isEmpty() || layer.blob().isPresent() ? layer : placed(layer));
    return with(next, false, null);
  }

  /** The built layer with its entries placed on this image's layers, or the layer itself if none moves. */
  private Layer placed(Layer layer) {
    LowerLayers below = lowerFor(layers);
    Layer.Builder b = Layer.builder();
    LinkResolver places = new LinkResolver(view(b, below));
    boolean moved = false;
    for (Entry e : layer.entries()) {
      if (e instanceof DirectoryEntry && layer.isImplied(e.path())) {
        continue;
      }
      Entry p = places.place(e);
      moved |= p != e;
      b.add(p);
    }
    if (!moved) {
      return layer;
    }
    layer.createdBy().ifPresent(b::createdBy);
    return b.build();
  }

  /**
   * Deletes {@code path} and everything under it. What the current layer added is dropped; what a
   * lower layer (such as a base image's) has is deleted with an OCI whiteout. The directories on
   * the way are resolved through the image's links, and the last component is not: removing
   * {@code /bin/sh} where {@code /bin} is a link to {@code usr/bin} deletes {@code /usr/bin/sh},
   * and removing {@code /bin} deletes the link.
   *
   * @param path the absolute path in the image to delete
   * @return a new image without {@code path}, the deletion in its current layer
   * @throws InvalidEntryException if {@code path} is not a valid entry path, if nothing is at
   *     {@code path}, or if the image's links on its way loop
   * @throws java.io.UncheckedIOException if a lower layer made with {@link Layer#ofBlob} cannot be
   *     read
   */
  @CheckReturnValue
  public Image remove(String path) {
    String normalized = io.github.scratch4j.internal.EntryPaths.normalize(path);
    List<Layer> next = new ArrayList<>(layers);
    Layer.Builder b = lastLayerOpen ? next.remove(next.size() - 1).toBuilder() : Layer.builder();
    LowerLayers below = lowerFor(next);
    String at = new LinkResolver(view(b, below)).parentsOf(normalized);
    boolean inBelow = below.contains(at) && !hiddenIn(b, at);
    boolean inOpen = b.has(at);
    if (!inBelow && !inOpen) {
      throw new InvalidEntryException("cannot remove " + normalized
          + (at.equals(normalized) ? "" : " (" + at + ", where the image's links lead)") + ": no layer of the image has it");
    }
    b.remove(at);
    if (inBelow) {
      b.add(Whiteout.of(at));
    }
    next.add(b.build());
    return with(next, true, below);
  }

  /**
   * Replaces the whole content of the directory {@code directory} with the tree at {@code source}:
   * an opaque whiteout hides what lower layers have there (OCI image-spec, layer.md). Where
   * {@code directory} is a link to a directory, as {@code /lib} on a usrmerge base, the directory
   * it leads to is replaced and the link stays.
   *
   * @param source the directory tree on disk to put there
   * @param directory the absolute path of the directory in the image to replace
   * @param options how the files are copied; none for the defaults {@link CopyOption} describes
   * @return a new image with the opaque whiteout and the tree in its current layer
   * @throws java.io.UncheckedIOException if the source does not exist or cannot be read
   * @throws InvalidEntryException for the reasons {@link #add(Path, String, CopyOption...)} gives,
   *     or if {@code directory} leads to the image root
   */
  @CheckReturnValue
  public Image replace(Path source, String directory, CopyOption... options) {
    String normalized = io.github.scratch4j.internal.EntryPaths.normalize(directory);
    return withOpenLayer((b, places) -> {
      String at = places.directory(normalized);
      return b.add(Whiteout.opaque(at)).addPath(source, at, places::place, options);
    });
  }

  /** A change to the layer adds go to, given that layer's builder and what places its paths. */
  private interface LayerChange {
    Layer.Builder apply(Layer.Builder builder, LinkResolver places);
  }

  private Image withOpenLayer(LayerChange change) {
    return withOpenLayer(change, false);
  }

  /**
   * Applies {@code change} to the layer adds go to.
   *
   * @param linksFirst whether the change may add links and then paths through them, so that
   *     paths must be resolved even where nothing is below and the layer has no link yet
   */
  private Image withOpenLayer(LayerChange change, boolean linksFirst) {
    List<Layer> next = new ArrayList<>(layers);
    Layer.Builder builder;
    if (lastLayerOpen) {
      builder = next.remove(next.size() - 1).toBuilder();
    } else {
      builder = Layer.builder();
    }
    LowerLayers below = lowerFor(next);
    LinkResolver places = linksFirst ? new LinkResolver(view(builder, below)) : resolver(builder, below);
    next.add(change.apply(builder, places).build());
    return with(next, true, below);
  }

  /** What places the paths added to the layer {@code open} builds on the layers {@code below}. */
  private static LinkResolver resolver(Layer.Builder open, LowerLayers below) {
    return below.isEmpty() && !open.hasSymlinks() ? LinkResolver.none() : new LinkResolver(view(open, below));
  }

  /** The lower layers' file system: this image's own when it has these layers, else a new one. */
  private LowerLayers lowerFor(List<Layer> lowerLayers) {
    LowerLayers known = lower;
    if (known != null && known.sameAs(lowerLayers)) {
      return known;
    }
    known = new LowerLayers(lowerLayers);
    lower = known;
    return known;
  }

  /** What a container would see at a path: the layer being built over the layers below it. */
  private static LinkResolver.View view(Layer.Builder open, LowerLayers below) {
    return path -> {
      Entry e = open.keyed(path);
      if (e != null) {
        return e;
      }
      return hiddenIn(open, path) ? null : below.get(path);
    };
  }

  /** Whether a whiteout of the layer being built hides what lower layers have at {@code path}. */
  private static boolean hiddenIn(Layer.Builder open, String path) {
    if (!open.hasWhiteouts()) {
      return false;
    }
    for (String p = path; !p.isEmpty(); p = io.github.scratch4j.internal.EntryPaths.parent(p)) {
      if (open.keyed(io.github.scratch4j.internal.EntryPaths.key(Whiteout.of(p))) != null
          || (!p.equals(path) && open.keyed(io.github.scratch4j.internal.EntryPaths.key(Whiteout.opaque(p))) != null)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Sets the program and arguments the container runs. As in a Dockerfile, a command inherited
   * from a base image is cleared; set one after this call if it is wanted.
   *
   * @param argv the program's path in the image and its arguments; none clears the entrypoint
   * @return a new image with that entrypoint
   * @throws NullPointerException if an argument is null
   */
  @CheckReturnValue
  public Image entrypoint(String... argv) {
    ImageConfig.Builder b = config.toBuilder().entrypoint(argv);
    if (inherited.cmd()) {
      b.cmd();
    }
    return with(b.build(), inherited.withoutCmd());
  }

  /**
   * Sets the default arguments, passed to the entrypoint or run as the command.
   *
   * @param argv the arguments, or the program and its arguments; none clears them
   * @return a new image with that command
   * @throws NullPointerException if an argument is null
   */
  @CheckReturnValue
  public Image cmd(String... argv) {
    return with(config.toBuilder().cmd(argv).build(), inherited.withoutCmd());
  }

  /**
   * Sets an environment variable, replacing its earlier value in place.
   *
   * @param name the variable's name: not empty, without {@code =} or NUL
   * @param value its value, without NUL
   * @return a new image with the variable set
   * @throws IllegalArgumentException if the name is empty or holds {@code =} or NUL, or the value
   *     holds NUL
   */
  @CheckReturnValue
  public Image env(String name, String value) {
    return config(config.toBuilder().env(name, value).build());
  }

  /**
   * Adds the CA certificates of this machine, so that TLS clients in the image (Go's
   * {@code crypto/tls}, OpenSSL, musl- and glibc-based tools) can verify servers: the bundle of
   * the first of these that is a file, else the JDK's default trust anchors (its {@code cacerts},
   * or the store {@code javax.net.ssl.trustStore} names), as on Windows or a machine without a
   * bundle:
   * {@code /etc/ssl/certs/ca-certificates.crt} (Debian, Ubuntu),
   * {@code /etc/pki/tls/certs/ca-bundle.crt} and
   * {@code /etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem} (Fedora, RHEL),
   * {@code /etc/ssl/cert.pem} (Alpine, macOS, the BSDs), {@code /etc/ssl/ca-bundle.pem} (openSUSE).
   * The bundle is written as {@link #caCertificates(Path)} says.
   *
   * @return a new image with the bundle in its current layer and {@code SSL_CERT_FILE} set
   * @throws java.io.UncheckedIOException if the bundle found cannot be read or is malformed
   * @throws InvalidEntryException if the image has a directory at the bundle's path
   */
  @CheckReturnValue
  public Image caCertificates() {
    return withCaBundle(io.github.scratch4j.internal.system.CaBundle.ofHost(
        io.github.scratch4j.internal.system.CaBundle.HOST_BUNDLES));
  }

  /**
   * Adds the CA certificates of a PEM file (one or many {@code BEGIN CERTIFICATE} blocks; text
   * between them is ignored) to the image's bundle {@code /etc/ssl/certs/ca-certificates.crt}, and
   * sets {@code SSL_CERT_FILE} to that path.
   *
   * <p>The bundle holds the certificates the image already has there (from a base image or an
   * earlier call), those of the file an earlier {@code SSL_CERT_FILE} named, if another, and the
   * new ones, each once, in the order of their DER encodings (unsigned
   * byte order), as plain PEM with 64-character lines: the same certificates make the same bytes,
   * whatever their order or source. Where the image's links lead that path elsewhere, the bundle
   * is read and written where they lead, and the links stay. It is a regular file of mode
   * {@code 0644} owned by root, in the layer adds go to.
   *
   * @param pemFile the PEM file on disk
   * @return a new image with the bundle in its current layer and {@code SSL_CERT_FILE} set
   * @throws java.io.UncheckedIOException if the file cannot be read, is over 16 MiB, holds no
   *     certificate or a malformed one (the message names the file, which certificate and its
   *     lines), or the bundle the image already has is malformed; nothing is added then
   * @throws InvalidEntryException if the image has a directory at the bundle's path
   */
  @CheckReturnValue
  public Image caCertificates(Path pemFile) {
    return withCaBundle(io.github.scratch4j.internal.system.CaBundle.ofPemFile(pemFile));
  }

  /**
   * Adds every trusted-certificate entry of a loaded key store (private key entries are passed
   * over), as {@link #caCertificates(Path)} adds a PEM file's.
   *
   * @param trustStore a loaded key store, such as the JDK's {@code cacerts}
   * @return a new image with the bundle in its current layer and {@code SSL_CERT_FILE} set
   * @throws NullPointerException if {@code trustStore} is null
   * @throws IllegalArgumentException if the store is not loaded or has no trusted-certificate entry
   * @throws java.io.UncheckedIOException if the bundle the image already has is malformed
   * @throws InvalidEntryException if the image has a directory at the bundle's path
   */
  @CheckReturnValue
  public Image caCertificates(java.security.KeyStore trustStore) {
    Objects.requireNonNull(trustStore, "trustStore");
    return withCaBundle(io.github.scratch4j.internal.system.CaBundle.ofKeyStore(trustStore));
  }

  private Image withCaBundle(io.github.scratch4j.internal.system.CaBundle certificates) {
    LowerLayers below = lowerFor(lastLayerOpen ? layers.subList(0, layers.size() - 1) : layers);
    return withOpenLayer((b, places) -> {
      io.github.scratch4j.internal.system.CaBundle.addTo(b, view(b, below), certificates, config.env("SSL_CERT_FILE"));
      return b;
    }).env("SSL_CERT_FILE", io.github.scratch4j.internal.system.CaBundle.PATH);
  }

  /**
   * Adds all of this machine's time zone data, {@code /usr/share/zoneinfo}, as
   * {@link #timeZones(Path, String...)} says.
   *
   * @return a new image with the zone files in its current layer
   * @throws java.io.UncheckedIOException if the directory or a file cannot be read, or a zone file
   *     is not TZif (the message names it)
   */
  @CheckReturnValue
  public Image timeZones() {
    return timeZones(io.github.scratch4j.internal.system.ZoneInfo.HOST_DIRECTORY);
  }

  /**
   * Adds the named zones, such as {@code "Asia/Tokyo"} or {@code "UTC"}, from this machine's
   * {@code /usr/share/zoneinfo} (with none named, all of it), as
   * {@link #timeZones(Path, String...)} says; set {@code TZ} with {@link #env} to use one.
   *
   * @param zones zone names, relative to the zoneinfo directory; none for all of it
   * @return a new image with the zone files in its current layer
   * @throws IllegalArgumentException if a name is empty, absolute or has a {@code ..} or
   *     {@code .} component, or names no zone of the directory (the message names close ones)
   * @throws java.io.UncheckedIOException if the directory or a file cannot be read, or a zone file
   *     is not TZif (the message names it)
   */
  @CheckReturnValue
  public Image timeZones(String... zones) {
    return timeZones(io.github.scratch4j.internal.system.ZoneInfo.HOST_DIRECTORY, zones);
  }

  /**
   * Adds time zone data from a zoneinfo directory at {@code /usr/share/zoneinfo} in the image,
   * where Go's {@code time} package, glibc and musl find the zone {@code TZ} names: the named
   * zones, or with none named the whole directory. Files have mode {@code 0644} and the
   * directories made for them {@code 0755}, owned by root, as {@link #add(Entry)} makes them; they go
   * to the layer adds go to, replacing what that layer had at their paths.
   *
   * <p>A named zone is a regular file at its name's path holding the zone, also where the
   * directory has it as a symbolic link (Debian's {@code UTC -> Etc/UTC}). The whole directory
   * keeps its links, each made a relative link to where it leads inside the directory; a link
   * that leads out of the directory (Debian's {@code localtime -> /etc/localtime}), nowhere, or
   * round a loop is left out, and no link is followed out of the directory or more than 40 deep.
   * Every zone file must be TZif (RFC 8536); tzdata's text tables beside the zones
   * ({@code zone.tab}, {@code tzdata.zi}, ...) are copied as they are.
   *
   * @param zoneinfoDirectory the zoneinfo directory on disk, such as {@code /usr/share/zoneinfo}
   * @param zones zone names, relative to that directory; none for all of it
   * @return a new image with the zone files in its current layer
   * @throws IllegalArgumentException if a name is empty, absolute or has a {@code ..} or
   *     {@code .} component, or names no zone of the directory (the message names close ones)
   * @throws java.io.UncheckedIOException if the directory or a file cannot be read, or a zone file
   *     is not TZif (the message names it)
   */
  @CheckReturnValue
  public Image timeZones(Path zoneinfoDirectory, String... zones) {
    List<Entry> entries = io.github.scratch4j.internal.system.ZoneInfo.entries(zoneinfoDirectory, List.of(zones));
    return withOpenLayer((b, places) -> {
      for (Entry e : entries) {
        Entry placed = places.place(e);
        // A link replaces what this layer had under its path too, or the layer could not be built.
        if (placed instanceof SymlinkEntry || b.get(placed.path()).isPresent()) {
          b.remove(placed.path());
        }
        b.add(placed);
      }
      return b;
    });
  }

  /**
   * Sets the working directory. When no layer has it, it is added as a directory when the image
   * is written, since Docker and runc would create it at start.
   *
   * @param directory the absolute path in the image
   * @return a new image with that working directory
   * @throws IllegalArgumentException if {@code directory} is not absolute
   */
  @CheckReturnValue
  public Image workingDir(String directory) {
    return config(config.toBuilder().workingDir(directory).build());
  }

  /**
   * Sets the user the process runs as.
   *
   * @param user {@code name}, {@code uid}, {@code name:group} or {@code uid:gid}
   * @return a new image with that user
   * @throws IllegalArgumentException if {@code user} is empty
   */
  @CheckReturnValue
  public Image user(String user) {
    return config(config.toBuilder().user(user).build());
  }

  /**
   * Runs the process as distroless's non-root user: {@code nonroot}, uid and gid 65532, home
   * {@code /home/nonroot}, shell {@code /sbin/nologin}; see {@link #nonRootUser(String, int)}.
   *
   * @return a new image with the user's files in its current layer and its uid as the user
   * @throws IllegalStateException if the image's files give the name, the uid or the gid to
   *     another user or group, or one of the paths is not of the kind it must be
   * @throws InvalidEntryException if the image's links on the way loop
   * @throws java.io.UncheckedIOException if a file of a lower layer cannot be read
   */
  @CheckReturnValue
  public Image nonRootUser() {
    return nonRootUser(io.github.scratch4j.internal.plan.NonRootUser.DEFAULT_NAME,
        io.github.scratch4j.internal.plan.NonRootUser.DEFAULT_ID);
  }

  /**
   * Runs the process as a user of its own, {@code name} with uid and gid {@code uid}, which a
   * {@code FROM scratch} image lacks: adds its line to {@code /etc/passwd}
   * ({@code name:x:uid:uid:name:/home/name:/sbin/nologin}), its group to {@code /etc/group}
   * ({@code name:x:uid:}), the directory {@code /home/name} owned by it with mode {@code 0700}
   * (unless the image has a directory there, which is left as it is), and
   * sets the configuration's user to the number {@code uid} (which Kubernetes' {@code runAsNonRoot}
   * can tell from root; the runtime still finds the name in {@code /etc/passwd}).
   *
   * <p>Where the image (a base image or an earlier add) has {@code /etc/passwd} or
   * {@code /etc/group}, each is kept byte for byte and only the missing line is appended, at the
   * path the image's links lead to; the file keeps its mode and owner. A file the image lacks is
   * written new, mode {@code 0644}, owned by root, with a {@code root} line first. A line the
   * image has already (the same name and ids) is not written again, and its home directory is
   * then left to the image; so calling this twice changes nothing more.
   *
   * @param name the user's and its group's name
   * @param uid the user's uid and its group's gid
   * @return a new image with the user's files in its current layer and {@code uid} as the user
   * @throws IllegalArgumentException if {@code name} is not a user name ({@code [a-z_][a-z0-9_-]*},
   *     at most 32 characters) or {@code uid} is not 1 to 2^31-1
   * @throws IllegalStateException if the image's files give the name, the uid or the gid to
   *     another user or group (the message names the file and the line), or one of the paths is
   *     not a regular file (the home directory: not a directory); nothing is added
   * @throws InvalidEntryException if the image's links on the way loop
   * @throws java.io.UncheckedIOException if a file of a lower layer cannot be read
   */
  @CheckReturnValue
  public Image nonRootUser(String name, int uid) {
    io.github.scratch4j.internal.plan.NonRootUser account =
        new io.github.scratch4j.internal.plan.NonRootUser(name, uid);
    return withOpenLayerIfChanged(account::addTo).user(account.configUser());
  }

  /**
   * Adds {@code /tmp} with mode {@code 1777} (writable by everyone, and sticky: only a file's owner
   * may delete it), owned by root, which a {@code FROM scratch} image lacks and programs expect
   * for their temporary files. Where the image has {@code /tmp} already, it gets that mode and
   * owner in the current layer, its content untouched; where it is a link to a directory, that
   * directory does. An image with such a {@code /tmp} is returned unchanged.
   *
   * @return a new image with {@code /tmp} in its current layer, or this image
   * @throws InvalidEntryException if the image's links on the way loop or lead to the image root
   */
  @CheckReturnValue
  public Image tmpDirectory() {
    return withOpenLayerIfChanged(io.github.scratch4j.internal.plan.TmpDirectory::addTo);
  }

  /**
   * Applies a change that reads what the image has (so every path is seen through the layers
   * below and the image's links), without leaving an empty new layer when it changes nothing.
   */
  private Image withOpenLayerIfChanged(LayerChange change) {
    Image next = withOpenLayer(change, true);
    return !lastLayerOpen && next.layers.get(next.layers.size() - 1).entries().isEmpty() ? this : next;
  }

  /**
   * Exposes a port, as {@code 8080} or {@code 53/udp}.
   *
   * @param port 1 to 65535, with an optional {@code /tcp} (the default), {@code /udp} or
   *     {@code /sctp}
   * @return a new image exposing that port too
   * @throws IllegalArgumentException if {@code port} is not of that form
   */
  @CheckReturnValue
  public Image expose(String port) {
    return config(config.toBuilder().exposedPort(port).build());
  }

  /**
   * Sets a label, replacing its earlier value.
   *
   * @param key the label's key, not empty
   * @param value its value
   * @return a new image with the label set
   * @throws IllegalArgumentException if {@code key} is empty
   * @throws NullPointerException if {@code value} is null
   */
  @CheckReturnValue
  public Image label(String key, String value) {
    return config(config.toBuilder().label(key, value).build());
  }

  /**
   * Sets the platform. Without one, it is taken from the entrypoint's ELF header (an arm64 binary
   * makes an arm64 image), else from the image's executables, else from the base image, else
   * {@code linux/amd64}; executables of different architectures are then an error.
   *
   * @param platform the image's operating system, architecture and variant
   * @return a new image for that platform
   * @throws NullPointerException if {@code platform} is null
   */
  @CheckReturnValue
  public Image platform(Platform platform) {
    return with(config.toBuilder().platform(platform).build(), inherited.withoutPlatform());
  }

  /**
   * Replaces the whole configuration.
   *
   * @param newConfig the configuration the image gets
   * @return a new image with that configuration and the same layers and tags
   * @throws NullPointerException if {@code newConfig} is null
   */
  @CheckReturnValue
  public Image config(ImageConfig newConfig) {
    Objects.requireNonNull(newConfig, "config");
    return with(newConfig, inherited.keptBy(config, newConfig));
  }

  /**
   * Turns off checks made before the image is written (every {@link ImageCheck} is on by default),
   * for an image meant to be that way: one whose libraries come from a volume at run time
   * ({@link ImageCheck#DEPENDENCIES}), whose executables for another architecture run through
   * binfmt_misc and QEMU ({@link ImageCheck#PLATFORM}), or a bundle run without the runtime's mounts
   * ({@link ImageCheck#RUNTIME_PATHS}).
   *
   * @param checks the checks to turn off, added to those already off
   * @return a new image whose writes skip those checks
   * @throws NullPointerException if a check is null
   */
  @CheckReturnValue
  public Image without(ImageCheck... checks) {
    Set<ImageCheck> next = EnumSet.noneOf(ImageCheck.class);
    next.addAll(skipped);
    for (ImageCheck c : checks) {
      next.add(Objects.requireNonNull(c, "check"));
    }
    return new Image(layers, config, tags, lastLayerOpen, inherited, Set.copyOf(next), lower);
  }

  /**
   * Builds even when a program could not start in the image for what it lacks or where it is:
   * {@code without(ImageCheck.DEPENDENCIES, ImageCheck.ENTRYPOINT)}.
   *
   * @return a new image whose writes skip those two checks
   */
  @CheckReturnValue
  public Image withoutDependencyCheck() {
    return without(ImageCheck.DEPENDENCIES, ImageCheck.ENTRYPOINT);
  }

  /**
   * Adds a dynamically linked executable from this machine together with its program interpreter
   * and every shared library it needs, found the way the dynamic loader finds them (see
   * {@link io.github.scratch4j.elf.DependencyResolver}). The binary keeps its path
   * ({@code /usr/bin/curl} goes to {@code /usr/bin/curl}), so {@code $ORIGIN} paths still work;
   * libraries and the symbolic links that lead to them keep theirs. A static binary is added alone.
   *
   * @param binary the executable on this machine
   * @return a new image with the binary, its interpreter, libraries and links in its current layer
   * @throws java.io.UncheckedIOException if the binary does not exist, is not ELF, or it or a
   *     library cannot be read or is malformed, or the interpreter or a library cannot be found
   *     (naming each missing one)
   * @throws InvalidEntryException if a path it adds is already taken in this layer by something
   *     else, a directory on its way is a file in the image, or the image's links on its way loop
   */
  @CheckReturnValue
  public Image addWithLibraries(Path binary) {
    Path absolute = binary.toAbsolutePath().normalize();
    return addWithLibraries(Path.of("/"), absolute.toString());
  }

  /**
   * Adds the executable at {@code binary}, a path inside the root directory {@code root} (such as
   * an unpacked distribution), with its interpreter and libraries from that root, each at its path
   * in the root; see {@link #addWithLibraries(Path)}.
   *
   * @param root the directory on disk that stands for {@code /}
   * @param binary the executable's absolute path inside {@code root}
   * @return a new image with the binary, its interpreter, libraries and links in its current layer
   * @throws java.io.UncheckedIOException if the binary does not exist, is not ELF, or it or a
   *     library cannot be read or is malformed, or the interpreter or a library cannot be found
   *     in the root (naming each missing one)
   * @throws InvalidEntryException if a path it adds is already taken in this layer by something
   *     else, a directory on its way is a file in the image, or the image's links on its way loop
   */
  @CheckReturnValue
  public Image addWithLibraries(Path root, String binary) {
    io.github.scratch4j.elf.DependencyClosure closure;
    try {
      closure = io.github.scratch4j.elf.DependencyResolver.of(io.github.scratch4j.elf.RootFileSystem.of(root))
          .resolve(binary);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot add " + binary + " with its libraries: " + e.getMessage(), e);
    }
    // A closure adds links first and then files, which may lie under those links.
    return withOpenLayer((b, places) -> {
      io.github.scratch4j.internal.plan.Closures.addTo(b, closure, places);
      return b;
    }, true);
  }

  /**
   * Adds a name, such as {@code hello:latest} or {@code localhost:5000/hello:1.0}. An image
   * without one is named after its entrypoint's file name, {@code <name>:latest}.
   *
   * @param reference the name, with an optional registry and tag ({@code latest} if none)
   * @return a new image with that name added to its tags (once)
   * @throws InvalidReferenceException if the reference is not valid or pins a digest
   */
  @CheckReturnValue
  public Image tag(String reference) {
    ImageReference parsed = ImageReference.parse(reference);
    if (parsed.digest().isPresent()) {
      throw new InvalidReferenceException("a tag cannot pin a digest: '" + reference + "'");
    }
    return withTags(parsed);
  }

  Image withTags(ImageReference... more) {
    List<ImageReference> next = new ArrayList<>(tags);
    for (ImageReference r : more) {
      if (!next.contains(r)) {
        next.add(r);
      }
    }
    return new Image(layers, config, next, lastLayerOpen, inherited, skipped, lower);
  }

  /**
   * The layers, base first.
   *
   * @return an unmodifiable list, empty for an image from scratch with nothing added
   */
  public List<Layer> layers() {
    return layers;
  }

  /**
   * The configuration.
   *
   * @return the configuration set on this image or inherited from its base
   */
  public ImageConfig config() {
    return config;
  }

  /**
   * The names given with {@link #tag}, or read with the image.
   *
   * @return an unmodifiable list in the order given, empty when the image has none
   */
  public List<ImageReference> tags() {
    return tags;
  }

  /**
   * The image's file system as a container sees it: every layer applied in order, whiteouts
   * included. For stored layers this reads their blobs.
   *
   * @return an unmodifiable map from each absolute path to its entry, sorted by path; the
   *     whiteouts are applied, not listed
   * @throws java.io.UncheckedIOException if a stored layer's blob cannot be read or is malformed
   */
  public SortedMap<String, Entry> fileSystem() {
    return LayeredFileSystem.of(layers).entries();
  }

  /**
   * Writes the image's root file system into a directory: every layer applied in order, with its
   * whiteouts, as a container runtime would see it (for {@code runc} or {@code crun}, or to look at
   * an image's files in a test). Files, directories and symbolic links get the modes and
   * modification times of their entries; symbolic links are made as links and never followed out
   * of the directory: a link met on the way to an entry is followed as a process chrooted into the
   * directory would (absolute targets from its root, {@code ..} stopping there). Owners are given
   * only with {@link UnpackOption#OWNERS}; device nodes and named pipes are left out.
   *
   * <p>The tree is made beside {@code dir} and renamed into place once whole: a failure leaves
   * {@code dir} as it was, and nothing is ever written outside it.
   *
   * @param dir the directory to make; it must not exist or be empty, unless
   *     {@link UnpackOption#REPLACE} is given
   * @param options how to treat the target and the owners
   * @throws java.nio.file.FileAlreadyExistsException if {@code dir} is not empty (without
   *     {@link UnpackOption#REPLACE}) or is not a directory
   * @throws UnsafePathException if an entry would be made under something that is not a directory,
   *     or a hard link names nothing in the root
   * @throws IOException if a layer cannot be read or the directory cannot be written
   */
  public void unpackTo(Path dir, UnpackOption... options) throws IOException {
    Unpacker.unpack(layers, Objects.requireNonNull(dir, "dir"), optionSet(options));
  }

  private static Set<UnpackOption> optionSet(UnpackOption... options) {
    Set<UnpackOption> set = EnumSet.noneOf(UnpackOption.class);
    for (UnpackOption o : options) {
      set.add(Objects.requireNonNull(o, "options must not contain null"));
    }
    return set;
  }

  /**
   * Writes an OCI runtime bundle of the image into a directory: its root file system in
   * {@code rootfs/}, unpacked as {@link #unpackTo} does, and {@code config.json} (runtime-spec
   * 1.0.2) for the process and the isolation and limits {@code config} sets, which
   * {@code runc run --bundle dir ID} and {@code crun run --bundle dir ID} start. The process is the
   * image's entrypoint and command (or {@link RuntimeConfig#args}), with its environment (and a
   * default {@code PATH} when it sets none), working directory and user, resolved to numbers with
   * the image's own {@code /etc/passwd} and {@code /etc/group}.
   *
   * <p>The bundle is made beside {@code dir} and renamed into place once whole: a failure leaves
   * {@code dir} as it was.
   *
   * @param dir the directory to make; it must not exist or be empty, unless
   *     {@link UnpackOption#REPLACE} is given
   * @param config the isolation, the limits and the process
   * @param options how to treat the target and the owners
   * @throws IllegalStateException if the image and {@code config} name nothing to run, the user
   *     or group is not in the image's {@code /etc/passwd} or {@code /etc/group}, or a user
   *     namespace is asked for a user other than root
   * @throws java.nio.file.FileAlreadyExistsException if {@code dir} is not empty (without
   *     {@link UnpackOption#REPLACE}) or is not a directory
   * @throws UnsafePathException if an entry would be made under something that is not a directory
   * @throws IOException if a layer cannot be read or the directory cannot be written
   */
  public void writeBundle(Path dir, RuntimeConfig config, UnpackOption... options) throws IOException {
    Objects.requireNonNull(config, "config");
    Bundles.write(layers, config(), path -> file(path).map(f -> {
      try {
        return f.readString();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }), Objects.requireNonNull(dir, "dir"), config, optionSet(options));
  }

  /**
   * The image's software bill of materials: an SPDX 2.3 JSON document listing every regular file
   * of its file system (path, SHA-1, SHA-256) in one package for the image. An ELF file's comment
   * gives its class, machine, linkage, interpreter, needed libraries, soname and GNU build ID; a Go
   * binary adds a package for its main module and each dependency from its build information, as
   * {@code go version -m} prints them, related to the file as what it is generated from. The same
   * image gives the same bytes: files in path order, created at the image's creation time (the
   * epoch when it has none).
   *
   * @return the document's UTF-8 bytes
   * @throws IOException if a file's content cannot be read
   */
  public byte[] sbom() throws IOException {
    String name = tags.isEmpty() ? "image" : tags.get(0).fullName();
    return io.github.scratch4j.internal.sbom.Sboms.write(name, config.created().orElse(java.time.Instant.EPOCH),
        fileSystem());
  }

  /**
   * Attaches this image's {@link #sbom()} to the image a reference names in a registry, as an OCI
   * 1.1 referrer: a manifest of {@code artifactType application/spdx+json} whose {@code subject}
   * is that image's manifest. Where the registry has no referrers API (it answers without
   * {@code OCI-Subject}, as the distribution registry 2.8 does), the referrer is also listed in the
   * index at the tag {@code sha256-<hex>} of the subject, which the distribution-spec's referrers
   * tag schema keeps; what that index listed stays.
   *
   * @param reference the image this SBOM describes, best by the digest {@link #pushTo} returned
   * @param options where to connect and how
   * @return the digest of the referrer manifest
   * @throws RegistryException if the registry refuses, or has no such image
   * @throws IOException if the registry cannot be reached or a file cannot be read
   */
  public Digest pushSbomTo(String reference, RegistryOptions options) throws IOException {
    ImageReference ref = ImageReference.parse(reference);
    return io.github.scratch4j.internal.registry.Referrers.attach(ref, "application/spdx+json", sbom(),
        Objects.requireNonNull(options, "options")).manifest();
  }

  /**
   * The entry at a path of the image's file system, whatever it is.
   *
   * @param path an absolute path in the image, such as {@code /etc/passwd}; it is normalized
   *     ({@code /etc//passwd/} is {@code /etc/passwd}), and symbolic links on the way are not followed
   * @return the entry, or empty when the image has nothing there
   * @throws InvalidEntryException if {@code path} is not a valid path (empty, {@code ..}, NUL)
   */
  public Optional<Entry> entry(String path) {
    return Optional.ofNullable(fileSystem().get(io.github.scratch4j.internal.EntryPaths.normalize(path)));
  }

  /**
   * The regular file at a path, to read in a test without a cast: {@code
   * image.file("/etc/motd").orElseThrow().readString()}. A hard link gives the file it links to.
   *
   * @param path an absolute path in the image; symbolic links on the way are not followed
   * @return the file, or empty when the image has no regular file there (nothing, or a directory,
   *     a symbolic link or a special file)
   * @throws InvalidEntryException if {@code path} is not a valid path
   */
  public Optional<FileEntry> file(String path) {
    SortedMap<String, Entry> all = fileSystem();
    Entry e = all.get(io.github.scratch4j.internal.EntryPaths.normalize(path));
    if (e instanceof HardlinkEntry h) {
      e = all.get(h.target());
    }
    return e instanceof FileEntry f ? Optional.of(f) : Optional.empty();
  }

  /**
   * The symbolic link at a path, not followed.
   *
   * @param path an absolute path in the image
   * @return the link, with its target as stored, or empty when there is no symbolic link there
   * @throws InvalidEntryException if {@code path} is not a valid path
   */
  public Optional<SymlinkEntry> symlink(String path) {
    return entry(path).filter(SymlinkEntry.class::isInstance).map(SymlinkEntry.class::cast);
  }

  /**
   * The directory at a path, not through a symbolic link.
   *
   * @param path an absolute path in the image
   * @return the directory, or empty when there is no directory there
   * @throws InvalidEntryException if {@code path} is not a valid path
   */
  public Optional<DirectoryEntry> directory(String path) {
    return entry(path).filter(DirectoryEntry.class::isInstance).map(DirectoryEntry.class::cast);
  }

  /**
   * The image's file system as {@code ls -l} would list it, one line per entry in path order:
   * {@code -rwxr-xr-x 0:0 165 /hello}, {@code drwxr-xr-x 0:0 /etc/}, {@code lrwxrwxrwx 0:0 /bin -> usr/bin}
   * (type, permissions, uid:gid, size of a file, path).
   *
   * @return the lines, unmodifiable
   */
  public List<String> listing() {
    return io.github.scratch4j.internal.Listing.of(fileSystem().values());
  }

  /**
   * Writes the image as one tar that {@code docker load}, {@code podman load} and skopeo's
   * {@code docker-archive:} and {@code oci-archive:} transports read, or, when {@code target} is an
   * existing directory, as an OCI image layout there. A file appears only once complete; a failed
   * write leaves nothing at {@code target}.
   *
   * @param target the archive file to create or replace, or an existing directory to write an
   *     image layout in (empty, or a layout already, which the image is added to)
   * @return the manifest written; its config digest is the image ID
   * @throws ImageCheckException before anything is written, if the image would not start or holds
   *     what a container never sees; it lists every problem with its fix (see {@link ImageCheck});
   *     {@link MissingDependencyException} or {@link PlatformConflictException} when every problem
   *     is of that kind
   * @throws SourceChangedException if a file added to the image grew, shrank, changed or was
   *     removed after it was added, or while it was read
   * @throws DigestMismatchException if a stored layer's blob (from a base image or
   *     {@link Layer#ofBlob}) does not have the digest or size its descriptor says
   * @throws ImageFormatException if a stored layer is malformed, or {@code target} is a directory
   *     that is neither empty nor an image layout
   * @throws IOException if a source cannot be read, or the target cannot be written (its parent
   *     directory missing, for one)
   */
  public Manifest writeTo(Path target) throws IOException {
    return writeTo(target, WriteOptions.defaults());
  }

  /**
   * Writes the image as {@link #writeTo(Path)} does, in the format and compression the options say.
   *
   * @param target the archive file to create or replace, or the directory to write an image
   *     layout in: with {@link WriteOptions.Format#OCI_LAYOUT}, a directory that is empty, an
   *     image layout already, or absent (it is then made, in a parent that must exist)
   * @param options the format (by default chosen from {@code target}) and the layers' compression
   * @return the manifest written; its config digest is the image ID
   * @throws ImageCheckException before anything is written, if the image would not start or holds
   *     what a container never sees; it lists every problem with its fix (see {@link ImageCheck});
   *     {@link MissingDependencyException} or {@link PlatformConflictException} when every problem
   *     is of that kind
   * @throws SourceChangedException if a file added to the image grew, shrank, changed or was
   *     removed after it was added, or while it was read
   * @throws DigestMismatchException if a stored layer's blob (from a base image or
   *     {@link Layer#ofBlob}) does not have the digest or size its descriptor says
   * @throws ImageFormatException if a stored layer is malformed, or {@code target} is a directory
   *     that is neither empty nor an image layout
   * @throws IOException if a source cannot be read, or the target cannot be written (its parent
   *     directory missing, or a file where a layout is asked for)
   */
  public Manifest writeTo(Path target, WriteOptions options) throws IOException {
    return ArchiveWriting.toPath(List.of(plan(options.sbom())), target, options).get(0);
  }

  /**
   * Writes the same bytes as {@link #writeTo(Path)} to a stream, which is left open. The tar names
   * a blob by its digest before its content, so a layer of at most 4 MiB is generated once into
   * memory; a larger uncompressed one is read twice, first to compute its digest, and a larger
   * compressed one is spooled to a temporary file.
   *
   * @param out the stream to write the archive to; it is flushed, not closed
   * @return the manifest written; its config digest is the image ID
   * @throws ImageCheckException before anything is written, if the image would not start or holds
   *     what a container never sees; it lists every problem with its fix (see {@link ImageCheck});
   *     {@link MissingDependencyException} or {@link PlatformConflictException} when every problem
   *     is of that kind
   * @throws SourceChangedException if a file added to the image grew, shrank, changed or was
   *     removed after it was added, or between the two reads; the stream has then received part of
   *     the archive
   * @throws DigestMismatchException if a stored layer's blob (from a base image or
   *     {@link Layer#ofBlob}) does not have the digest or size its descriptor says
   * @throws ImageFormatException if a stored layer is malformed
   * @throws IOException if a source cannot be read or the stream cannot be written
   */
  public Manifest writeTo(OutputStream out) throws IOException {
    return writeTo(out, WriteOptions.defaults());
  }

  /**
   * Writes the image as {@link #writeTo(OutputStream)} does, with the given compression.
   *
   * @param out the stream to write the archive to; it is flushed, not closed
   * @param options the layers' compression; the format must be empty or
   *     {@link WriteOptions.Format#ARCHIVE}
   * @return the manifest written; its config digest is the image ID
   * @throws IllegalArgumentException if the options ask for {@link WriteOptions.Format#OCI_LAYOUT},
   *     which is a directory
   * @throws ImageCheckException before anything is written, if the image would not start or holds
   *     what a container never sees; it lists every problem with its fix (see {@link ImageCheck});
   *     {@link MissingDependencyException} or {@link PlatformConflictException} when every problem
   *     is of that kind
   * @throws SourceChangedException if a file added to the image grew, shrank, changed or was
   *     removed after it was added, or between the two reads; the stream has then received part of
   *     the archive
   * @throws DigestMismatchException if a stored layer's blob (from a base image or
   *     {@link Layer#ofBlob}) does not have the digest or size its descriptor says
   * @throws ImageFormatException if a stored layer is malformed
   * @throws IOException if a source cannot be read or the stream cannot be written
   */
  public Manifest writeTo(OutputStream out, WriteOptions options) throws IOException {
    return ArchiveWriting.toStream(List.of(plan(options.sbom())), out, options).get(0);
  }

  /**
   * This image with its working directory added when no layer has it (as a directory, at the path
   * the image's links lead to), since Docker and runc would create it at start. A path through a
   * file is left for the checks to report.
   */
  private Image withWorkingDirectory() {
    if (config.workingDir().isEmpty()) {
      return this;
    }
    String dir = config.workingDir().get();
    try {
      if (dir.replace("/", "").isEmpty() || !lowerFor(layers).lacks(io.github.scratch4j.internal.EntryPaths.normalize(dir))) {
        return this;
      }
      return add(Entry.directory(dir));
    } catch (InvalidEntryException e) {
      return this;
    }
  }

  /**
   * Every decision of a write, made once. A layer made with {@link Layer#ofBlob} reads its entries
   * here, through an API that cannot throw a checked exception: its failure is unwrapped back into
   * the {@code IOException} it is.
   */
  /**
   * Writes the image for {@link DockerDaemon}: the docker-archive side of {@link
   * #writeTo(OutputStream)}, its layers written as they are hashed.
   */
  Manifest writeForDaemon(OutputStream out) throws IOException {
    return ArchiveWriting.forDaemon(plan(), out);
  }

  /** The plan, with the image's SBOM when {@code sbom} asks for it. */
  PlannedImage plan(boolean sbom) throws IOException {
    PlannedImage plan = plan();
    return sbom ? plan.withSbom(sbom()) : plan;
  }

  PlannedImage plan() throws IOException {
    Image image = withWorkingDirectory();
    try {
      return ImagePlanner.plan(image.layers, config, tags, skipped, inherited.platform());
    } catch (java.io.UncheckedIOException e) {
      IOException cause = e.getCause();
      if (java.util.Objects.equals(e.getMessage(), cause.getMessage())) {
        throw cause;
      }
      // Keep the context the wrapper added (which file was being checked) and the kind of problem.
      throw cause instanceof ImageFormatException
          ? new ImageFormatException(e.getMessage(), cause) : new IOException(e.getMessage(), cause);
    }
  }

  /**
   * Images are equal when every call treats them alike: their layers ({@link Layer#equals}),
   * configuration and tags are equal, and so is what decides how later calls treat them: whether
   * the last layer takes further adds, which of the command and platform the image has from a base
   * image (a new {@link #entrypoint} clears an inherited command; a write that finds an
   * executable for another architecture names the base's platform, or the one set, as the cause),
   * and the checks turned off with {@link #without}. So an image
   * built with {@link #add(Layer)} and {@link #config(ImageConfig)} from the layers and
   * configuration of a base does not equal that base as {@link #from(Path)} gives it.
   *
   * @param o the object to compare with
   * @return whether {@code o} is an image equal to this one
   */
  @Override
  public boolean equals(Object o) {
    // lower is left out: a cache of what the layers give, made again on demand.
    return o instanceof Image i && layers.equals(i.layers) && config.equals(i.config) && tags.equals(i.tags)
        && lastLayerOpen == i.lastLayerOpen && inherited.equals(i.inherited) && skipped.equals(i.skipped);
  }

  @Override
  public int hashCode() {
    return Objects.hash(layers, config, tags, lastLayerOpen, inherited, skipped);
  }

  @Override
  public String toString() {
    return "Image[" + layers.size() + " layers, " + config + ", tags=" + tags + "]";
  }
}
