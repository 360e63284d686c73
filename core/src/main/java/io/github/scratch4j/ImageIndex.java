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
   *
   * @param images the images, at least one, each for another platform
   * @return a new index without tags
   * @throws IllegalArgumentException if there is no image
   * @throws NullPointerException if an image is null
   */
  @CheckReturnValue
  public static ImageIndex of(Image... images) {
    return new ImageIndex(List.of(images), List.of());
  }

  /**
   * An index of the given images; see {@link #of(Image...)}.
   *
   * @param images the images, at least one, each for another platform; copied
   * @return a new index without tags
   * @throws IllegalArgumentException if the list is empty
   * @throws NullPointerException if the list is null or holds null
   */
  @CheckReturnValue
  public static ImageIndex of(List<Image> images) {
    return new ImageIndex(images, List.of());
  }

  /** The index a reader read, its images made as {@link Image} makes those read. */
  static ImageIndex of(io.github.scratch4j.internal.read.ReadIndex read) {
    return new ImageIndex(read.images().stream().map(Image::of).toList(), read.tags());
  }

  /**
   * Adds a name; see {@link Image#tag}.
   *
   * @param reference the name, with an optional registry and tag ({@code latest} if none)
   * @return a new index with that name added to its tags (once)
   * @throws InvalidReferenceException if the reference is not valid or pins a digest
   */
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

  /**
   * The images, one per platform.
   *
   * @return an unmodifiable list, in the order given; never empty
   */
  public List<Image> images() {
    return images;
  }

  /**
   * The names given with {@link #tag}, or read with the index.
   *
   * @return an unmodifiable list, empty when the index has none
   */
  public List<ImageReference> tags() {
    return tags;
  }

  ImageIndex withTags(List<ImageReference> more) {
    List<ImageReference> next = new ArrayList<>(tags);
    more.stream().filter(t -> !next.contains(t)).forEach(next::add);
    return new ImageIndex(images, next);
  }

  /** The image for the platform Java runs on, by the rule a pull uses ({@code HostPlatform}). */
  Image forHost() throws ImageFormatException {
    Platform host = io.github.scratch4j.internal.HostPlatform.get();
    for (Image image : images) {
      if (image.config().platform().filter(p -> io.github.scratch4j.internal.HostPlatform.serves(p, host)).isPresent()) {
        return image;
      }
    }
    throw new ImageFormatException("the image index has no image for " + host + "; it has "
        + images.stream().map(i -> i.config().platform().map(Platform::toString).orElse("?")).toList());
  }

  io.github.scratch4j.internal.plan.PlannedIndex plan(boolean sbom) throws IOException {
    List<io.github.scratch4j.internal.plan.PlannedImage> plans = new java.util.ArrayList<>();
    for (Image i : images) {
      plans.add(i.plan(sbom));
    }
    return new io.github.scratch4j.internal.plan.PlannedIndex(plans, tags);
  }

  /**
   * Writes the index and its images; see {@link Image#writeTo(Path)}.
   *
   * @param target the archive file to create or replace, or an existing directory to write an
   *     image layout in
   * @throws IllegalArgumentException if two of its images are for the same platform, or two
   *     images have the same tag
   * @throws ImageCheckException before anything is written, if one of its images would not start
   *     or holds what a container never sees; it lists every problem with its fix (see {@link ImageCheck});
   *     {@link MissingDependencyException} or {@link PlatformConflictException} when every problem
   *     of an image is of that kind
   * @throws SourceChangedException if a file added to an image changed after it was added, or
   *     while it was read
   * @throws DigestMismatchException if a stored layer's blob does not have the digest or size its
   *     descriptor says
   * @throws ImageFormatException if a stored layer is malformed, or {@code target} is a directory
   *     that is neither empty nor an image layout
   * @throws IOException if a source cannot be read, or the target cannot be written
   */
  public void writeTo(Path target) throws IOException {
    Archive.builder().add(this).build().writeTo(target);
  }

  /**
   * Writes the index and its images with options; see {@link Image#writeTo(Path, WriteOptions)}.
   *
   * @param target the archive file, or the directory to write an image layout in
   * @param options the format (by default chosen from {@code target}) and the layers' compression
   * @throws IllegalArgumentException if two of its images are for the same platform, or two
   *     images have the same tag
   * @throws ImageCheckException before anything is written, if one of its images would not start
   *     or holds what a container never sees; it lists every problem with its fix (see {@link ImageCheck});
   *     {@link MissingDependencyException} or {@link PlatformConflictException} when every problem
   *     of an image is of that kind
   * @throws SourceChangedException if a file added to an image changed after it was added, or
   *     while it was read
   * @throws DigestMismatchException if a stored layer's blob does not have the digest or size its
   *     descriptor says
   * @throws ImageFormatException if a stored layer is malformed, or {@code target} is a directory
   *     that is neither empty nor an image layout
   * @throws IOException if a source cannot be read, or the target cannot be written
   */
  public void writeTo(Path target, WriteOptions options) throws IOException {
    Archive.builder().add(this).build().writeTo(target, options);
  }

  /**
   * Pushes the index with the default {@link RegistryOptions}; see {@link #pushTo(String, RegistryOptions)}.
   *
   * @param reference where to push, such as {@code registry.example.com/team/app:1.0}
   * @return the digest of the pushed index
   * @throws InvalidReferenceException if the reference is malformed
   * @throws IllegalArgumentException if two of its images are for the same platform, or two
   *     images have the same tag
   * @throws ImageCheckException before anything is written, if one of its images would not start
   *     or holds what a container never sees; it lists every problem with its fix (see {@link ImageCheck});
   *     {@link MissingDependencyException} or {@link PlatformConflictException} when every problem
   *     of an image is of that kind
   * @throws SourceChangedException if a file added to an image changed after it was added, or
   *     while it was read
   * @throws RegistryException if the registry refuses or fails, after retries, or a credential
   *     helper fails
   * @throws DigestMismatchException if the reference pins a digest other than the index's, or the
   *     registry stores a blob or manifest under another digest
   * @throws ImageFormatException if a stored layer is malformed or does not match its digest, or
   *     the Docker credentials file is malformed
   * @throws IOException if a source cannot be read
   */
  public Digest pushTo(String reference) throws IOException {
    return pushTo(reference, RegistryOptions.defaults());
  }

  /**
   * Pushes every image of the index (its blobs, then its manifest by digest) and then the index,
   * to the reference's tag ({@code latest} if it has none); see {@link Image#pushTo(String, RegistryOptions)}.
   *
   * @param reference where to push, such as {@code registry.example.com/team/app:1.0}
   * @param options where to connect and how, the credentials, the layers' compression, whether
   *     to attach each image's SBOM ({@link RegistryOptions#withSbom}), and the key to sign the
   *     pushed index with ({@link RegistryOptions#withSigningKey}), if any
   * @return the digest of the pushed index
   * @throws InvalidReferenceException if the reference is malformed
   * @throws NullPointerException if {@code options} is null
   * @throws IllegalArgumentException if two of its images are for the same platform, or two
   *     images have the same tag
   * @throws ImageCheckException before anything is written, if one of its images would not start
   *     or holds what a container never sees; it lists every problem with its fix (see {@link ImageCheck});
   *     {@link MissingDependencyException} or {@link PlatformConflictException} when every problem
   *     of an image is of that kind
   * @throws SourceChangedException if a file added to an image changed after it was added, or
   *     while it was read
   * @throws RegistryException if the registry refuses or fails, after retries, or a credential
   *     helper fails
   * @throws DigestMismatchException if the reference pins a digest other than the index's, or the
   *     registry stores a blob or manifest under another digest
   * @throws ImageFormatException if a stored layer is malformed or does not match its digest, or
   *     the Docker credentials file is malformed
   * @throws IOException if a source cannot be read
   */
  public Digest pushTo(String reference, RegistryOptions options) throws IOException {
    ImageReference ref = ImageReference.parse(reference);
    return io.github.scratch4j.internal.archive.ArchiveWriting.toRegistry(
        () -> plan(Objects.requireNonNull(options, "options").layerOptions().sbom()), ref, options);
  }

  /**
   * Writes the same bytes as {@link #writeTo(Path)} to a stream, which is left open.
   *
   * @param out the stream to write the archive to; it is flushed, not closed
   * @throws IllegalArgumentException if two of its images are for the same platform, or two
   *     images have the same tag
   * @throws ImageCheckException before anything is written, if one of its images would not start
   *     or holds what a container never sees; it lists every problem with its fix (see {@link ImageCheck});
   *     {@link MissingDependencyException} or {@link PlatformConflictException} when every problem
   *     of an image is of that kind
   * @throws SourceChangedException if a file added to an image changed after it was added, or
   *     while it was read; the stream has then received part of the archive
   * @throws DigestMismatchException if a stored layer's blob does not have the digest or size its
   *     descriptor says
   * @throws ImageFormatException if a stored layer is malformed
   * @throws IOException if a source cannot be read or the stream cannot be written
   */
  public void writeTo(OutputStream out) throws IOException {
    Archive.builder().add(this).build().writeTo(out);
  }

  /**
   * Writes the same bytes as {@link #writeTo(Path, WriteOptions)} to a stream, which is left open.
   *
   * @param out the stream to write the archive to; it is flushed, not closed
   * @param options the layers' compression; the format must be empty or
   *     {@link WriteOptions.Format#ARCHIVE}
   * @throws IllegalArgumentException if the options ask for {@link WriteOptions.Format#OCI_LAYOUT},
   *     two of its images are for the same platform, or two images have the same tag
   * @throws ImageCheckException before anything is written, if one of its images would not start
   *     or holds what a container never sees; it lists every problem with its fix (see {@link ImageCheck});
   *     {@link MissingDependencyException} or {@link PlatformConflictException} when every problem
   *     of an image is of that kind
   * @throws SourceChangedException if a file added to an image changed after it was added, or
   *     while it was read; the stream has then received part of the archive
   * @throws DigestMismatchException if a stored layer's blob does not have the digest or size its
   *     descriptor says
   * @throws ImageFormatException if a stored layer is malformed
   * @throws IOException if a source cannot be read or the stream cannot be written
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
