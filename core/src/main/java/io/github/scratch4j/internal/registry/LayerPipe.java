package io.github.scratch4j.internal.registry;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands a layer's bytes from the thread that generates them to the requests that send them,
 * through a few buffers: the generator waits while the registry is slower, so a layer of any size
 * costs {@value #DEPTH} buffers of {@value #BUFFER} bytes, never the layer. The buffers go to the
 * HTTP client as they are, without another copy.
 */
final class LayerPipe {
  /**
   * A gzip task's worth (three 128 KiB blocks), and under half of G1's smallest region, so that
   * a small heap holds these arrays without a whole region each (see {@code ParallelGzipOutputStream}).
   */
  static final int BUFFER = 384 << 10;
  private static final int DEPTH = 4;
  private static final ByteBuffer END = ByteBuffer.allocate(0);

  /**
   * The HTTP client takes a buffer only once it has written the one before it to the socket (its
   * socket writer asks for the next list of buffers when the current one is out, and the exchange
   * asks the body for the next buffer when it hands one on), so a buffer handed over this many
   * buffers ago is written and free to fill again.
   */
  private static final int IN_FLIGHT = 3;

  private final BlockingQueue<ByteBuffer> queue = new ArrayBlockingQueue<>(DEPTH);
  /** Buffers written and free to fill again: a layer of any size costs a dozen buffers. */
  private final java.util.Queue<ByteBuffer> free = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private volatile boolean abandoned;
  private volatile Throwable failure;
  /** Buffers put back in front of the queue, read before it; reader's thread only. */
  private final java.util.ArrayDeque<ByteBuffer> front = new java.util.ArrayDeque<>();
  /** The reading end's current buffer: what is left of it. */
  private ByteBuffer current = ByteBuffer.allocate(0);
  /**
   * Direct buffers that pipes which ended knew to be written, for the next pipe: the memory of a
   * direct buffer returns only when the garbage collector finds it unreachable, which an
   * application that pushes often but collects rarely (or ignores {@code System.gc()}) may not do
   * before its direct-memory limit.
   */
  static final BlockingQueue<ByteBuffer> POOL = new ArrayBlockingQueue<>(32);

  /** Whether the buffers are direct (see {@link #LayerPipe(boolean)}). */
  private final boolean direct;
  /** The buffers this pipe made, by identity: those a delivery may hand back to be filled again. */
  private final java.util.Set<ByteBuffer> own =
      java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
  /** Where each filled buffer is also written before it is queued, if anywhere. */
  private volatile Copy copy;

  /** A pipe of heap buffers. */
  LayerPipe() {
    this(false);
  }

  /**
   * A pipe of direct buffers when {@code direct}: the socket and a file channel take those without
   * first copying them into a temporary direct buffer of their own, as they do an array.
   */
  LayerPipe(boolean direct) {
    this.direct = direct;
  }

  /** A second destination of the bytes written to {@link #output}. */
  @FunctionalInterface
  interface Copy {
    /** Takes the bytes from the buffer's position to its limit; the buffer is the pipe's again after. */
    void write(ByteBuffer bytes) throws IOException;
  }

  /** Writes each buffer of {@link #output} to {@code copy} too, as it is filled, before it is queued. */
  void copyTo(Copy copy) {
    this.copy = copy;
  }

  /** The bytes written to {@link #output}; the writer's thread only, or after it ends. */
  private long written;

  /** How many bytes were written to {@link #output}. */
  long written() {
    return written;
  }

  /** The writing end: its {@code close} ends the stream. */
  final OutputStream output = new OutputStream() {
    // Taken at the first write: made with the pipe's fields, before its constructor has set them.
    private ByteBuffer filling;
    private boolean closed;

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (closed) {
        throw new IOException("the pipe's stream is closed");
      }
      written += len;
      while (len > 0) {
        if (filling == null) {
          filling = fresh();
        }
        int n = Math.min(len, filling.remaining());
        filling.put(b, off, n);
        off += n;
        len -= n;
        if (!filling.hasRemaining()) {
          queue(filling.flip());
          filling = null;
        }
      }
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      if (filling != null && filling.position() > 0) {
        queue(filling.flip());
      }
      filling = null;
      put(END);
    }
  };

  private void queue(ByteBuffer filled) throws IOException {
    Copy c = copy;
    if (c != null) {
      c.write(filled.duplicate());
    }
    put(filled);
  }

  private ByteBuffer fresh() {
    ByteBuffer b = free.poll();
    if (b != null) {
      return b.clear();
    }
    b = direct ? POOL.poll() : null;
    if (b != null) {
      own.add(b);
      return b.clear();
    }
    b = direct ? ByteBuffer.allocateDirect(BUFFER) : ByteBuffer.allocate(BUFFER);
    own.add(b);
    return b;
  }

  private void put(ByteBuffer b) throws IOException {
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

  /** The next bytes, at most {@code max} of them, waiting for the generator; null at the end. Reader's thread only. */
  ByteBuffer take(long max) throws IOException {
    while (!current.hasRemaining()) {
      if (current == END) {
        return null;
      }
      current = next();
    }
    int n = (int) Math.min(max, current.remaining());
    ByteBuffer slice = current.slice(current.position(), n);
    current.position(current.position() + n);
    return slice;
  }

  /**
   * The next buffer whole, if it fits in {@code max} bytes and none of it was read yet, so that
   * it can be filled again once sent; else {@link #take}'s slice. Null at the end.
   */
  private ByteBuffer takeWhole(long max) throws IOException {
    while (!current.hasRemaining()) {
      if (current == END) {
        return null;
      }
      current = next();
    }
    if (current.position() == 0 && current.capacity() == BUFFER && current.remaining() <= max) {
      ByteBuffer whole = current;
      current = EMPTY;
      return whole;
    }
    return take(max);
  }

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  /** Whether the stream has ended, waiting for the generator to say. */
  boolean atEnd() throws IOException {
    while (!current.hasRemaining()) {
      if (current == END) {
        return true;
      }
      current = next();
    }
    return false;
  }

  /** Reads up to {@code n} bytes into an array. */
  byte[] read(int n) throws IOException {
    ByteBuffer out = ByteBuffer.allocate(n);
    ByteBuffer b;
    while (out.hasRemaining() && (b = take(out.remaining())) != null) {
      out.put(b);
    }
    return java.util.Arrays.copyOf(out.array(), out.position());
  }

  /** Puts bytes back in front of what is left; the array is the pipe's from now on. */
  void unread(byte[] head) {
    if (current.hasRemaining() || current == END) {
      front.push(current);
    }
    current = ByteBuffer.wrap(head);
  }

  /** Skips {@code n} bytes. */
  void skip(long n) throws IOException {
    while (n > 0) {
      ByteBuffer b = take(n);
      if (b == null) {
        throw new EOFException("the layer ended " + n + " bytes before the offset to resume from");
      }
      n -= b.remaining();
    }
  }

  private ByteBuffer next() throws IOException {
    if (!front.isEmpty()) {
      return front.pop();
    }
    try {
      while (true) {
        ByteBuffer b = queue.poll(100, TimeUnit.MILLISECONDS);
        if (b != null) {
          return b;
        }
        Throwable f = failure;
        if (f != null) {
          // The generator's own exception (a source that changed or cannot be read) is the push's.
          throw io.github.scratch4j.internal.exec.Tasks.asIOException(f, "generating the layer failed: " + f);
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
    if (direct) {
      for (ByteBuffer b; (b = free.poll()) != null; ) {
        POOL.offer(b);
      }
    }
  }

  /**
   * A request body of the next bytes, at most {@code limit} of them, of unknown length (sent with
   * chunked transfer coding). It is taken by a task on {@code executor}, which waits for the
   * client's demand and for the generator; it can be sent once only (a second subscriber fails
   * at once). {@code sent} is told of each buffer's size as it goes.
   */
  HttpRequest.BodyPublisher body(long limit, Executor executor, java.util.function.LongConsumer sent) {
    return body(limit, executor, sent, -1, null);
  }

  /**
   * A request body of exactly {@code length} bytes read from what {@code open} gives, on {@code
   * executor}: read straight into the buffers the client is handed, each filled again once the
   * client has written it, so a blob of any size costs a few buffers and no copy beside the read.
   * Each subscription reads afresh into a pipe of its own, so a client that sends the request
   * again on a new connection can subscribe again.
   */
  static HttpRequest.BodyPublisher reading(IoSupplier<InputStream> open, long length, Executor executor) {
    return new HttpRequest.BodyPublisher() {
      @Override
      public long contentLength() {
        return length;
      }

      @Override
      public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        LayerPipe pipe = new LayerPipe();
        pipe.body(length, executor, n -> {}, length, () -> {
          try (InputStream in = open.get()) {
            pipe.fill(in, length);
          } catch (Throwable t) {
            pipe.fail(t);
          }
        }).subscribe(subscriber);
      }
    };
  }

  /** Opens a stream. */
  @FunctionalInterface
  interface IoSupplier<T> {
    T get() throws IOException;
  }

  /**
   * Puts the next {@code length} bytes of {@code in} into the pipe, read into its own buffers, then
   * ends it: the generator's side, in place of {@link #output}.
   */
  private void fill(InputStream in, long length) throws IOException {
    long left = length;
    while (left > 0) {
      ByteBuffer b = fresh();
      int want = (int) Math.min(b.capacity(), left);
      int n = in.readNBytes(b.array(), 0, want);
      if (n < want) {
        throw new EOFException("the blob ended " + (left - n) + " bytes before the " + length + " it was to send");
      }
      put(b.limit(n));
      left -= n;
    }
    put(END);
  }

  /**
   * The body of {@link #body(long, Executor, java.util.function.LongConsumer)}, of {@code
   * contentLength} bytes (negative: unknown). With a {@code filler}, the subscription starts it on
   * {@code executor} to fill the pipe, and the pipe is abandoned when the delivery ends, however it
   * ends, so that a filler still waiting for room gives up.
   */
  private HttpRequest.BodyPublisher body(long limit, Executor executor, java.util.function.LongConsumer sent,
      long contentLength, Runnable filler) {
    AtomicBoolean subscribed = new AtomicBoolean();
    return new HttpRequest.BodyPublisher() {
      @Override
      public long contentLength() {
        return contentLength;
      }

      @Override
      public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        if (!subscribed.compareAndSet(false, true)) {
          subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
          });
          subscriber.onError(new IOException("a streamed chunk cannot be sent twice"));
          return;
        }
        Delivery d = new Delivery(subscriber, limit, sent, filler != null);
        subscriber.onSubscribe(d);
        if (filler != null) {
          executor.execute(filler);
        }
        executor.execute(d);
      }
    };
  }

  /** Hands buffers to a subscriber as it asks for them. */
  private final class Delivery implements Flow.Subscription, Runnable {
    private final Flow.Subscriber<? super ByteBuffer> subscriber;
    private final java.util.function.LongConsumer sent;
    private long left;
    private long demand;
    private boolean cancelled;
    /** Whole buffers handed over, by their index, until they are surely written. */
    private final java.util.ArrayDeque<ByteBuffer> handed = new java.util.ArrayDeque<>();
    private final java.util.ArrayDeque<Long> handedAt = new java.util.ArrayDeque<>();
    private long index;
    /** Whether the pipe serves this delivery only, and is abandoned when it ends. */
    private final boolean endsPipe;

    Delivery(Flow.Subscriber<? super ByteBuffer> subscriber, long limit, java.util.function.LongConsumer sent,
        boolean endsPipe) {
      this.subscriber = subscriber;
      this.left = limit;
      this.sent = sent;
      this.endsPipe = endsPipe;
    }

    @Override
    public synchronized void request(long n) {
      demand = n <= 0 || demand + n < 0 ? Long.MAX_VALUE : demand + n;
      notifyAll();
    }

    @Override
    public synchronized void cancel() {
      cancelled = true;
      notifyAll();
    }

    private synchronized boolean awaitDemand() throws InterruptedException {
      // A request that failed may neither ask for more nor cancel: the abandoned pipe ends the wait.
      while (demand == 0 && !cancelled && !abandoned) {
        wait(100);
      }
      if (cancelled || abandoned) {
        return false;
      }
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      return true;
    }

    @Override
    public void run() {
      try {
        while (left > 0) {
          if (!awaitDemand()) {
            return;
          }
          // Asked for buffer number index: those IN_FLIGHT or more before it are on the wire.
          while (!handedAt.isEmpty() && handedAt.peekFirst() <= index - IN_FLIGHT) {
            handedAt.pollFirst();
            free.offer(handed.pollFirst());
          }
          ByteBuffer b = takeWhole(left);
          if (b == null) {
            break;
          }
          if (b.position() == 0 && own.contains(b)) {
            handed.addLast(b);
            handedAt.addLast(index);
          }
          index++;
          left -= b.remaining();
          sent.accept(b.remaining());
          subscriber.onNext(b);
        }
        subscriber.onComplete();
      } catch (InterruptedException e) {
        subscriber.onError(new InterruptedIOException("interrupted while sending a layer"));
      } catch (IOException | RuntimeException e) {
        subscriber.onError(e);
      } finally {
        if (endsPipe) {
          abandon();
        }
      }
    }
  }
}
