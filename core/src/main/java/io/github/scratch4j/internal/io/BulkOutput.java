package io.github.scratch4j.internal.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * An output that can take a whole file's content in bulk. The default reads the file into the
 * caller's buffer a chunk at a time and writes each chunk; subclasses do better where they can
 * (into a file target, a copier thread reads the file ahead and writes it while the bytes are
 * hashed: {@link ReadAhead}).
 *
 * <p>Why not map the file, as this did before: the page faults of a mapping cost more than the
 * kernel's copy of a read wherever this was measured last, and the process's resident set counts
 * the mapped pages. Pushing a 512 MiB file gzipped with the command line ({@code build --add FILE
 * --no-dependency-check --push}; whole processes, in turns, a fresh registry each, six of each):
 * with 32 MiB mappings 2.88 s of client CPU and 113 MiB peak RSS; read in 1 MiB chunks 2.65 s and
 * 82 MiB; in 256 KiB chunks 2.58 s and 81 MiB. Chunks are
 * {@link ReadAhead#CHUNK} at most, for the reason given there: each is hashed and passed on while
 * it is still in the core's cache.
 */
public abstract class BulkOutput extends OutputStream {
  /**
   * Appends exactly {@code size} bytes of the file at {@code path}, open as {@code file}, from its
   * start. A file that changes meanwhile may make this fail with any {@link IOException} (an
   * {@link java.io.EOFException} if it ends early): the caller, which knows what the file was,
   * checks it again and says what changed.
   */
  public void copyFile(java.nio.file.Path path, FileChannel file, long size, byte[] buffer) throws IOException {
    int most = Math.min(buffer.length, ReadAhead.CHUNK);
    // A read into an array goes through the JDK's temporary direct buffer, 16 bytes past a page
    // boundary, into which the kernel's copy ran 4-5 times slower (see Aligned): a file of more
    // than a few pages is read into an aligned buffer lent by Aligned instead, then copied into
    // the array as the JDK would have copied it.
    ByteBuffer aligned = size >= Aligned.WORTH ? Aligned.take() : null;
    ByteBuffer chunk = aligned != null ? aligned : ByteBuffer.wrap(buffer);
    try {
      for (long at = 0; at < size; at += chunk.limit()) {
        chunk.clear().limit((int) Math.min(most, size - at));
        ReadAhead.readChunk(path, file, size, chunk, at);
        int n = chunk.limit();
        if (aligned != null) {
          aligned.get(buffer, 0, n);
        }
        write(buffer, 0, n);
      }
    } finally {
      if (aligned != null) {
        Aligned.giveBack(aligned);
      }
    }
  }
}
