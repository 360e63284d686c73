package io.github.scratch4j;

import io.github.scratch4j.internal.archive.ArchiveWriting;
import io.github.scratch4j.internal.plan.Planned;
import io.github.scratch4j.internal.read.ArchiveReader;
import io.github.scratch4j.internal.read.ReadArtifact;
import io.github.scratch4j.internal.read.ReadImage;
import io.github.scratch4j.internal.read.ReadIndex;
import io.github.scratch4j.internal.source.Stored;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Several images and image indexes in one archive, each with its own tags; blobs they share are
 * stored once.
 *
 * <p>Immutable; build one with {@link #builder()} or {@link #of(Image...)}, or read one with
 * {@link #read(Path)}.
 */
public final class Archive {
  /** Images and indexes, in the order they were added. */
  private final List<Item> artifacts;

  /** One image or one index of an archive. */
  private sealed interface Item {
    Planned plan(boolean sbom) throws IOException;
  }

  private record OfImage(Image image) implements Item {
    @Override
    public Planned plan(boolean sbom) throws IOException {
      return image.plan(sbom);
    }
  }

  private record OfIndex(ImageIndex index) implements Item {
    @Override
    public Planned plan(boolean sbom) throws IOException {
      return index.plan(sbom);
    }
  }

  private Archive(List<Item> artifacts) {
    this.artifacts = List.copyOf(artifacts);
  }

  /**
   * An archive of the given images, in order.
   *
   * @param images the images, each with its own tags
   * @return a new archive
   * @throws NullPointerException if an image is null
   */
  @CheckReturnValue
  public static Archive of(Image... images) {
    Builder b = builder();
    for (Image i : images) {
      b.add(i);
    }
    return b.build();
  }

  /**
   * Reads an archive: a docker-archive or OCI archive tar (as {@code docker save} and scratch4j
   * write), an OCI image layout directory, or a plain root file system tarball, which reads as one
   * image of one layer. A tar file may be compressed as a whole with gzip or zstd, or with xz,
   * bzip2 or lz4 as distributions ship root file systems (told by its first bytes, not its name;
   * zstd, xz, bzip2 and lz4 need an optional dependency, see the README). Before this returns, every blob's digest and size are
   * checked against its descriptor, every layer's diff_id against the configuration, and every
   * layer entry as an extraction would need it (no entry may leave the root), each compressed
   * layer decompressed once, within the {@linkplain ReadOptions#defaults() default limits}.
   * Layer content is not loaded into memory: it is read from {@code source} when used, and
   * checked again as it is copied.
   *
   * @param source a tar file (compressed or not) or an image layout directory
   * @return the images and indexes it holds, each with its tags; one image of one
   *     layer for a root file system tarball
   * @throws ImageFormatException naming what is wrong and where, for malformed or hostile input, a
   *     missing blob, or a digest or size that does not match, or for a file compressed with xz,
   *     bzip2 or lz4 when the optional library that reads it is missing (the message names the
   *     artifact to add)
   * @throws IOException if the file cannot be read
   */
  public static Archive read(Path source) throws IOException {
    return read(source, ReadOptions.defaults());
  }

  /**
   * Reads an archive as {@link #read(Path)} does, within the given limits on what its layers may
   * expand to.
   *
   * @param source a tar file (compressed or not) or an image layout directory
   * @param options the limits on what the layers may expand to
   * @return the images and indexes it holds, each with its tags; one image of one
   *     layer for a root file system tarball
   * @throws ImageFormatException as {@link #read(Path)} does, and when a limit of {@code options}
   *     is passed, naming the limit
   * @throws NullPointerException if {@code options} is null
   * @throws IOException if the file cannot be read
   */
  public static Archive read(Path source, ReadOptions options) throws IOException {
    return of(ArchiveReader.read(source, Objects.requireNonNull(options, "options")));
  }

  /**
   * Reads an archive held in memory, as {@link #read(Path)} reads a file: a docker-archive, an OCI
   * archive (a tar of an image layout) or a root file system tarball, compressed or not. Nothing
   * is written to disk; the images read keep {@code archive} (not a copy) for their layers' content,
   * so it must not be changed afterwards.
   *
   * @param archive the archive's bytes, such as a {@link java.io.ByteArrayOutputStream}'s that
   *     {@link Image#writeTo(OutputStream)} wrote
   * @return the images and indexes, checked as {@link #read(Path)} checks them
   * @throws ImageFormatException naming what is wrong and where, as {@link #read(Path)} does
   * @throws IOException if an optional codec the bytes need is missing
   */
  public static Archive read(byte[] archive) throws IOException {
    return read(archive, ReadOptions.defaults());
  }

  /**
   * Reads an archive held in memory within the given limits.
   *
   * @param archive the archive's bytes; kept, not copied
   * @param options the limits on what its layers may expand to
   * @return the images and indexes
   * @throws ImageFormatException as {@link #read(byte[])} does, and when a limit is passed
   * @throws IOException if an optional codec the bytes need is missing
   */
  public static Archive read(byte[] archive, ReadOptions options) throws IOException {
    Objects.requireNonNull(archive, "archive");
    return of(ArchiveReader.read(Stored.bytes(archive, "the archive of " + archive.length + " bytes in memory"),
        Objects.requireNonNull(options, "options")));
  }

  /**
   * Reads an archive from a stream, such as a resource on the class path or an HTTP body. Reading
   * needs to go back to the layers' content after the stream has ended, so the stream is first
   * copied to a temporary file in {@code java.io.tmpdir} whose name is removed at once: nothing is
   * left on disk, and the space is freed when the images read are no longer used. The stream is
   * read to its end and not closed; a stream of more than {@link ReadOptions#maxImageSize()} bytes
   * (256 GiB by default) is refused as it arrives, so an endless one cannot fill the disk.
   *
   * @param archive the archive's bytes
   * @return the images and indexes, checked as {@link #read(Path)} checks them
   * @throws ImageFormatException naming what is wrong and where, as {@link #read(Path)} does
   * @throws IOException if the stream or the temporary file fails
   */
  public static Archive read(InputStream archive) throws IOException {
    return read(archive, ReadOptions.defaults());
  }

  /**
   * Reads an archive from a stream within the given limits; see {@link #read(InputStream)}.
   *
   * @param archive the archive's bytes
   * @param options the limits on what its layers may expand to
   * @return the images and indexes
   * @throws ImageFormatException as {@link #read(InputStream)} does, and when a limit is passed
   * @throws IOException if the stream or the temporary file fails
   */
  public static Archive read(InputStream archive, ReadOptions options) throws IOException {
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(options, "options");
    return of(ArchiveReader.read(Stored.spooled(archive, "the archive read from a stream", options.maxImageSize()),
        options));
  }

  /** The archive of what a reader read, in its order. */
  private static Archive of(List<ReadArtifact> read) {
    Builder b = builder();
    ReadArtifact.Maker<Builder> adder = new ReadArtifact.Maker<>() {
      @Override
      public Builder image(ReadImage image) {
        return b.add(Image.of(image));
      }

      @Override
      public Builder index(ReadIndex index) {
        return b.add(ImageIndex.of(index));
      }
    };
    for (ReadArtifact artifact : read) {
      artifact.make(adder);
    }
    return b.build();
  }

  /**
   * A new, empty builder.
   *
   * @return a builder without images
   */
  @CheckReturnValue
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this archive's images and indexes, to add more.
   *
   * @return a new builder; changing it leaves this archive as it is
   */
  @CheckReturnValue
  public Builder toBuilder() {
    Builder b = new Builder();
    b.artifacts.addAll(artifacts);
    return b;
  }

  /**
   * The single-platform images, in order.
   *
   * @return an unmodifiable list, without the images of the indexes; empty when there are none
   */
  public List<Image> images() {
    List<Image> images = new ArrayList<>();
    for (Item a : artifacts) {
      if (a instanceof OfImage i) {
        images.add(i.image());
      }
    }
    return List.copyOf(images);
  }

  /**
   * The multi-platform image indexes, in order.
   *
   * @return an unmodifiable list, empty when there are none
   */
  public List<ImageIndex> indexes() {
    List<ImageIndex> indexes = new ArrayList<>();
    for (Item a : artifacts) {
      if (a instanceof OfIndex i) {
        indexes.add(i.index());
      }
    }
    return List.copyOf(indexes);
  }

  /**
   * The image tagged {@code reference}, among the single-platform images. References are compared
   * as Docker compares them: {@code hello}, {@code hello:latest}, {@code library/hello:latest} and
   * {@code docker.io/library/hello:latest} name the same image, as a tag written with or without
   * {@code :latest} does.
   *
   * @param reference the tag to look for, such as {@code hello} or {@code localhost:5000/app:1.0}
   * @return the first image with that tag, or empty when no single-platform image has it
   * @throws InvalidReferenceException if {@code reference} is malformed
   */
  public java.util.Optional<Image> image(String reference) {
    ImageReference wanted = ImageReference.parse(reference);
    return images().stream().filter(i -> i.tags().stream().anyMatch(t -> sameName(t, wanted))).findFirst();
  }

  /** Same registry and repository (ImageReference normalizes both) and the same tag, {@code latest} when none. */
  private static boolean sameName(ImageReference a, ImageReference b) {
    return a.registry().equals(b.registry()) && a.repository().equals(b.repository())
        && a.tagOrLatest().equals(b.tagOrLatest()) && a.digest().equals(b.digest());
  }

  /**
   * Writes the archive as one tar that is a docker-archive and an OCI image layout, or as an OCI
   * image layout directory when {@code target} is an existing directory; see
   * {@link Image#writeTo(Path)}.
   *
   * @param target the archive file to create or replace, or an existing directory to write an
   *     image layout in (empty, or a layout already, which the images are added to)
   * @return each image's manifest, in order (an index contributes one per platform)
   * @throws IllegalStateException if the archive has no image or index
   * @throws IllegalArgumentException if two images or indexes have the same tag
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
  public List<Manifest> writeTo(Path target) throws IOException {
    return writeTo(target, WriteOptions.defaults());
  }

  /**
   * Writes the archive with the given format and compression.
   *
   * @param target the archive file, or the directory to write an image layout in; see
   *     {@link Image#writeTo(Path, WriteOptions)}
   * @param options the format (by default chosen from {@code target}) and the layers' compression
   * @return each image's manifest, in order (an index contributes one per platform)
   * @throws IllegalStateException if the archive has no image or index
   * @throws IllegalArgumentException if two images or indexes have the same tag
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
  public List<Manifest> writeTo(Path target, WriteOptions options) throws IOException {
    return ArchiveWriting.toPath(plans(options), target, options);
  }

  /**
   * Writes the same bytes as {@link #writeTo(Path)} to a stream, which is left open.
   *
   * @param out the stream to write the archive to; it is flushed, not closed
   * @return each image's manifest, in order (an index contributes one per platform)
   * @throws IllegalStateException if the archive has no image or index
   * @throws IllegalArgumentException if two images or indexes have the same tag
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
  public List<Manifest> writeTo(OutputStream out) throws IOException {
    return writeTo(out, WriteOptions.defaults());
  }

  /**
   * Writes the same bytes as {@link #writeTo(Path, WriteOptions)} to a stream, which is left open.
   *
   * @param out the stream to write the archive to; it is flushed, not closed
   * @param options the layers' compression; the format must be empty or
   *     {@link WriteOptions.Format#ARCHIVE}
   * @return each image's manifest, in order (an index contributes one per platform)
   * @throws IllegalStateException if the archive has no image or index
   * @throws IllegalArgumentException if the options ask for {@link WriteOptions.Format#OCI_LAYOUT},
   *     or two images or indexes have the same tag
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
  public List<Manifest> writeTo(OutputStream out, WriteOptions options) throws IOException {
    return ArchiveWriting.toStream(plans(options), out, options);
  }

  private List<Planned> plans(WriteOptions options) throws IOException {
    if (artifacts.isEmpty()) {
      throw new IllegalStateException("an archive needs at least one image");
    }
    List<Planned> plans = new ArrayList<>();
    for (Item a : artifacts) {
      plans.add(a.plan(options.sbom()));
    }
    return plans;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Archive a && artifacts.equals(a.artifacts);
  }

  @Override
  public int hashCode() {
    return Objects.hash(artifacts);
  }

  @Override
  public String toString() {
    return "Archive[" + images().size() + " images, " + indexes().size() + " indexes]";
  }

  /** Collects the images and indexes of an {@link Archive}. Not thread-safe. */
  public static final class Builder {
    private final List<Item> artifacts = new ArrayList<>();

    private Builder() {}

    /**
     * Appends an image.
     *
     * @param image the image, with its own tags
     * @return this builder
     * @throws NullPointerException if {@code image} is null
     */
    public Builder add(Image image) {
      artifacts.add(new OfImage(Objects.requireNonNull(image, "image")));
      return this;
    }

    /**
     * Appends a multi-platform image index.
     *
     * @param index the index, with its own tags
     * @return this builder
     * @throws NullPointerException if {@code index} is null
     */
    public Builder add(ImageIndex index) {
      artifacts.add(new OfIndex(Objects.requireNonNull(index, "index")));
      return this;
    }

    /**
     * Builds the archive.
     *
     * @return an archive of what was added, in order; the builder can go on
     */
    @CheckReturnValue
    public Archive build() {
      return new Archive(artifacts);
    }
  }
}
