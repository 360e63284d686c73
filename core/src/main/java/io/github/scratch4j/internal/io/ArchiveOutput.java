package io.github.scratch4j.internal.io;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where an archive's bytes go. A seekable output lets the writer fill in a tar header after the
 * entry's content, once its digest and size are known, so each blob is produced in one pass.
 */
public abstract class ArchiveOutput extends OutputStream {
  /** The number of bytes written so far. */
  public abstract long position();

  /** Whether {@link #patch} and {@link #truncate} work. */
  public abstract boolean seekable();

  /** Overwrites bytes written earlier, at {@code position}. */
  public abstract void patch(long position, byte[] bytes) throws IOException;

  /** Discards everything from {@code position} on; later writes continue there. */
  public abstract void truncate(long position) throws IOException;
}
