package io.github.scratch4j.internal.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Writes a file through a temporary sibling that is renamed over the target only when the write
 * succeeded, so a failed write never leaves a partial file at the target.
 */
public final class AtomicFile {
  private static final SecureRandom RANDOM = new SecureRandom();

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
    byte[] random = new byte[6];
    RANDOM.nextBytes(random);
    Path temp = parent.resolve("." + absolute.getFileName() + "." + HexFormat.of().formatHex(random) + ".tmp");
    try {
      T result;
      try (FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        result = writer.write(channel);
      }
      try {
        Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
      return result;
    } catch (IOException | RuntimeException | Error e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }
}
