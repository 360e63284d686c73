package io.github.scratch4j.samples.cli;

/**
 * What the command line hears about blobs as they are written, uploaded or downloaded, whatever
 * reports it: a registry's {@link io.github.scratch4j.TransferEvent}s today ({@link
 * Progress#registryListener}) and a local write's {@link io.github.scratch4j.WriteEvent}s
 * ({@link Progress#writeListener}). Called from several threads at once.
 */
interface BlobProgress {
  /**
   * {@code done} of {@code total} bytes of {@code blob} have moved; {@code finished} once it has
   * all moved and been checked.
   */
  void update(String blob, long done, long total, boolean finished);

  /**
   * {@code blob} has all moved and been checked, and is known from now on as {@code shown} (a
   * local write learns a layer's digest only at its end).
   */
  default void finished(String blob, String shown, long total) {
    update(blob, total, total, true);
  }

  /**
   * {@code blob} is no longer reported under that name: what moves it next reports it under
   * another (a layer made for a push is known by its number while it is made, then by its digest
   * as the registry takes it).
   */
  default void forget(String blob) {}

  /** {@code blob} ({@code total} bytes) needed no transfer, or is a document: {@code what} says which. */
  void note(String blob, long total, String what);

  /** Reports nothing. */
  BlobProgress NONE = new BlobProgress() {
    @Override
    public void update(String blob, long done, long total, boolean finished) {}

    @Override
    public void note(String blob, long total, String what) {}
  };
}
