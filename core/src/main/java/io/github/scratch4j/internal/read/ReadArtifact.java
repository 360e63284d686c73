package io.github.scratch4j.internal.read;

/**
 * One thing an archive or layout holds: an image or an image index. The readers return these
 * values and know nothing of the public model made from them; only the public classes
 * ({@code Archive}, {@code Image}, {@code ImageIndex}) turn them into public objects, through a
 * {@link Maker}, so that the packages depend one way.
 */
public sealed interface ReadArtifact permits ReadImage, ReadIndex {
  /** What to make of each kind of artifact; every kind has its method, so none is forgotten. */
  interface Maker<T> {
    T image(ReadImage image);

    T index(ReadIndex index);
  }

  /** What {@code maker} makes of this artifact. */
  <T> T make(Maker<T> maker);
}
