package io.github.scratch4j.internal.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands a layer's bytes from the thread that generates them to the request that sends them,
 * through a few buffers: the generator waits while the registry is slower, so a layer of any size
 * costs {@value #DEPTH} buffers of {@value #BUFFER} bytes, never the layer.
 */
final class LayerPipe {
  static final int BUFFER = 256 << 10;
  private static final int DEPTH = 4;
  private static final byte[] END = new byte[0];

  private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(DEPTH);
  private volatile boolean abandoned;
  private volatile Throwable failure;

  /** The writing end: its {@code close} ends the stream. */
  final OutputStream output = new OutputStream() {
    private byte[] current = new byte[BUFFER];
    private int filled;

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        int n = Math.min(len, current.length - filled);
        System.arraycopy(b, off, current, filled, n);
        filled += n;
        off += n;
        len -= n;
        if (filled == current.length) {
          put(current);
          current = new byte[BUFFER];
          filled = 0;
        }
      }
    }

    @Override
    public void close() throws IOException {
      if (current == null) {
        return;
      }
      if (filled > 0) {
        put(java.util.Arrays.copyOf(current, filled));
      }
      current = null;
      put(END);
    }
  };

  /** The reading end. */
  final InputStream input = new InputStream() {
    private byte[] current = new byte[0];
    private int read;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (read == current.length) {
        if (current == END) {
          return -1;
        }
        current = take();
        read = 0;
      }
      int n = Math.min(len, current.length - read);
      System.arraycopy(current, read, b, off, n);
      read += n;
      return n;
    }
  };

  private void put(byte[] b) throws IOException {
    try {
      while (!queue.offer(b, 100, TimeUnit.MILLISECONDS)) {
        if (abandoned) {
          throw new IOException("the upload this layer was generated for was abandoned");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while generating a layer for an upload");
    }
  }

  private byte[] take() throws IOException {
    try {
      while (true) {
        byte[] b = queue.poll(100, TimeUnit.MILLISECONDS);
        if (b != null) {
          return b;
        }
        Throwable f = failure;
        if (f != null) {
          throw new IOException("generating the layer failed: " + f, f);
        }
        if (abandoned) {
          throw new IOException("the upload of this layer was abandoned");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a layer's bytes");
    }
  }

  /** The generator failed: the reader fails with it once the buffers are read. */
  void fail(Throwable t) {
    failure = t;
  }

  /** The reader gives up: the generator's next wait ends with an exception, and the buffers go. */
  void abandon() {
    abandoned = true;
    queue.clear();
  }
}
