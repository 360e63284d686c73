package io.github.scratch4j.internal.daemon;

import io.github.scratch4j.DaemonException;
import io.github.scratch4j.Digest;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.LoadedImages;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /images/load} of the Docker Engine API over a Unix socket, with the archive generated
 * into a chunked request body (Engine API, "Import images"; HTTP/1.1 chunked coding, RFC 9112
 * section 7.1). The connection is opened on a thread of its own while the image is planned and
 * checked (for a small image in a new JVM, opening the socket, whose classes set up a secure
 * random generator, took as long as generating the layer); the request starts with the first byte
 * of the archive, so an image refused by its checks sends nothing: the connection is closed
 * unused.
 */
public final class DaemonLoad {
  /** The most of the daemon's answer that is read: with {@code quiet=1} it is a few lines. */
  static final int MAX_ANSWER = 8 << 20;
  /** The size of the request body's chunks, but for a larger single write, which is one chunk. */
  static final int CHUNK = 1 << 16;
  /** The most of the archive gathered while the connection is being opened. */
  static final int EARLY = 4 << 20;

  /** Writes an archive. */
  @FunctionalInterface
  public interface ArchiveWriter {
    /** Writes the whole archive to {@code out} and returns the manifests of its images. */
    List<Manifest> writeTo(OutputStream out) throws IOException;
  }

  private static final java.util.concurrent.atomic.AtomicBoolean PREPARED = new java.util.concurrent.atomic.AtomicBoolean();

  private DaemonLoad() {}

  /**
   * Readies the JDK's Unix-domain socket support on a thread of its own, once per JVM, without
   * connecting anywhere: in a new JVM its classes and the secure random generator they set up took
   * about 30 ms, which a load that follows no longer waits for. The daemon starts unpacking an
   * archive only when its first bytes arrive, so the sooner the connection opens the more of that
   * overlaps the rest of the archive being generated.
   */
  public static void prepare() {
    if (PREPARED.compareAndSet(false, true)) {
      io.github.scratch4j.internal.exec.Threads.start("scratch4j-daemon-prepare", DaemonLoad::openUnconnected);
    }
  }

  private static void openUnconnected() {
    try (SocketChannel unused = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      // Opened and closed only to have the JDK set it up.
    } catch (IOException | RuntimeException e) {
      // A load opens its own connection and says what is wrong.
    }
  }

  /** Loads what {@code writer} writes into the daemon at {@code socket}. */
  public static LoadedImages load(Path socket, ArchiveWriter writer) throws IOException {
    return load(socket, writer, null);
  }

  /**
   * As {@link #load(Path, ArchiveWriter)}, with {@code beforeConnecting} (when not null) run first
   * on the thread that opens the connection: a test's slow connection.
   */
  public static LoadedImages load(Path socket, ArchiveWriter writer, Runnable beforeConnecting) throws IOException {
    Request request = new Request(socket, beforeConnecting);
    try {
      List<Manifest> written;
      try {
        written = writer.writeTo(request);
        request.finish();
      } catch (DaemonException e) {
        throw e;
      } catch (IOException e) {
        // The daemon may have refused the archive and closed its side: its answer says why.
        if (request.connected()) {
          Optional<Answer> answer = request.answerIfAny();
          if (answer.isPresent() && answer.get().error().isPresent()) {
            throw refused(socket, answer.get(), e);
          }
        }
        throw e;
      }
      Answer answer = request.answer();
      if (answer.error().isPresent()) {
        throw refused(socket, answer, null);
      }
      List<Digest> ids = new ArrayList<>();
      for (Manifest m : written) {
        // An engine's image ID is the digest of the image's configuration.
        if (!ids.contains(m.config().digest())) {
          ids.add(m.config().digest());
        }
      }
      return new LoadedImages(answer.tags(), ids);
    } finally {
      request.close();
    }
  }

  private static DaemonException refused(Path socket, Answer answer, Throwable cause) {
    String said = answer.error().orElseThrow();
    return new DaemonException("the Docker daemon at unix://" + socket + " did not load the archive: "
        + (answer.status() == 200 ? "" : "HTTP " + answer.status() + ": ") + said, socket, said, cause);
  }

  /** The request: its head goes out with the first bytes of the body. */
  private static final class Request extends OutputStream {
    private final Path socket;
    private final Thread connecting;
    private volatile SocketChannel opened;
    private volatile IOException failed;
    private SocketChannel channel;
    private OutputStream out;
    private boolean finished;
    /** What is gathered for the next chunk. */
    private byte[] pending = new byte[CHUNK];
    private int pendingCount;

    private final Runnable beforeConnecting;

    Request(Path socket, Runnable beforeConnecting) {
      this.socket = socket;
      this.beforeConnecting = beforeConnecting;
      this.connecting = io.github.scratch4j.internal.exec.Threads.start("scratch4j-daemon-connect", this::open);
    }

