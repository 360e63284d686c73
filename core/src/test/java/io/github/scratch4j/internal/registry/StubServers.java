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
    HttpServer s = HttpServer.create(new InetSocketAddress(address, 0), 0);
    s.start();
    servers.add(s);
    return s;
  }

  @Override
  public void close() {
    servers.forEach(s -> s.stop(0));
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
