package io.github.scratch4j.internal.source;

import io.github.scratch4j.Source;
import io.github.scratch4j.SourceChangedException;
import io.github.scratch4j.internal.io.BulkOutput;
import io.github.scratch4j.internal.io.CopyProbe;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;

/** A file on disk; its size is captured when the source is made. */
public record PathSource(Path path, long size) implements Source {
  /**
   * Files at least this large are copied in bulk: into a file target read ahead by a copier thread,
   * which writes them while the caller hashes them; elsewhere read in chunks from one open. Below
   * it, one read is cheaper.
   */
  public static final long BULK_THRESHOLD = 1 << 20;

  /** Stats the file now. */
  public static PathSource of(Path file) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException("source file does not exist: " + file, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read source file " + file + ": " + e, e);
    }
    if (!attributes.isRegularFile()) {
      throw new UncheckedIOException(
          "source is not a regular file: " + file, new IOException(file + " is not a regular file"));
    }
    return readable(file, attributes.size());
  }

  /** A regular file whose size is already known (from a directory walk); checks it can be read. */
  static PathSource readable(Path file, long size) {
    if (!Files.isReadable(file)) {
      throw new UncheckedIOException(
          "source file is not readable: " + file,
          new java.nio.file.AccessDeniedException(file.toString()));
    }
    return new PathSource(file, size);
  }

  @Override
  public InputStream open() throws IOException {
    return Files.newInputStream(path);
  }

  /**
   * Writes exactly {@link #size()} bytes of the file to {@code out}, as the content of the layer
   * entry {@code entry}.
   *
   * @throws SourceChangedException if the file is not what it was when it was added, or changed
   *     while it was copied: its message names the entry, the file and the change
   */
  public void copyTo(String entry, OutputStream out, byte[] buffer) throws IOException {
    if (size >= BULK_THRESHOLD && out instanceof BulkOutput bulk) {
      copyBulk(entry, bulk, buffer);
    } else {
      copyRead(entry, out, buffer);
    }
  }

  /**
   * A small file is read once; its size is what is checked, with no system call beyond the open and
   * the reads (a file replaced meanwhile is read whole, from the one open).
   */
  private void copyRead(String entry, OutputStream out, byte[] buffer) throws IOException {
    long remaining = size;
    try (InputStream in = openForCopy(entry)) {
      while (remaining > 0) {
        int n = read(entry, in, buffer, (int) Math.min(buffer.length, remaining));
        if (n < 0) {
          throw resized(entry, "shrank", size - remaining, null);
        }
        out.write(buffer, 0, n);
        remaining -= n;
      }
      if (read(entry, in, buffer, 1) >= 0) {
        throw resized(entry, "grew", currentSize().orElse(-1L), null);
      }
    }
  }

  /**
   * Reads from the source; a read that fails because the path is no longer a regular file (a
   * directory put in its place reads as "Is a directory") is that change, named.
   */
  private int read(String entry, InputStream in, byte[] buffer, int length) throws IOException {
    try {
      return in.read(buffer, 0, length);
    } catch (IOException e) {
      if (!Files.isRegularFile(path)) {
        throw new SourceChangedException(what(entry) + " is no longer a regular file: " + e.getMessage(), e);
      }
      throw e;
    }
  }

  private InputStream openForCopy(String entry) throws IOException {
    if (path.getFileSystem() == java.nio.file.FileSystems.getDefault()) {
      // A FileInputStream opens and reads a small file through less Java code than a channel,
      // which a new JVM runs interpreted: reading 10,000 small files took 90-100 ms against
      // 120-160 ms. When it cannot open the file, the channel's open below says why, precisely
      // (no such file, access denied, ...), as it always did.
      try {
        return new java.io.FileInputStream(path.toFile());
      } catch (java.io.FileNotFoundException e) {
        // told below
      }
    }
    try {
      return Files.newInputStream(path);
    } catch (NoSuchFileException e) {
      throw new SourceChangedException(what(entry) + " was removed after it was added", e);
    }
  }

  /**
   * A large file is read in bulk from one open: into a file target by a copier thread that writes
   * each chunk while this thread hashes it, elsewhere by this thread in chunks. It is checked before
   * and after: the same file (device and inode), size and modification time. Anything that goes
   * wrong in between is checked against the file too, so that a read that ends early comes out as
   * the change that caused it, while a failure of the target (a full disk) stays what it is.
   */
  private void copyBulk(String entry, BulkOutput out, byte[] buffer) throws IOException {
    BasicFileAttributes before = statForCopy(entry, "after it was added");
    if (before.size() != size) {
      throw resized(entry, before.size() > size ? "grew" : "shrank", before.size(), "after it was added");
    }
    try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
      CopyProbe.at(CopyProbe.Point.OPENED, path, 0);
      out.copyFile(path, file, size, buffer);
      CopyProbe.at(CopyProbe.Point.COPIED, path, 0);
    } catch (IOException | RuntimeException | Error e) {
      // Checked against the file: the change, if any, is what the caller needs, with e as its cause.
      SourceChangedException changed = changedSince(entry, before, e);
      if (changed != null) {
        throw changed;
      }
      throw e;
    }
    SourceChangedException changed = changedSince(entry, before, null);
    if (changed != null) {
      throw changed;
    }
  }

  private BasicFileAttributes statForCopy(String entry, String when) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new SourceChangedException(what(entry) + " was removed " + when, e);
    }
  }

  /** What changed since {@code before}, or {@code null} when the file looks the same. */
  private SourceChangedException changedSince(String entry, BasicFileAttributes before, Throwable failure)
      throws IOException {
    BasicFileAttributes now;
    try {
      now = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      SourceChangedException removed = new SourceChangedException(what(entry) + " was removed while it was archived");
      removed.addSuppressed(e);
      return withCause(removed, failure);
    } catch (IOException e) {
      if (failure == null) {
        // Copied, but not checked: not knowing whether the bytes are the file's is a failure too.
        throw new IOException("cannot check " + path + " after copying it into " + entry + ": " + e.getMessage(), e);
      }
      failure.addSuppressed(e);
      return null;
    }
    SourceChangedException changed = null;
    Object key = before.fileKey();
    if (key != null && !Objects.equals(key, now.fileKey())) {
      changed = new SourceChangedException(
          what(entry) + " was replaced while it was archived: " + path + " is now another file (of "
              + now.size() + " bytes; it had " + size + ")");
    } else if (now.size() != size) {
      changed = resized(entry, now.size() > size ? "grew" : "shrank", now.size(), null);
    } else if (!now.lastModifiedTime().equals(before.lastModifiedTime())) {
      changed = new SourceChangedException(
          what(entry) + " was modified while it was archived: its size is still " + size
              + " bytes, but its modification time went from " + before.lastModifiedTime() + " to "
              + now.lastModifiedTime());
    }
    return changed == null ? null : withCause(changed, failure);
  }

  /** Attaches the failure the change caused, to an exception made without a cause. */
  private static SourceChangedException withCause(SourceChangedException e, Throwable cause) {
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  /** "grew"/"shrank" with the size the file had when it was added and the size it has now. */
  private SourceChangedException resized(String entry, String how, long now, String when) {
    String nowText = now < 0 ? "more" : Long.toString(now);
    return new SourceChangedException(
        what(entry) + " " + how + " " + (when == null ? "while it was archived" : when) + ": expected "
            + size + " bytes (its size when it was added), got " + nowText);
  }

  private Optional<Long> currentSize() {
    try {
      return Optional.of(Files.size(path));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private String what(String entry) {
    return "source of " + entry + " (file " + path + ")";
  }

  @Override
  public String toString() {
    return "file " + path + " (" + size + " bytes)";
  }
}
