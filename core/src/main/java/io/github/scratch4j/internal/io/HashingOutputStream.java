package io.github.scratch4j.internal.io;

import io.github.scratch4j.Digest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * Passes bytes on while counting them and computing their SHA-256, and tells a meter of them as
 * they pass (a file copied in bulk, a window at a time).
 */
public final class HashingOutputStream extends BulkOutput {
  private static final LongConsumer UNMETERED = n -> {};

  private final OutputStream out;
  private final LongConsumer meter;
  private final MessageDigest digest = Sha256.newDigest();
  private long count;

  /** Hashes and forwards to {@code out}. */
  public HashingOutputStream(OutputStream out) {
    this(out, UNMETERED);
  }

  /**
   * Hashes and forwards to {@code out}, telling {@code meter} each count of bytes that passed. What
   * the meter throws ends the write it is called from.
   */
  public HashingOutputStream(OutputStream out, LongConsumer meter) {
    this.out = out;
    this.meter = meter;
  }

  /** Hashes and discards: for a pass that only needs the digest and size. */
  public static HashingOutputStream discarding() {
    return new HashingOutputStream(OutputStream.nullOutputStream());
  }

  @Override
  public void write(int b) throws IOException {
    digest.update((byte) b);
    count++;
    out.write(b);
    meter.accept(1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    digest.update(b, off, len);
    count += len;
    out.write(b, off, len);
    meter.accept(len);
  }

  /**
   * Into a file target, the content is copied by the kernel in the background while this thread
   * hashes it from a mapping: the hash, the floor of the work, runs alone on its core. Elsewhere
   * the file is mapped, copied once into {@code buffer}, hashed and forwarded.
   */
  @Override
  public void copyFile(java.nio.file.Path path, FileChannel file, long size, byte[] buffer) throws IOException {
    if (!(out instanceof FileArchiveOutput target)) {
      super.copyFile(path, file, size, buffer);
      return;
    }
    // The copy reads through a channel of its own: one channel shared with the mappings below
    // serializes them on its position lock (measured: twice the time).
    Future<?> copy = target.transferAsync(path, size);
    Throwable failure = null;
    try {
      for (long at = 0; at < size; at += WINDOW) {
        long length = Math.min(WINDOW, size - at);
        try (MappedWindow window = MappedWindow.map(file, at, length)) {
          CopyProbe.at(CopyProbe.Point.WINDOW_MAPPED, path, at);
          window.hash(digest);
        }
        meter.accept(length);
      }
    } catch (IOException | RuntimeException | Error e) {
      // A meter's listener may throw too: the copy is waited for all the same.
      failure = e;
    }
    // Even after a failure the copy is waited for (it ends soon: a changed source ends it early),
    // so that nothing still writes into the target when the caller cleans it up.
    try {
      awaitCopy(copy);
    } catch (IOException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    if (failure instanceof IOException io) {
      throw io;
    } else if (failure instanceof RuntimeException r) {
      throw r;
    } else if (failure instanceof Error err) {
      throw err;
    }
    count += size;
  }

  /** Waits for the copy to end, even through an interrupt, which is then reported once it has. */
  private static void awaitCopy(Future<?> copy) throws IOException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          copy.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io ? io : new IOException("copying a file failed: " + cause, cause);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (interrupted) {
      throw new InterruptedIOException("interrupted while copying a file");
    }
  }

  /** The number of bytes written so far. */
  public long count() {
    return count;
  }

  /** The SHA-256 of everything written; call once, at the end. */
  public Digest digest() {
    return Sha256.toDigest(digest.digest());
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /** Does not close the underlying stream, which belongs to the caller. */
  @Override
  public void close() {}
}
