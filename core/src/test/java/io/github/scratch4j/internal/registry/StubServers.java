package io.github.scratch4j.internal.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.scratch4j.RegistryOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Loopback HTTP servers that stand in for registries in unit tests, and clients that talk to them. */
final class StubServers implements AutoCloseable {
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();

  /** A started server on {@code address} and a free port, stopped by {@link #close()}. */
  HttpServer start(String address) throws IOException {
    return start(address, false);
  }

  /**
   * A started server on {@code address} and a free port, stopped by {@link #close()}; with {@code
   * concurrent}, each exchange is handled on a thread of its own, so that one a test holds does not
   * hold the others.
   */
  HttpServer start(String address, boolean concurrent) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(address, 0), 0);
    if (concurrent) {
      java.util.concurrent.ExecutorService handlers = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stub-server");
        t.setDaemon(true);
        return t;
      });
      s.setExecutor(handlers);
      executors.add(handlers);
    }
    s.start();
    servers.add(s);
    return s;
  }

  private final List<java.util.concurrent.ExecutorService> executors = new CopyOnWriteArrayList<>();

  @Override
  public void close() {
    servers.forEach(s -> s.stop(0));
    executors.forEach(java.util.concurrent.ExecutorService::shutdownNow);
  }

  /** {@code address:port} of a server. */
  static String hostOf(HttpServer s) {
    return s.getAddress().getAddress().getHostAddress() + ":" + s.getAddress().getPort();
  }

  /** Answers an exchange with a status, a body and header name-value pairs, after reading its request body. */
  static void answer(HttpExchange e, int status, String body, String... headers) throws IOException {
    for (int i = 0; i < headers.length; i += 2) {
      e.getResponseHeaders().add(headers[i], headers[i + 1]);
    }
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    e.getRequestBody().readAllBytes();
    if (e.getRequestMethod().equals("HEAD") || b.length == 0) {
      e.sendResponseHeaders(status, -1);
    } else {
      e.sendResponseHeaders(status, b.length);
      e.getResponseBody().write(b);
    }
    e.close();
  }

  /** A client for a stub, with no credentials but those of {@code options}, and {@code home} as the user's home. */
  static RegistryClient client(String registry, RegistryOptions options, Path home) {
    // These servers wait for a request line and never answer a TLS greeting: skip the probe.
    RegistryClient.rememberPlainHttp(registry);
    return new RegistryClient(registry, options, new CredentialStore(options, Map.of(), home));
  }
}
