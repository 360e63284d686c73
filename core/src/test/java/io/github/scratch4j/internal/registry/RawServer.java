package io.github.scratch4j.internal.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP/1.1 server whose handlers write the raw answer themselves, so that they can
 * misbehave as {@code com.sun.net.httpserver} cannot: send headers and then trickle or stop,
 * reset the connection in the middle of a body, stop reading a request body, never answer.
 * One request per connection ({@code Connection: close}); every request is counted.
 */
final class RawServer implements AutoCloseable {
  /** One request: its line and headers read, its body left on the socket for the handler. */
  record Request(String method, String target, Map<String, String> headers, Socket socket) {
    String path() {
      int q = target.indexOf('?');
      return q < 0 ? target : target.substring(0, q);
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    long contentLength() {
      String n = header("Content-Length");
      return n == null ? 0 : Long.parseLong(n.trim());
    }

    InputStream in() throws IOException {
      return socket.getInputStream();
    }

    OutputStream out() throws IOException {
      return socket.getOutputStream();
    }

    /** Reads the whole request body (Content-Length only). */
    byte[] body() throws IOException {
      return in().readNBytes((int) contentLength());
    }

    /** Writes a whole answer and closes the connection. */
    void answer(int status, byte[] body, String... headers) throws IOException {
      head(status, body.length, headers);
      if (!method.equals("HEAD")) {
        out().write(body);
      }
      out().flush();
      socket.close();
    }

    void answer(int status, String body, String... headers) throws IOException {
      answer(status, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** Writes the status line and headers (with this Content-Length, unless negative) and nothing more. */
    void head(int status, long contentLength, String... headers) throws IOException {
      StringBuilder b = new StringBuilder("HTTP/1.1 " + status + " X\r\nConnection: close\r\n");
      if (contentLength >= 0) {
        b.append("Content-Length: ").append(contentLength).append("\r\n");
      }
      for (int i = 0; i < headers.length; i += 2) {
        b.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
      }
      b.append("\r\n");
      out().write(b.toString().getBytes(StandardCharsets.ISO_8859_1));
      out().flush();
    }

    /** Sends a TCP reset: the peer sees "connection reset", not an orderly end. */
    void reset() throws IOException {
      socket.setSoLinger(true, 0);
      socket.close();
    }
  }

  @FunctionalInterface
  interface Handler {
    void handle(Request request, int count) throws Exception;
  }

  private final ServerSocket server;
  private final Handler handler;
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);

  RawServer(String address, Handler handler) throws IOException {
    this.handler = handler;
    server = new ServerSocket();
    // A small receive window, so that a handler that stops reading stops the sender soon.
    server.setReceiveBufferSize(16 << 10);
    server.bind(new InetSocketAddress(InetAddress.getByName(address), 0), 50);
    Thread accept = new Thread(this::accept, "raw-server-" + server.getLocalPort());
    accept.setDaemon(true);
    accept.start();
    threads.add(accept);
  }

  RawServer(Handler handler) throws IOException {
    this("127.0.0.1", handler);
  }

  /** {@code address:port}. */
  String host() {
    return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
  }

  /** Every request so far, as "METHOD target". */
  List<String> requests() {
    return List.copyOf(seen);
  }

  /** How many requests had this method and a path starting with {@code prefix}. */
  long count(String method, String prefix) {
    return seen.stream().filter(r -> r.startsWith(method + " " + prefix)).count();
  }

  /** Blocks a handler until the server closes (or a minute passes): a peer that goes silent. */
  void hang() throws InterruptedException {
    closing.await(1, TimeUnit.MINUTES);
  }

  /** Sleeps {@code millis}, or less if the server closes meanwhile; true if it is closing. */
  boolean sleep(long millis) throws InterruptedException {
    return closing.await(millis, TimeUnit.MILLISECONDS);
  }

  /** Writes {@code bytes} one at a time, {@code millis} apart, until done or the server closes. */
  void trickle(Request r, byte[] bytes, long millis) throws IOException, InterruptedException {
    for (byte b : bytes) {
      r.out().write(b);
      r.out().flush();
      if (sleep(millis)) {
        return;
      }
    }
  }

  /**
   * Waits, for at most {@code millis}, until the client closes the connection of {@code r},
   * reading and dropping what it sends meanwhile; true if it closed it.
   */
  boolean awaitClientClose(Request r, long millis) throws IOException {
    r.socket().setSoTimeout((int) millis);
    try {
      InputStream in = r.in();
      byte[] sink = new byte[8192];
      while (in.read(sink) >= 0) {
        // drop
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset by the client: closed too
    }
  }

  private void accept() {
    int count = 0;
    while (!server.isClosed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return;
      }
      open.add(s);
      int n = ++count;
      Thread t = new Thread(() -> serve(s, n), "raw-server-conn-" + n);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void serve(Socket s, int count) {
    try {
      InputStream in = s.getInputStream();
      String line = line(in);
      if (line == null || line.isEmpty()) {
        s.close();
        return;
      }
      String[] parts = line.split(" ");
      Map<String, String> headers = new LinkedHashMap<>();
      for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
        int colon = h.indexOf(':');
        headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
      }
      seen.add(parts[0] + " " + parts[1]);
      handler.handle(new Request(parts[0], parts[1], headers, s), count);
    } catch (Exception e) {
      // the client went away, or the server is closing
    } finally {
      try {
        s.close();
      } catch (IOException e) {
        // closed already
      }
    }
  }

  /**
   * Sends one request through a {@link RegistryClient}, so that the HTTP client's classes are
   * loaded before a test gives its requests a few hundred milliseconds: the first request in a
   * JVM took longer than that on a busy two-core machine.
   */
  static void warmUp() throws IOException {
    try (RawServer s = new RawServer((r, n) -> r.answer(200, "{}"))) {
      RegistryClient.rememberPlainHttp(s.host());
      io.github.scratch4j.RegistryOptions options = io.github.scratch4j.RegistryOptions.defaults();
      new RegistryClient(s.host(), options, new CredentialStore(options, Map.of(), java.nio.file.Path.of("/nonexistent")))
          .send(RegistryClient.Call.of("GET", "/v2/", List.of()));
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    closing.countDown();
    server.close();
    for (Socket s : open) {
      s.close();
    }
    for (Thread t : threads) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
