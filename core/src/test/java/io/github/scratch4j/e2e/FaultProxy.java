package io.github.scratch4j.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A loopback reverse proxy in front of a registry that records every request and injects faults
 * on a schedule: error statuses, connections reset before or after the registry saw the
 * request, and delays. The client talks to {@link #host()} as if it were the registry.
 */
public final class FaultProxy implements AutoCloseable {
  /** What to do to a matching request. */
  public enum Fault {
    /** Answer 500 without forwarding. */
    STATUS_500,
    /** Answer 429 with {@code Retry-After: 0} without forwarding. */
    STATUS_429,
    /** Close the connection without an answer, without forwarding. */
    RESET_BEFORE,
    /** Forward (the registry acts on it), then close the connection without relaying the answer. */
    RESET_AFTER_FORWARD,
    /** Wait {@link #DELAY_MILLIS}, then forward. */
    DELAY,
    /**
     * Forward, then relay the answer's headers and half of its body, and send nothing more for
     * {@link #STALL_MILLIS} before dropping the connection.
     */
    STALL_BODY,
    /**
     * Read the first 64 KiB of the request body, then stop reading for {@link #STALL_MILLIS}
     * before dropping the connection, without forwarding.
     */
    STOP_READING
  }

  /** How long a {@link Fault#DELAY} waits. */
  public static final long DELAY_MILLIS = 2500;

  /**
   * How long {@link Fault#STALL_BODY} and {@link Fault#STOP_READING} go silent: far longer than
   * a test's timeout, so that only a client that gives up by itself gets past them in time.
   */
  public static final long STALL_MILLIS = 60_000;

  /** One request as the proxy saw it. */
  public record Recorded(String method, String path, String query, int status, long bodyBytes, String fault) {}

  private record Rule(Predicate<Recorded> match, Fault fault, AtomicInteger left) {}

  private static final Set<String> HOP = Set.of("host", "connection", "content-length", "transfer-encoding",
      "expect", "upgrade", "keep-alive", "te", "trailer", "proxy-connection");

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .version(HttpClient.Version.HTTP_1_1).build();
  private final String target;
  private final List<Recorded> records = new CopyOnWriteArrayList<>();
  private final List<Rule> rules = new CopyOnWriteArrayList<>();

  /** A proxy to {@code target} ({@code host:port}, plain HTTP). */
  public FaultProxy(String target) throws IOException {
    this.target = target;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Applies {@code fault} to the next {@code times} requests that {@code match} (status and bytes not yet known). */
  public void fail(Predicate<Recorded> match, Fault fault, int times) {
    rules.add(new Rule(match, fault, new AtomicInteger(times)));
  }

  /** Matches a method and a path containing {@code part}. */
  public static Predicate<Recorded> request(String method, String part) {
    return r -> r.method().equals(method) && r.path().contains(part);
  }

  public List<Recorded> requests() {
    return List.copyOf(records);
  }

  public void clearRecords() {
    records.clear();
  }

  private Fault faultFor(Recorded r) {
    for (Rule rule : rules) {
      if (rule.match().test(r) && rule.left().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return rule.fault();
      }
    }
    return null;
  }

  private void handle(HttpExchange e) throws IOException {
    String method = e.getRequestMethod();
    String path = e.getRequestURI().getRawPath();
    String query = e.getRequestURI().getRawQuery() == null ? "" : e.getRequestURI().getRawQuery();
    String declared = e.getRequestHeaders().getFirst("Content-Length");
    long length = declared == null ? 0 : Long.parseLong(declared.trim());
    Fault fault = faultFor(new Recorded(method, path, query, 0, length, null));
    String faultName = fault == null ? null : fault.name();
    if (fault == Fault.STOP_READING) {
      long read = e.getRequestBody().readNBytes(64 << 10).length;
      records.add(new Recorded(method, path, query, -1, read, faultName));
      silence();
      reset(e);
    }
    byte[] body = e.getRequestBody().readAllBytes();
    if (fault == Fault.STATUS_500 || fault == Fault.STATUS_429) {
      int status = fault == Fault.STATUS_500 ? 500 : 429;
      records.add(new Recorded(method, path, query, status, body.length, faultName));
      if (status == 429) {
        e.getResponseHeaders().add("Retry-After", "0");
      }
      e.sendResponseHeaders(status, -1);
      e.close();
      return;
    }
    if (fault == Fault.RESET_BEFORE) {
      records.add(new Recorded(method, path, query, -1, body.length, faultName));
      reset(e);
    }
    if (fault == Fault.DELAY) {
      try {
        Thread.sleep(DELAY_MILLIS);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
    }
    HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create("http://" + target + e.getRequestURI()))
        .method(method, body.length == 0 && !method.equals("PUT") && !method.equals("PATCH") && !method.equals("POST")
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    e.getRequestHeaders().forEach((name, values) -> {
      if (!HOP.contains(name.toLowerCase(Locale.ROOT))) {
        values.forEach(v -> forward.header(name, v));
      }
    });
    HttpResponse<byte[]> answer;
    try {
      answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IOException(ex);
    }
    if (fault == Fault.RESET_AFTER_FORWARD) {
      records.add(new Recorded(method, path, query, -1, body.length, faultName));
      reset(e);
    }
    records.add(new Recorded(method, path, query, answer.statusCode(), body.length, faultName));
    answer.headers().map().forEach((name, values) -> {
      if (!HOP.contains(name.toLowerCase(Locale.ROOT))) {
        e.getResponseHeaders().put(name, values);
      }
    });
    byte[] out = answer.body();
    boolean noBody = method.equals("HEAD") || out.length == 0;
    e.sendResponseHeaders(answer.statusCode(), noBody ? -1 : out.length);
    if (fault == Fault.STALL_BODY && !noBody) {
      e.getResponseBody().write(out, 0, out.length / 2);
      e.getResponseBody().flush();
      silence();
      reset(e);
    }
    if (!noBody) {
      e.getResponseBody().write(out);
    }
    e.close();
  }

  private static void silence() {
    try {
      Thread.sleep(STALL_MILLIS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }

  /** Drops the connection with no answer: the server closes it when a handler throws. */
  private static void reset(HttpExchange e) {
    throw new IllegalStateException("fault injected: connection dropped");
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** Reads all of a stream; for tests that talk to the proxy directly. */
  static byte[] readAll(InputStream in) throws IOException {
    return in.readAllBytes();
  }
}
