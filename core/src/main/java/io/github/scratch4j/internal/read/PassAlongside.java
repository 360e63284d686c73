package io.github.scratch4j.internal.read;

import io.github.scratch4j.Descriptor;
import io.github.scratch4j.internal.source.FileRegionSource;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * A blob read as {@link LayoutDirectory#blobAt} reads its file (digests, decompression, a layer's
 * tar headers), but on a thread of its own from the bytes as they arrive: fed by a download, the
 * second pass over a layer runs beside the download instead of after it. The feeding side never
 * waits on a pass that has stopped (a blob that is no gzip, a limit passed): what it writes then is
 * dropped, and {@link #result} says why the pass stopped. The stored bytes are not hashed again:
 * the result is for a blob its download checked against its descriptor's digest, and it gives that
 * digest.
 */
public final class PassAlongside implements Closeable {
  /** Chunks in flight between the feeder and the pass: the feeder waits beyond this many. */
  private static final int DEPTH = 16;
  /** The size of the arrays chunks are copied into and used again. */
  private static final int PIECE = 64 << 10;
  private static final Chunk END = new Chunk(new byte[0], 0);

  /** Bytes handed to the pass: the first {@code length} of {@code bytes}. */
  private record Chunk(byte[] bytes, int length) {}

  private final BlockingQueue<Chunk> chunks = new ArrayBlockingQueue<>(DEPTH);
  /**
   * Arrays the pass has read, filled again by the feeder: a blob of any size costs about
   * {@value #DEPTH} of them rather than its size in garbage.
   */
  private final java.util.Queue<byte[]> free = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final FutureTask<BlobPass.Result> pass;
  private final Thread thread;
  private volatile boolean stopped;

  private PassAlongside(Descriptor d, String name, ReadBudget budget) {
    int keep = d.size() <= io.github.scratch4j.internal.json.JsonReader.MAX_DOCUMENT
        ? io.github.scratch4j.internal.json.JsonReader.MAX_DOCUMENT : 0;
    boolean examine = io.github.scratch4j.internal.compress.LayerMediaTypes.isLayer(d.mediaType());
    this.pass = new FutureTask<>(() -> {
      try (InputStream in = new Reading()) {
        // Its result is used only for a blob the download checked against this digest.
        return BlobPass.read(in, name, keep, examine, budget, java.util.Optional.of(d.digest()));
      } finally {
        stopped = true;
        chunks.clear();
      }
    });
    this.thread = io.github.scratch4j.internal.exec.Threads.start("scratch4j-blob-pass", pass);
  }

  /**
   * Starts the pass of blob {@code d}, named {@code name} in messages (its file, as when the file
   * is read), counting against {@code budget}.
   */
  public static PassAlongside start(Descriptor d, String name, ReadBudget budget) {
    return new PassAlongside(d, name, budget);
  }

  /** Where the blob's bytes go, in order; closing it ends the blob. */
  public OutputStream input() {
    return feeding;
  }

  /**
   * What the pass showed, for the blob now held in {@code file}; waits for the pass to finish.
   *
   * @throws IOException what stopped the pass (a limit, content that does not decompress)
   */
  BlobFile result(Path file) throws IOException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          BlobPass.Result r = pass.get();
          return BlobFile.of(file.toString(), r, new FileRegionSource(file, 0, r.size()));
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw io.github.scratch4j.internal.exec.Tasks.asIOException(e.getCause(), e.getCause().toString());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Stops the pass, if it still runs: its blob is not used (a download that failed or is tried again). */
  @Override
  public void close() {
    stopped = true;
    chunks.clear();
    thread.interrupt();
  }

  private final OutputStream feeding = new OutputStream() {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      while (len > 0) {
        byte[] piece = free.poll();
        if (piece == null) {
          piece = new byte[PIECE];
        }
        int n = Math.min(len, PIECE);
        System.arraycopy(b, off, piece, 0, n);
        hand(new Chunk(piece, n));
        off += n;
        len -= n;
      }
    }

    @Override
    public void close() throws IOException {
      hand(END);
    }

    private void hand(Chunk chunk) throws IOException {
      try {
        while (!stopped && !chunks.offer(chunk, 50, TimeUnit.MILLISECONDS)) {
          // The pass is behind: wait for it, unless it has stopped.
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while handing a blob's bytes to its check");
      }
    }
  };

  /** The pass's end of the chunks. */
  private final class Reading extends io.github.scratch4j.internal.io.ArrayReadInputStream {
    private Chunk current = new Chunk(new byte[0], 0);
    private int at;
    private boolean ended;

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      while (at == current.length()) {
        if (ended) {
          return -1;
        }
        if (current.bytes().length == PIECE) {
          free.add(current.bytes());
        }
        try {
          current = chunks.take();
        } catch (InterruptedException e) {
          throw new InterruptedIOException("the check of a blob was stopped");
        }
        at = 0;
        if (current == END) {
          ended = true;
        }
      }
      int n = Math.min(len, current.length() - at);
      System.arraycopy(current.bytes(), at, b, off, n);
      at += n;
      return n;
    }
  }
}