    private void open() {
      SocketChannel c = null;
      try {
        if (beforeConnecting != null) {
          beforeConnecting.run();
        }
        c = SocketChannel.open(StandardProtocolFamily.UNIX);
        c.connect(UnixDomainSocketAddress.of(socket));
        opened = c;
      } catch (IOException e) {
        failed = e;
        closeQuietly(c);
      } catch (RuntimeException | Error e) {
        failed = new IOException(e);
        closeQuietly(c);
      }
    }

    private static void closeQuietly(SocketChannel c) {
      if (c != null) {
        try {
          c.close();
        } catch (IOException ignored) {
          // Nothing was sent on it.
        }
      }
    }

    /** The connection, once the thread that opens it is done. */
    private SocketChannel awaitOpened() throws IOException {
      boolean interrupted = false;
      while (true) {
        try {
          connecting.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      if (failed != null) {
        throw new DaemonException("cannot reach the Docker daemon at unix://" + socket + ": " + why(failed), socket, null, failed);
      }
      return opened;
    }

    boolean connected() {
      return channel != null;
    }

    private void connect() throws IOException {
      if (channel != null) {
        return;
      }
      channel = awaitOpened();
      out = new java.io.BufferedOutputStream(Channels.newOutputStream(channel), 1 << 13);
      String head = "POST /images/load?quiet=1 HTTP/1.1\r\n"
          + "Host: docker\r\n"
          + "User-Agent: scratch4j\r\n"
          + "Content-Type: application/x-tar\r\n"
          + "Transfer-Encoding: chunked\r\n"
          + "Connection: close\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
    }

    private String why(IOException e) {
      if (!Files.exists(socket)) {
        return "no such socket: is the daemon running, and listening there? (DOCKER_HOST, when set, names the socket)";
      }
      String m = String.valueOf(e.getMessage());
      if (m.contains("Permission denied")) {
        return "permission denied (the user needs to be in the docker group, or the daemon rootless)";
      }
      if (m.contains("Connection refused")) {
        return "connection refused (nothing listens on the socket: is the daemon running?)";
      }
      return e.getClass().getSimpleName() + ": " + m;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    /**
     * Until the connection is open, the archive is gathered in memory (up to {@link #EARLY} bytes)
     * rather than waited on; once it is, the request's head and what was gathered go out at once,
     * so the daemon starts on the archive (its unpacking process) while the rest is generated.
     * After that, small writes (tar headers, padding) are gathered into chunks of {@link #CHUNK}
     * bytes: a chunk per write would have the daemon decode thousands of tiny chunks.
     */
    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (finished) {
        throw new IOException("the archive was already sent");
      }
      if (len == 0) {
        return;
      }
      if (channel != null) {
        add(b, off, len);
        return;
      }
      if (connecting.isAlive() && pendingCount + (long) len <= EARLY) {
        if (pendingCount + len > pending.length) {
          pending = java.util.Arrays.copyOf(pending, (int) Math.min(EARLY, Math.max(2L * pending.length, pendingCount + len)));
        }
        System.arraycopy(b, off, pending, pendingCount, len);
        pendingCount += len;
        return;
      }
      sendPending();
      pending = pending.length == CHUNK ? pending : new byte[CHUNK];
      add(b, off, len);
      sendPending();
      out.flush();
    }

    private void add(byte[] b, int off, int len) throws IOException {
      if (len >= pending.length) {
        sendPending();
        chunk(b, off, len);
        return;
      }
      if (pendingCount + len > pending.length) {
        sendPending();
      }
      System.arraycopy(b, off, pending, pendingCount, len);
      pendingCount += len;
    }

    private void sendPending() throws IOException {
      if (pendingCount > 0) {
        chunk(pending, 0, pendingCount);
        pendingCount = 0;
      }
    }

    private void chunk(byte[] b, int off, int len) throws IOException {
      connect();
      out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(b, off, len);
      out.write('\r');
      out.write('\n');
    }

    void finish() throws IOException {
      sendPending();
      connect();
      finished = true;
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    /** The answer's bytes, buffered: the status line and headers are read a byte at a time. */
    private java.io.InputStream answerStream() {
      return new java.io.BufferedInputStream(Channels.newInputStream(channel), 1 << 13);
    }

    /** Reads the daemon's answer after the request was sent in full. */
    Answer answer() throws IOException {
      try {
        return Answer.read(answerStream(), socket);
      } catch (ImageFormatException e) {
        throw new DaemonException("the Docker daemon at unix://" + socket + " answered what is not HTTP: "
            + e.getMessage(), socket, null, e);
      } catch (IOException e) {
        throw new DaemonException("the Docker daemon at unix://" + socket + " closed the connection without an answer: "
            + e.getMessage(), socket, null, e);
      }
    }

    /** The answer, if the daemon sent one before a failed send; empty when it did not. */
    Optional<Answer> answerIfAny() {
      try {
        channel.shutdownOutput();
        return Optional.of(Answer.read(answerStream(), socket));
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
    }

    @Override
    public void close() throws IOException {
      if (channel != null) {
        channel.close();
        return;
      }
      // Never used: wait for the thread, so that no connection outlives the load.
      try {
        awaitOpened();
      } catch (DaemonException unusedAnyway) {
        return;
      }
      closeQuietly(opened);
    }
  }
}
