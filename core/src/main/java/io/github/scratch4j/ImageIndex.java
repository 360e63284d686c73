package io.github.scratch4j;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One image for several platforms: an OCI image index with one manifest per platform (OCI
 * image-spec, image-index.md), such as an amd64 and an arm64 build of the same program.
 *
 * <p>Immutable; every change returns a new index.
 */
public final class ImageIndex {
  private final List<Image> images;
  private final List<ImageReference> tags;

  private ImageIndex(List<Image> images, List<ImageReference> tags) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("an image index needs at least one image");
    }
    this.images = List.copyOf(images);
    this.tags = List.copyOf(tags);
  }

  /**
   * An index of the given images, one per platform, in order. The first is the one that loaders
   * reading only one image (such as {@code docker load} of an archive's {@code manifest.json}) get.
   */
  @CheckReturnValue
  public static ImageIndex of(Image... images) {
    return new ImageIndex(List.of(images), List.of());
  }

  /** An index of the given images; see {@link #of(Image...)}. */
  @CheckReturnValue
  public static ImageIndex of(List<Image> images) {
    return new ImageIndex(images, List.of());
  }

  /** Adds a name; see {@link Image#tag}. */
  @CheckReturnValue
  public ImageIndex tag(String reference) {
    ImageReference parsed = ImageReference.parse(reference);
    if (parsed.digest().isPresent()) {
      throw new InvalidReferenceException("a tag cannot pin a digest: '" + reference + "'");
    }
    List<ImageReference> next = new ArrayList<>(tags);
    if (!next.contains(parsed)) {
      next.add(parsed);
    }
    return new ImageIndex(images, next);
  }

  /** The images, one per platform. */
  public List<Image> images() {
    return images;
  }

  /** The names given with {@link #tag}. */
  public List<ImageReference> tags() {
    return tags;
  }

  ImageIndex withTags(List<ImageReference> more) {
    List<ImageReference> next = new ArrayList<>(tags);
    more.stream().filter(t -> !next.contains(t)).forEach(next::add);
    return new ImageIndex(images, next);
  }

  /** The image for {@code linux} and the architecture Java runs on. */
  Image forHost() throws ImageFormatException {
    String arch = switch (System.getProperty("os.arch")) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      case "x86", "i386", "i686" -> "386";
      default -> System.getProperty("os.arch");
    };
    for (Image image : images) {
      if (image.config().platform().filter(p -> p.os().equals("linux") && p.architecture().equals(arch)).isPresent()) {
        return image;
      }
    }
    throw new ImageFormatException("the image index has no image for linux/" + arch + "; it has "
        + images.stream().map(i -> i.config().platform().map(Platform::toString).orElse("?")).toList());
  }

  io.github.scratch4j.internal.build.PlannedIndex plan() throws IOException {
    List<io.github.scratch4j.internal.build.PlannedImage> plans = new java.util.ArrayList<>();
    for (Image i : images) {
      plans.add(i.plan());
    }
    return new io.github.scratch4j.internal.build.PlannedIndex(plans, tags);
  }

  /**
   * Writes the index and its images; see {@link Image#writeTo(Path)}.
   *
   * @throws ImageCheckException before anything is written, if one of its images would not start
   *     or holds what a container never sees; it lists every problem with its fix (see {@link ImageCheck})
   */
  public void writeTo(Path target) throws IOException {
    Archive.builder().add(this).build().writeTo(target);
  }

  /**
   * Writes the index and its images with options; see {@link Image#writeTo(Path, WriteOptions)}.
   *
   * @throws ImageCheckException before anything is written, if one of its images would not start
   *     or holds what a container never sees; it lists every problem with its fix (see {@link ImageCheck})
   */
  public void writeTo(Path target, WriteOptions options) throws IOException {
    Archive.builder().add(this).build().writeTo(target, options);
  }

  /**
   * Pushes the index with the default {@link RegistryOptions}; see {@link #pushTo(String, RegistryOptions)}.
   *
   * @throws ImageCheckException before anything is written, if one of its images would not start
   *     or holds what a container never sees; it lists every problem with its fix (see {@link ImageCheck})
   */
  public Digest pushTo(String reference) throws IOException {
    return pushTo(reference, RegistryOptions.defaults());
  }

  /**
   * Pushes every image of the index (its blobs, then its manifest by digest) and then the index,
   * to the reference's tag ({@code latest} if it has none); see {@link Image#pushTo(String, RegistryOptions)}.
   *
   * @return the digest of the pushed index
   * @throws RegistryException if the registry refuses or fails, after retries
   * @throws ImageCheckException before anything is written, if one of its images would not start
   *     or holds what a container never sees; it lists every problem with its fix (see {@link ImageCheck})
   */
  public Digest pushTo(String reference, RegistryOptions options) throws IOException {
    ImageReference ref = ImageReference.parse(reference);
    return io.github.scratch4j.internal.registry.Pusher.push(this::writeTo, ref, Objects.requireNonNull(options, "options"));
  }

  /**
   * Writes the same bytes as {@link #writeTo(Path)} to a stream, which is left open.
   *
   * @throws ImageCheckException before anything is written, if one of its images would not start
   *     or holds what a container never sees; it lists every problem with its fix (see {@link ImageCheck})
   */
  public void writeTo(OutputStream out) throws IOException {
    Archive.builder().add(this).build().writeTo(out);
  }

  /**
   * Writes the same bytes as {@link #writeTo(Path, WriteOptions)} to a stream, which is left open.
   *
   * @throws ImageCheckException before anything is written, if one of its images would not start
   *     or holds what a container never sees; it lists every problem with its fix (see {@link ImageCheck})
   */
  public void writeTo(OutputStream out, WriteOptions options) throws IOException {
    Archive.builder().add(this).build().writeTo(out, options);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageIndex i && images.equals(i.images) && tags.equals(i.tags);
  }

  @Override
  public int hashCode() {
    return Objects.hash(images, tags);
  }

  @Override
  public String toString() {
    return "ImageIndex[" + images.size() + " images, tags=" + tags + "]";
  }
}
