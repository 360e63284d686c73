package io.github.scratch4j.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.RegistryCredentials;
import io.github.scratch4j.RegistryException;
import io.github.scratch4j.RegistryOptions;
import io.github.scratch4j.internal.json.JsonReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLParameters;

/**
 * Speaks HTTP to one registry for the Distribution API (OCI distribution-spec): picks HTTPS (or
 * plain HTTP where allowed), authenticates (Basic, or Bearer tokens from the registry's token
 * service, refreshed when they expire), retries with backoff, and follows redirects itself so
 * that credentials only ever go to the origin they are meant for.
 *
 * <p>Every request, to the registry or to its token service, goes through {@link #run}: it sends,
 * reads the answer's body under the idle timeout and a deadline (see {@link Limits}), retries a
 * failed connection, a stalled transfer or a retryable status with backoff, and wraps the last
 * failure in a {@link RegistryException} that names the request, the host and port it went to,
 * the attempts, and the cause in words ({@link Failures}).
 *
 * <p>Thread-safe: concurrent uploads share one client and its tokens.
 */
public final class RegistryClient {
  /**
   * One DEBUG record per HTTP exchange, token service's included, and nothing at INFO or above.
   * Records name the method, the URL without credentials or query values, the status, the time
   * and the attempt; never a header, a token or a password. The JDK's first {@code
   * System.getLogger} sets up its logging, 20-50 ms of a new JVM, so it is asked for on a thread of
   * its own when this class is first used, beside the first request rather than before it; a record
   * is only made once an exchange has ended ({@link #log}).
   */
  private static final java.util.concurrent.CompletableFuture<System.Logger> LOG = new java.util.concurrent.CompletableFuture<>();
  private static final String LOGGER = "io.github.scratch4j.registry";

  static {
    io.github.scratch4j.internal.exec.Threads.start("scratch4j-logger", () -> {
      try {
        LOG.complete(System.getLogger(LOGGER));
      } catch (Throwable t) {
        LOG.completeExceptionally(t);
      }
    });
  }

