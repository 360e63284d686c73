package io.github.scratch4j.internal.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Writes a file through a temporary sibling that is renamed over the target only when the write
 * succeeded, so a failed write never leaves a partial file at the target. The sibling is one of
 * {@link TempSiblings}: before it is made, those a killed writer left for the same target are
 * removed.
 */
public final class AtomicFile {
  /** What to write into the channel. */
  public interface Writer<T> {
    T write(FileChannel channel) throws IOException;
  }

  private AtomicFile() {}

  /** Writes {@code target} with {@code writer}; on any failure the temporary file is removed. */
  public static <T> T write(Path target, Writer<T> writer) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path parent = absolute.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new NoSuchFileException(
          target.toString(), null, "the directory to write the archive in does not exist");
    }
    if (Files.isDirectory(absolute)) {
      throw new IOException("cannot write an archive file at " + target + ": it is a directory");
    }
    TempSiblings.sweep(absolute);
    try (TempSiblings.TempFile temp = TempSiblings.createFile(absolute)) {
      T result = writer.write(temp.channel());
      temp.commit(absolute);
      return result;
    }
  }
}
