package io.github.scratch4j;

import io.github.scratch4j.internal.archive.ArchiveWriting;
import io.github.scratch4j.internal.build.PlannedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Several images in one archive, each with its own tags; blobs that images share are stored once.
 *
 * <p>Immutable; build one with {@link #builder()} or {@link #of(Image...)}.
 */
public final class Archive {
  private final List<Image> images;

  private Archive(List<Image> images) {
    this.images = List.copyOf(images);
  }

  /** An archive of the given images, in order. */
  public static Archive of(Image... images) {
    Builder b = builder();
    for (Image i : images) {
      b.add(i);
    }
    return b.build();
  }

  /** A new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this archive's images, to add more. */
  public Builder toBuilder() {
    Builder b = new Builder();
    images.forEach(b::add);
    return b;
  }

  /** The images, in order. */
  public List<Image> images() {
    return images;
  }

  /**
   * Writes the archive as one tar that is a docker-archive and an OCI image layout; see
   * {@link Image#writeTo(Path)}.
   *
   * @return each image's manifest, in order
   */
  public List<Manifest> writeTo(Path target) throws IOException {
    return ArchiveWriting.toFile(plans(), target);
  }

  /** Writes the same bytes as {@link #writeTo(Path)} to a stream, which is left open. */
  public List<Manifest> writeTo(OutputStream out) throws IOException {
    return ArchiveWriting.toStream(plans(), out);
  }

  private List<PlannedImage> plans() {
    if (images.isEmpty()) {
      throw new IllegalStateException("an archive needs at least one image");
    }
    return images.stream().map(Image::plan).toList();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Archive a && images.equals(a.images);
  }

  @Override
  public int hashCode() {
    return Objects.hash(images);
  }

  @Override
  public String toString() {
    return "Archive[" + images.size() + " images]";
  }

  /** Collects the images of an {@link Archive}. Not thread-safe. */
  public static final class Builder {
    private final List<Image> images = new ArrayList<>();

    private Builder() {}

    /** Appends an image. */
    public Builder add(Image image) {
      images.add(Objects.requireNonNull(image, "image"));
      return this;
    }

    /** Builds the archive. */
    public Archive build() {
      return new Archive(images);
    }
  }
}
