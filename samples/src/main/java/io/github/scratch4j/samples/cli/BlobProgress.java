package io.github.scratch4j.samples.cli;

/**
 * What the command line hears about blobs as they are written, uploaded or downloaded, whatever
 * reports it: a registry's {@link io.github.scratch4j.TransferEvent}s today ({@link
 * Progress#registryListener}), a local write's events when the library reports them. Called from
 * several threads at once.
 */
interface BlobProgress {
  /**
   * {@code done} of {@code total} bytes of {@code blob} have moved; {@code finished} once it has
   * all moved and been checked.
   */
  void update(String blob, long done, long total, boolean finished);

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
