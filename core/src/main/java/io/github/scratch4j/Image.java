package io.github.scratch4j;

import io.github.scratch4j.internal.archive.ArchiveWriting;
import io.github.scratch4j.internal.build.ImagePlanner;
import io.github.scratch4j.internal.build.PlannedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * <p>Files added with consecutive {@code add} calls share one layer; {@link #add(Layer)} appends
 * a layer of its own, and the next {@code add} of a path starts a new one.
 */
public final class Image {
  private final List<Layer> layers;
  private final ImageConfig config;
  private final List<ImageReference> tags;
  /** Whether the last layer was made by {@code add(Path...)} and takes further adds. */
  private final boolean lastLayerOpen;

  private Image(List<Layer> layers, ImageConfig config, List<ImageReference> tags, boolean lastLayerOpen) {
    this.layers = List.copyOf(layers);
    this.config = config;
    this.tags = List.copyOf(tags);
    this.lastLayerOpen = lastLayerOpen;
  }

  /** An image with no layers and an empty configuration, like Docker's {@code FROM scratch}. */
  public static Image fromScratch() {
    return new Image(List.of(), ImageConfig.empty(), List.of(), false);
  }

  /**
   * Adds a file, symbolic link or directory tree from disk at {@code /<its file name>}. A file's
   * executable bit is kept; see {@link CopyOption} for the defaults.
   *
   * @throws java.io.UncheckedIOException if the source does not exist or cannot be read
   */
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
   * @throws java.io.UncheckedIOException if the source does not exist or cannot be read
   * @throws InvalidEntryException if the destination is invalid or already taken in this layer
   */
  public Image add(Path source, String destination, CopyOption... options) {
    String target = destination;
    if (destination.endsWith("/") && destination.replace("/", "").length() > 0) {
      Path name = source.toAbsolutePath().normalize().getFileName();
      target = destination + (name == null ? "" : name.toString());
    }
    String finalTarget = target;
    return withOpenLayer(b -> b.addPath(source, finalTarget, options));
  }

  /** Adds an entry, such as a file made from bytes, to the current layer. */
  public Image add(Entry entry) {
    return withOpenLayer(b -> b.add(entry));
  }

  /** Appends a layer. */
  public Image add(Layer layer) {
    List<Layer> next = new ArrayList<>(layers);
    next.add(Objects.requireNonNull(layer, "layer"));
    return new Image(next, config, tags, false);
  }

  private Image withOpenLayer(UnaryOperator<Layer.Builder> change) {
    List<Layer> next = new ArrayList<>(layers);
    Layer.Builder builder;
    if (lastLayerOpen) {
      builder = next.remove(next.size() - 1).toBuilder();
    } else {
      builder = Layer.builder();
    }
    next.add(change.apply(builder).build());
    return new Image(next, config, tags, true);
  }

  /** Sets the program and arguments the container runs. */
  public Image entrypoint(String... argv) {
    return config(config.toBuilder().entrypoint(argv).build());
  }

  /** Sets the default arguments, passed to the entrypoint or run as the command. */
  public Image cmd(String... argv) {
    return config(config.toBuilder().cmd(argv).build());
  }

  /** Sets an environment variable. */
  public Image env(String name, String value) {
    return config(config.toBuilder().env(name, value).build());
  }

  /** Sets the working directory. */
  public Image workingDir(String directory) {
    return config(config.toBuilder().workingDir(directory).build());
  }

  /** Sets the user the process runs as ({@code name}, {@code uid}, {@code uid:gid}). */
  public Image user(String user) {
    return config(config.toBuilder().user(user).build());
  }

  /** Exposes a port, as {@code 8080} or {@code 53/udp}. */
  public Image expose(String port) {
    return config(config.toBuilder().exposedPort(port).build());
  }

  /** Sets a label. */
  public Image label(String key, String value) {
    return config(config.toBuilder().label(key, value).build());
  }

  /** Sets the platform; without one it is taken from the entrypoint's ELF header. */
  public Image platform(Platform platform) {
    return config(config.toBuilder().platform(platform).build());
  }

  /** Replaces the whole configuration. */
  public Image config(ImageConfig newConfig) {
    return new Image(layers, Objects.requireNonNull(newConfig, "config"), tags, lastLayerOpen);
  }

  /**
   * Adds a name, such as {@code hello:latest} or {@code localhost:5000/hello:1.0}. An image
   * without one is named after its entrypoint's file name, {@code <name>:latest}.
   *
   * @throws InvalidReferenceException if the reference is not valid
   */
  public Image tag(String reference) {
    ImageReference parsed = ImageReference.parse(reference);
    if (parsed.digest().isPresent()) {
      throw new InvalidReferenceException("a tag cannot pin a digest: '" + reference + "'");
    }
    List<ImageReference> next = new ArrayList<>(tags);
    if (!next.contains(parsed)) {
      next.add(parsed);
    }
    return new Image(layers, config, next, lastLayerOpen);
  }

  /** The layers, base first. */
  public List<Layer> layers() {
    return layers;
  }

  /** The configuration. */
  public ImageConfig config() {
    return config;
  }

  /** The names given with {@link #tag}. */
  public List<ImageReference> tags() {
    return tags;
  }

  /**
   * Writes the image as one tar that {@code docker load}, {@code podman load} and skopeo's
   * {@code docker-archive:} and {@code oci-archive:} transports read. The file appears only once
   * complete; a failed write leaves nothing at {@code target}.
   *
   * @return the manifest written; its config digest is the image ID
   * @throws IOException if a source cannot be read or changed while it was read, or the target
   *     cannot be written
   */
  public Manifest writeTo(Path target) throws IOException {
    return ArchiveWriting.toFile(List.of(plan()), target).get(0);
  }

  /**
   * Writes the same bytes as {@link #writeTo(Path)} to a stream, which is left open. Each layer is
   * read twice, first to compute its digest, because the tar names a blob before its content.
   *
   * @return the manifest written
   */
  public Manifest writeTo(OutputStream out) throws IOException {
    return ArchiveWriting.toStream(List.of(plan()), out).get(0);
  }

  PlannedImage plan() {
    return ImagePlanner.plan(layers, config, tags);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Image i && layers.equals(i.layers) && config.equals(i.config) && tags.equals(i.tags);
  }

  @Override
  public int hashCode() {
    return Objects.hash(layers, config, tags);
  }

  @Override
  public String toString() {
    return "Image[" + layers.size() + " layers, " + config + ", tags=" + tags + "]";
  }
}