  /** The logger of the exchanges, once the JDK has it (at once, but for a new JVM's first exchange). */
  private static System.Logger log() {
    try {
      return LOG.join();
    } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
      // Looked up again on this thread, as it was before, to fail here if it fails again.
      return System.getLogger(LOGGER);
    }
  }
  /** The statuses worth another try (RFC 9110: 429 and the server errors a retry may cure). */
  private static final java.util.Set<Integer> RETRIED = java.util.Set.of(429, 500, 502, 503, 504);
  private static final int MAX_REDIRECTS = 10;
  private static final int MAX_ERROR_BODY = 64 << 10;

  /** How long a host that may use plain HTTP gets to answer a TLS greeting. */
  private static final Duration PROBE = Duration.ofSeconds(3);
  /** Which scheme each such host turned out to speak. */
  private static final Map<String, URI> SCHEMES = new ConcurrentHashMap<>();

  private final String registry;
  private final String apiHost;
  private final RegistryOptions options;
  private final CredentialStore store;
  private final PresentedCertificates presented = new PresentedCertificates();
  private final DeferredTls tls = new DeferredTls(presented::context);
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();
  private volatile URI base;
  private volatile Optional<RegistryCredentials> credentials;
  private volatile boolean basic;
  private volatile Challenge bearer;
  /** Why the registry's credentials were kept from its token service, when they were. */
  private volatile Optional<String> withheld = Optional.empty();

  private record Token(String value, Instant refreshAt) {}

  /**
   * A request: method, path (or absolute URL), headers, optional body, the scopes it needs,
   * whether it may be sent again, and how many bytes of the answer's body it reads at most.
   */
  record Call(String method, String target, List<String[]> headers, Optional<Body> body, List<String> scopes,
      boolean retry, long reads) {
    static Call of(String method, String target, List<String> scopes) {
      return new Call(method, target, List.of(), Optional.empty(), scopes, true, MAX_ERROR_BODY);
    }

    Call header(String name, String value) {
      List<String[]> next = new ArrayList<>(headers);
      next.add(new String[] {name, value});
      return new Call(method, target, next, body, scopes, retry, reads);
    }

    Call body(Body newBody) {
      return new Call(method, target, headers, Optional.of(newBody), scopes, retry, reads);
    }

    /** Tried once: the caller recovers itself (a chunk whose fate must be asked first). */
    Call once() {
      return new Call(method, target, headers, body, scopes, false, reads);
    }

    /**
     * Reads up to {@code bytes} of the answer's body (an error body's 64 KiB unless said): what
     * {@link #send(Call)} keeps, and the size the body's deadline is set for when the answer
     * declares none.
     */
    Call reading(long bytes) {
      return new Call(method, target, headers, body, scopes, retry, bytes);
    }
  }

  /** A request body that can be sent again. */
  interface Body {
    /** The body's length, or -1 when it is known only once sent (chunked transfer coding). */
    long length();

    /** The most bytes the body holds: what its time limits are set for. */
    default long atMost() {
      return length();
    }

    HttpRequest.BodyPublisher publisher();
  }

  /** An answer, with as much of its body as the call reads. */
  record Answer(int status, HttpHeaders headers, byte[] body) {
    /** An answer with up to an error body's worth of {@code body}. */
    static Answer reading(int status, HttpHeaders headers, InputStream body) throws IOException {
      return new Answer(status, headers, body.readNBytes(MAX_ERROR_BODY));
    }

    Optional<String> header(String name) {
      return headers.firstValue(name);
    }
  }

  /**
   * Reads an answer's body. It runs inside the retry loop: when the body's transfer fails (the
   * stream throws), the whole request is tried again, so a reader must start afresh each time.
   */
  @FunctionalInterface
  interface Reader<T> {
    T read(int status, HttpHeaders headers, InputStream body) throws IOException;
  }

  /**
   * Who a request goes to: the registry (which answers 401 with challenges and gets the
   * registry's authorization), or its token service (which gets at most the Basic credentials
   * that {@link Hosts#checkRealm} allowed, and only at its own origin).
   */
  private record Peer(String name, boolean isRegistry, Optional<String> authorization, Optional<URI> origin) {}

  RegistryClient(String registry, RegistryOptions options, CredentialStore store) {
    this.registry = registry;
    this.apiHost = registry.equals("docker.io") ? "registry-1.docker.io" : registry;
    this.options = options;
    this.store = store;
  }

  /**
   * The JDK's client, made at the first HTTPS request: a registry that speaks plain HTTP never
   * loads it (its builder alone initialises the client's internals, some 20 lambda classes).
   */
  private volatile HttpClient http;

  private HttpClient http() {
    HttpClient h = http;
    if (h == null) {
      synchronized (this) {
        h = http;
        if (h == null) {
          // The context is made when the first TLS connection needs it. Empty parameters leave
          // each engine with the context's defaults.
          h = HttpClient.newBuilder()
              .followRedirects(HttpClient.Redirect.NEVER)
              .connectTimeout(options.timeout())
              .version(HttpClient.Version.HTTP_1_1)
              .sslContext(tls).sslParameters(new SSLParameters())
              .build();
          http = h;
        }
      }
    }
    return h;
  }

  /** Whether this client has made its SSL context (only a TLS connection does). */
  boolean madeTls() {
    return tls.made();
  }

  /** Records that a host speaks plain HTTP, as a probe would find; for tests' own servers. */
  static void rememberPlainHttp(String registry) {
    SCHEMES.put(registry, URI.create("http://" + registry + "/"));
  }

  /** A client for {@code registry} (a reference's registry part) with the machine's credentials. */
  public static RegistryClient of(String registry, RegistryOptions options) {
    return new RegistryClient(registry, options, CredentialStore.system(options));
  }

  String registry() {
    return registry;
  }

  /** The registry's base URL, after choosing HTTPS or (where allowed and HTTPS fails) HTTP. */
  URI base() throws IOException {
    URI b = base;
    if (b != null) {
      return b;
    }
    synchronized (this) {
      if (base != null) {
        return base;
      }
      URI https = URI.create("https://" + apiHost + "/");
      if (!Hosts.allowsPlainHttp(registry, options)) {
        base = https;
        return base;
      }
      URI known = SCHEMES.get(apiHost);
      if (known != null) {
        base = known;
        return base;
      }
      // A host that may use plain HTTP is asked over TLS first, as Docker does: a server that
      // answers the TLS greeting with TLS speaks HTTPS (and when its certificate is refused, its
      // requests fail saying why, rather than with plain HTTP's garbled answer); any other answer,
      // none, or no connection at all (which plain HTTP then reports) means plain HTTP. The
      // answer is kept for the process.
      Duration limit = PROBE.compareTo(options.timeout()) < 0 ? PROBE : options.timeout();
      long started = System.nanoTime();
      TlsProbe.Result seen = TlsProbe.probe(https.getHost(), port(https), limit);
      if (Thread.interrupted()) {
        throw new InterruptedIOException("interrupted while contacting " + registry);
      }
      System.Logger log = log();
      if (log.isLoggable(System.Logger.Level.DEBUG)) {
        log.log(System.Logger.Level.DEBUG, "TLS probe of " + Hosts.safe(https) + " -> " + (seen.tls() ? "TLS" : "not TLS")
            + " (" + seen.answer() + ") in " + (System.nanoTime() - started) / 1_000_000 + " ms");
      }
      base = seen.tls() ? https : URI.create("http://" + apiHost + "/");
      SCHEMES.put(apiHost, base);
      return base;
    }
  }

  /**
   * Sends a call, authenticating and retrying as needed, and returns the final answer with up
   * to {@link Call#reads()} bytes of its body.
   */
  Answer send(Call call) throws IOException {
    return send(call, (status, headers, body) -> new Answer(status, headers, body.readNBytes(saturate(call.reads()))));
  }

  /**
   * Sends a call, authenticating and retrying as needed, and hands the final answer to
   * {@code reader}; a body that stalls or breaks while it reads is retried like a failed
   * connection.
   */
  <T> T send(Call call, Reader<T> reader) throws IOException {
    return run(call, reader, new Peer("registry " + registry, true, Optional.empty(), Optional.empty()));
  }

  /** Sends a call and fails unless the registry answers one of {@code expected}. */
  Answer expect(Call call, int... expected) throws IOException {
    Answer r = send(call);
    for (int e : expected) {
      if (r.status() == e) {
        return r;
      }
    }
    throw failure(call, r);
  }

  private static int saturate(long n) {
    return (int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, n));
  }

  /** The one place that sends, reads, retries and wraps; see the class comment. */
  private <T> T run(Call call, Reader<T> reader, Peer peer) throws IOException {
    int attempt = 0;
    boolean authenticated = false;
    while (true) {
      attempt++;
      Optional<String> auth = peer.isRegistry() ? authorization(call.scopes()) : peer.authorization();
      URI authOrigin = peer.isRegistry() ? base() : peer.origin().orElseThrow();
      IOException failed = null;
      HttpResponse<InputStream> r = null;
      URI[] contacted = {authOrigin};
      try {
        r = exchange(call, auth, authOrigin, contacted, attempt);
      } catch (RegistryException | InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        failed = e;
      }
      if (r != null) {
        TimedBody body = (TimedBody) r.body();
        try (body) {
          int status = r.statusCode();
          if (status == 401 && peer.isRegistry() && !authenticated) {
            List<Challenge> challenges = Challenge.parse(r.headers().allValues("WWW-Authenticate"));
            drain(body);
            authenticated = true;
            if (authenticate(challenges, call.scopes(), auth.isPresent())) {
              attempt--; // answering a challenge is not a failed attempt
              continue;
            }
            throw new RegistryException(describe(call) + ": " + where() + " requires authentication ("
                + challenges.stream().map(Challenge::scheme).toList() + ") and " + credentialsSummary(), 401);
          }
          if (RETRIED.contains(status) && call.retry() && attempt < options.attempts()) {
            Duration wait = backoff(attempt, r.headers().firstValue("Retry-After"));
            drain(body);
            body.close();
            pause(wait);
            continue;
          }
          return reader.read(status, r.headers(), body);
        } catch (IOException e) {
          // Only the body's own failure is the transfer's; anything else is the reader's verdict
          // (a digest that does not match, a document that does not parse) and final.
          if (e instanceof InterruptedIOException || body.failure() == null || !causedBy(e, body.failure())) {
            throw e;
          }
          failed = body.failure();
        }
      }
      if (!call.retry() || attempt >= options.attempts()) {
        throw new RegistryException(describe(call) + " to " + peer.name() + named(peer.name(), contacted[0])
            + " failed" + (attempt > 1 ? " after " + attempt + " attempts" : "") + ": "
            + Failures.why(failed, hostPort(contacted[0]), presented.of(contacted[0]), options.timeout()), failed);
      }
      pause(backoff(attempt, Optional.empty()));
    }
  }

  private static boolean causedBy(Throwable e, Throwable cause) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t == cause) {
        return true;
      }
    }
    return false;
  }

  /** {@code host:port} of a URL, the scheme's default port when it names none. */
  static String hostPort(URI uri) {
    return uri.getHost() + ":" + port(uri);
  }

  /**
   * " (host:port)" when {@code name} does not end with the host and port {@code uri} names
   * (a reference without a port, a redirect elsewhere, a token service); " over plain HTTP"
   * when the request went that way.
   */
  private static String named(String name, URI uri) {
    String hp = hostPort(uri);
    String plain = uri.getScheme().equalsIgnoreCase("http") ? " over plain HTTP" : "";
    return name.toLowerCase(Locale.ROOT).endsWith(hp.toLowerCase(Locale.ROOT)) ? plain : " (" + hp + ")" + plain;
  }

  /** "registry ghcr.io (ghcr.io:443)", or "registry 127.0.0.1:5000" when its name holds the port. */
  String where() {
    URI b = base;
    return "registry " + registry + (b == null ? "" : named("registry " + registry, b).replace(" over plain HTTP", ""));
  }

  /** An exception for an unexpected answer, with the registry's error codes and messages. */
  RegistryException failure(Call call, Answer r) {
    String message = describe(call) + ": " + where() + " answered " + Failures.status(r.status()) + errors(r.body());
    if (r.status() == 401 || r.status() == 403) {
      message += "; " + credentialsSummary();
    }
    return new RegistryException(message, r.status());
  }

  /** The distribution-spec error list ({"errors":[{"code","message"}]}) in short, if the body is one. */
  private static String errors(byte[] body) {
    try {
      JsonNode root = JsonReader.parse(body, "error body");
      List<String> parts = new ArrayList<>();
      for (JsonNode e : root.path("errors")) {
        String part = e.path("code").asText("") + (e.path("message").isTextual() ? " (" + e.path("message").asText() + ")" : "");
        parts.add(part.length() > 200 ? part.substring(0, 200) + "…" : part);
        if (parts.size() == 5) {
          break;
        }
      }
      return parts.isEmpty() ? "" : ": " + String.join(", ", parts);
    } catch (ImageFormatException | RuntimeException e) {
      return "";
    }
  }

  private String credentialsSummary() {
    Optional<RegistryCredentials> c = credentials;
    Optional<String> kept = withheld;
    if (c != null && c.isPresent() && kept.isPresent()) {
      return "the credentials found for it (user " + c.get().username() + ") were not sent: " + kept.get();
    }
    if (c != null && c.isPresent()) {
      return "the credentials found for it (user " + c.get().username() + ") were not accepted";
    }
    return "no credentials were found for it (given in RegistryOptions, or in " + store.files() + ")";
  }

  static String describe(Call call) {
    String target = call.target();
    int q = target.indexOf('?');
    if (q >= 0) {
      target = target.substring(0, q); // upload URLs carry session state in their query
    }
    if (target.startsWith("http://") || target.startsWith("https://")) {
      target = Hosts.safe(URI.create(target));
    }
    return call.method() + " " + target;
  }

  /**
   * Sends the call once, following redirects; the Authorization header goes to {@code authOrigin}
   * only. Returns the final answer, whose body is a {@link TimedBody} the caller must close.
   */
  private HttpResponse<InputStream> exchange(Call call, Optional<String> auth, URI authOrigin, URI[] contacted,
      int attempt) throws IOException {
    URI uri = base().resolve(call.target());
    String method = call.method();
    Optional<Body> body = call.body();
    for (int hops = 0; ; hops++) {
      Optional<String> authHere = sameOrigin(uri, authOrigin) ? auth : Optional.empty();
      String what = sameOrigin(uri, authOrigin) ? "the answer's body"
          : "the answer's body from " + uri.getScheme() + "://" + uri.getRawAuthority().replaceAll("^.*@", "");
      contacted[0] = uri;
      long started = System.nanoTime();
      HttpResponse<InputStream> r;
      try {
        r = once(method, uri, call.headers(), body, authHere, call.reads(), options.timeout(), what);
      } catch (IOException | RuntimeException e) {
        logExchange(method, uri, "failed: " + e.getClass().getSimpleName() + ": " + scrubbed(e.getMessage(), uri),
            started, attempt(attempt, hops));
        throw e;
      }
      int s = r.statusCode();
      logExchange(method, uri, Integer.toString(s), started, attempt(attempt, hops));
      Optional<String> location = r.headers().firstValue("Location");
      if ((s == 301 || s == 302 || s == 303 || s == 307 || s == 308) && location.isPresent()
          && !call.method().equals("POST") && !call.method().equals("PATCH") && !call.method().equals("PUT")) {
        try (TimedBody b = (TimedBody) r.body()) {
          drain(b);
        }
        if (hops >= MAX_REDIRECTS) {
          throw new RegistryException(describe(call) + ": more than " + MAX_REDIRECTS + " redirects", s);
        }
        URI next;
        try {
          next = uri.resolve(location.get());
        } catch (IllegalArgumentException e) {
          throw new RegistryException(describe(call) + ": the registry redirected to an invalid URL", s);
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || next.getHost() == null) {
          throw new RegistryException(describe(call) + ": redirected to a " + scheme + " URL; refused", s);
        }
        if (uri.getScheme().equals("https") && scheme.equals("http")) {
          throw new RegistryException(describe(call) + ": redirected from HTTPS to plain HTTP ("
              + Hosts.safe(next) + "); refused", s);
        }
        if (s == 303) {
          method = "GET";
          body = Optional.empty();
        }
        uri = next;
        continue;
      }
      return r;
    }
  }

  /**
   * Logs one exchange at DEBUG: "GET https://host/v2/... -> 200 in 12 ms (attempt 1)". The time is
   * to the answer's headers; a redirect followed is logged as its own exchange, with its hop.
   */
  private static void logExchange(String method, URI uri, String outcome, long started, String which) {
    System.Logger log = log();
    if (log.isLoggable(System.Logger.Level.DEBUG)) {
      long ms = (System.nanoTime() - started) / 1_000_000;
      log.log(System.Logger.Level.DEBUG, method + " " + forLog(uri) + " -> " + outcome + " in " + ms + " ms (" + which + ")");
    }
  }

  private static String attempt(int attempt, int hop) {
    return "attempt " + attempt + (hop > 0 ? ", redirect " + hop : "");
  }

  /** An exception's message with the URL's query taken out, should the message quote it. */
  private static String scrubbed(String message, URI uri) {
    String query = uri.getRawQuery();
    if (message == null || query == null || query.isEmpty()) {
      return String.valueOf(message);
    }
    return message.replace(query, "…").replace(uri.getQuery(), "…");
  }

  /**
   * A URL as it may be logged: no user information, and the query's names without their values,
   * which can be signatures and credentials (a pre-signed storage URL's {@code X-Amz-Signature},
   * {@code sig}, {@code token}) or an upload's session state.
   */
  static String forLog(URI uri) {
    String query = uri.getRawQuery();
    if (query == null || query.isEmpty()) {
      return Hosts.safe(uri);
    }
    StringBuilder names = new StringBuilder();
    for (String part : query.split("&", -1)) {
      int eq = part.indexOf('=');
      names.append(names.length() == 0 ? "?" : "&").append(eq < 0 ? "…" : part.substring(0, eq) + "=…");
    }
    return Hosts.safe(uri) + names;
  }

  /**
   * Sends one request and waits for its answer's headers, under these limits (each the timeout
   * {@code t} unless said): the answer must begin within t of the request; with a body, the
   * first bytes must be taken within 2t (connecting, then a pause), no later pause may last t,
   * all of it must be taken within {@link Limits#forBytes} of the first bytes, and the answer
   * must begin within t of the last. The JDK's request timeout alone cannot say this: it covers
   * the whole exchange up to the headers, so it must allow for the slowest whole upload and then
   * misses a registry that stopped reading early on.
   */
  private HttpResponse<InputStream> once(String method, URI uri, List<String[]> headers, Optional<Body> body,
      Optional<String> auth, long reads, Duration t, String what) throws IOException {
    long length = body.map(Body::atMost).orElse(0L);
    // A streamed body's length is known once it has all gone.
    boolean streamed = body.map(Body::length).orElse(0L) < 0;
    // An empty body is sent with the headers: the request then waits for its answer like a GET.
    SentBody sent = length > 0 ? new SentBody(body.get().publisher()) : null;
    HttpRequest.BodyPublisher publisher = sent != null ? sent
        : body.map(Body::publisher).orElseGet(HttpRequest.BodyPublishers::noBody);
    List<String[]> all = new ArrayList<>(headers);
    auth.ifPresent(a -> all.add(new String[] {"Authorization", a}));
    long tn = t.toNanos();
    long start = System.nanoTime();
    java.util.function.Function<HttpResponse.ResponseInfo, HttpResponse.BodySubscriber<InputStream>> handler =
        info -> new TimedBody(t,
            info.headers().firstValueAsLong("Content-Length").stream().map(n -> Math.min(n, reads)).findFirst().orElse(reads),
            what);
    CompletableFuture<HttpResponse<InputStream>> cf;
    if (uri.getScheme().equals("http")) {
      cf = PlainHttp.sendAsync(method, uri, all, publisher, (int) Math.min(Integer.MAX_VALUE, options.timeout().toMillis()),
          handler);
    } else {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri)
          // Only a backstop: the waits below end first.
          .timeout(Limits.forBytes(t, length).plus(t.multipliedBy(3)))
          .method(method, publisher);
      for (String[] h : all) {
        b.header(h[0], h[1]);
      }
      cf = http().sendAsync(b.build(), handler::apply);
    }
    while (true) {
      long due;
      String stall;
      if (sent == null) {
        due = start + tn;
        stall = "timed out: no answer came within " + Limits.format(t);
      } else if (!sent.started()) {
        due = start + 2 * tn;
        stall = "timed out: the registry took none of the " + (streamed ? "streamed" : length + "-byte") + " request body within " + Limits.format(t.multipliedBy(2));
      } else if (!sent.done()) {
        long idle = sent.lastAt() + tn;
        Duration allowed = Limits.forBytes(t, length);
        long deadline = sent.firstAt() + allowed.toNanos();
        if (idle - deadline <= 0) {
          due = idle;
          stall = "timed out: the registry stopped taking the request body: nothing for " + Limits.format(t) + " after "
              + sent.taken() + (streamed ? " bytes of a streamed body" : " of " + length + " bytes");
        } else {
          due = deadline;
          stall = "timed out: the request body was not sent within " + Limits.format(allowed) + " (the limit for " + (streamed ? "at most " : "") + length
              + " bytes): " + sent.taken() + " bytes had gone";
        }
      } else {
        due = sent.doneAt() + tn;
        stall = "timed out: no answer came within " + Limits.format(t) + " of the request body's last byte ("
            + (streamed ? sent.taken() : length) + " bytes)";
      }
      long wait = due - System.nanoTime();
      try {
        if (wait > 0) {
          // Looks again at least ten times per timeout: the body's progress moves the due time.
          return cf.get(Math.min(wait, Math.max(tn / 10, 1_000_000)), TimeUnit.NANOSECONDS);
        }
      } catch (TimeoutException e) {
        continue; // the state may have moved on while waiting: look again
      } catch (InterruptedException e) {
        cf.cancel(true);
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted: " + method + " " + Hosts.safe(uri));
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
          throw io;
        }
        throw new IOException(cause.toString(), cause);
      } catch (CancellationException e) {
        throw new TransferException("the request was cancelled");
      }
      // Cancelling the exchange makes the JDK close its connection (JDK 16 and later). If the
      // answer came just now, take it after all.
      if (!cf.cancel(true) && cf.isDone() && !cf.isCompletedExceptionally()) {
        continue;
      }
      throw new TransferException(stall);
    }
  }

  /** Reads a little of a body that does not matter, so its connection may be kept; failures are ignored. */
  private static void drain(TimedBody body) {
    try {
      body.skipNBytes(0);
      byte[] sink = new byte[8192];
      long total = 0;
      int n;
      while (total < MAX_ERROR_BODY && (n = body.read(sink)) > 0) {
        total += n;
      }
    } catch (IOException e) {
      // the connection is closed either way
    }
  }

  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
        && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
  }

  static int port(URI u) {
    return u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  private static String scopeKey(List<String> scopes) {
    return String.join(" ", new TreeSet<>(scopes));
  }

  /** The Authorization header to send first: a live token for these scopes, else Basic where asked. */
  private Optional<String> authorization(List<String> scopes) throws IOException {
    String key = scopeKey(scopes);
    Token t = tokens.get(key);
    if (t != null && Instant.now().isBefore(t.refreshAt())) {
      return Optional.of("Bearer " + t.value());
    }
    Challenge b = bearer;
    if (b != null) {
      // The registry uses tokens: get a fresh one before sending, rather than being refused.
      return Optional.of("Bearer " + fetchToken(b, scopes).value());
    }
    if (basic) {
      Optional<RegistryCredentials> c = credentials();
      if (c.isPresent()) {
        return Optional.of(basicHeader(c.get()));
      }
    }
    return Optional.empty();
  }

  private static String basicHeader(RegistryCredentials c) {
    return "Basic " + Base64.getEncoder().encodeToString(
        (c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
  }

  private Optional<RegistryCredentials> credentials() throws IOException {
    Optional<RegistryCredentials> c = credentials;
    if (c == null) {
      synchronized (this) {
        if (credentials == null) {
          credentials = store.lookup(registry);
        }
        c = credentials;
      }
    }
    return c;
  }

  /** Answers a 401's challenges; true when there is something new to try. */
  private boolean authenticate(List<Challenge> challenges, List<String> scopes, boolean hadAuth) throws IOException {
    Optional<Challenge> b = Challenge.find(challenges, "Bearer");
    if (b.isPresent()) {
      // Refused with a token, or first contact: either way a new token for these scopes.
      bearer = b.get();
      tokens.remove(scopeKey(scopes));
      fetchToken(b.get(), scopes);
      return true;
    }
    if (Challenge.find(challenges, "Basic").isPresent()) {
      if (hadAuth && basic) {
        return false;
      }
      basic = true;
      return credentials().isPresent();
    }
    return false;
  }

  /** Asks the token service for a token (distribution's token authentication specification). */
  private Token fetchToken(Challenge challenge, List<String> scopes) throws IOException {
    String key = scopeKey(scopes);
    synchronized (tokens) {
      Token cached = tokens.get(key);
      if (cached != null && Instant.now().isBefore(cached.refreshAt())) {
        return cached;
      }
      String realm = challenge.param("realm").orElseThrow(() ->
          new RegistryException("registry " + registry + " asked for a token but named no token service (realm)", 401));
      Hosts.Realm checked = Hosts.checkRealm(realm, registry, base(), options);
      URI realmUri = checked.uri();
      TreeSet<String> wanted = new TreeSet<>(scopes);
      challenge.param("scope").ifPresent(s -> wanted.addAll(List.of(s.split(" "))));
      StringBuilder query = new StringBuilder();
      challenge.param("service").ifPresent(s -> query.append("service=").append(enc(s)));
      for (String s : wanted) {
        query.append(query.length() == 0 ? "" : "&").append("scope=").append(enc(s));
      }
      String raw = realmUri.toString();
      URI uri = URI.create(raw + (query.length() == 0 ? "" : (raw.contains("?") ? "&" : "?") + query));
      Optional<RegistryCredentials> found = credentials();
      Optional<RegistryCredentials> c = checked.withheld().isEmpty() ? found : Optional.empty();
      withheld = found.isPresent() ? checked.withheld() : Optional.empty();
      String service = Hosts.safe(realmUri);
      Peer peer = new Peer("the token service of registry " + registry, false,
          c.map(RegistryClient::basicHeader), Optional.of(realmUri));
      Answer r = run(Call.of("GET", uri.toString(), List.of()).reading(JsonReader.MAX_DOCUMENT + 1),
          (status, headers, in) -> new Answer(status, headers, in.readNBytes(JsonReader.MAX_DOCUMENT + 1)), peer);
      int s = r.status();
      byte[] body = r.body();
      if (s == 401 || s == 403) {
        throw new RegistryException("token service " + service + " for " + registry + " refused "
            + (c.isPresent() ? "the credentials of user " + c.get().username() : "anonymous access")
            + " (" + Failures.status(s) + ")" + errors(body), s);
      }
      if (s != 200) {
        throw new RegistryException("token service " + service + " for " + registry + " answered " + Failures.status(s) + errors(body), s);
      }
      JsonNode answer = JsonReader.parse(body, "the answer of token service " + service);
      String token = answer.path("token").asText(answer.path("access_token").asText(""));
      if (token.isEmpty()) {
        throw new RegistryException("token service " + service + " answered without a token", s);
      }
      // Tokens last expires_in seconds, 60 when unsaid (token specification); renew at 80%.
      long life = answer.path("expires_in").canConvertToLong() && answer.path("expires_in").asLong() > 0
          ? answer.path("expires_in").asLong() : 60;
      Token t = new Token(token, Instant.now().plusMillis(life * 800));
      tokens.put(key, t);
      return t;
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private Duration backoff(int attempt, Optional<String> retryAfter) {
    if (retryAfter.isPresent()) {
      try {
        long seconds = Long.parseLong(retryAfter.get().trim());
        return Duration.ofSeconds(Math.max(0, Math.min(seconds, 60)));
      } catch (NumberFormatException e) {
        // an HTTP date: fall back to our own backoff
      }
    }
    long base = options.backoff().toMillis() << Math.min(attempt - 1, 10);
    long jitter = base == 0 ? 0 : ThreadLocalRandom.current().nextLong(base / 2 + 1);
    return Duration.ofMillis(Math.min(base + jitter, 60_000));
  }

  private static void pause(Duration d) throws InterruptedIOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry");
    }
  }
}
