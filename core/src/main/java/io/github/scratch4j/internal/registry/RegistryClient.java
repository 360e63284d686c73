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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Speaks HTTP to one registry for the Distribution API (OCI distribution-spec): picks HTTPS (or
 * plain HTTP where allowed), authenticates (Basic, or Bearer tokens from the registry's token
 * service, refreshed when they expire), retries with backoff, and follows redirects itself so
 * that credentials only ever go to the registry's own origin.
 *
 * <p>Thread-safe: concurrent uploads share one client and its tokens.
 */
public final class RegistryClient {
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
  private final HttpClient http;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();
  private volatile URI base;
  private volatile Optional<RegistryCredentials> credentials;
  private volatile boolean basic;
  private volatile Challenge bearer;

  private record Token(String value, Instant refreshAt) {}

  /** A request: method, path (or absolute URL), headers, optional body, and the scopes it needs. */
  record Call(String method, String target, List<String[]> headers, Optional<Body> body, List<String> scopes,
      boolean retry) {
    static Call of(String method, String target, List<String> scopes) {
      return new Call(method, target, List.of(), Optional.empty(), scopes, true);
    }

    Call header(String name, String value) {
      List<String[]> next = new ArrayList<>(headers);
      next.add(new String[] {name, value});
      return new Call(method, target, next, body, scopes, retry);
    }

    Call body(Body newBody) {
      return new Call(method, target, headers, Optional.of(newBody), scopes, retry);
    }

    /** Tried once: the caller recovers itself (a chunk whose fate must be asked first). */
    Call once() {
      return new Call(method, target, headers, body, scopes, false);
    }
  }

  /** A request body that can be sent again. */
  interface Body {
    long length();

    HttpRequest.BodyPublisher publisher();
  }

  RegistryClient(String registry, RegistryOptions options, CredentialStore store) {
    this.registry = registry;
    this.apiHost = registry.equals("docker.io") ? "registry-1.docker.io" : registry;
    this.options = options;
    this.store = store;
    this.http = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(options.timeout())
        .version(HttpClient.Version.HTTP_1_1)
        .build();
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
      // A host that may use plain HTTP is asked over HTTPS first, as Docker does: a TLS failure
      // (or no answer to the TLS greeting, as from servers that wait for a request line) means it
      // speaks plain HTTP. Any HTTP answer means HTTPS works. The answer is kept for the process.
      try {
        HttpRequest probe = HttpRequest.newBuilder(https.resolve("/v2/"))
            .timeout(PROBE.compareTo(options.timeout()) < 0 ? PROBE : options.timeout()).GET().build();
        http.send(probe, HttpResponse.BodyHandlers.discarding());
        base = https;
      } catch (IOException e) {
        // SSLException, a timeout, or not even a connection (plain HTTP then fails the same way,
        // with a clearer message).
        base = URI.create("http://" + apiHost + "/");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while contacting " + registry);
      }
      SCHEMES.put(apiHost, base);
      return base;
    }
  }

  /**
   * Sends a call, authenticating and retrying as needed, and returns the final response, whose
   * body the caller must read or close.
   */
  HttpResponse<InputStream> send(Call call) throws IOException {
    int attempt = 0;
    boolean authenticated = false;
    while (true) {
      attempt++;
      Optional<String> auth = authorization(call.scopes());
      HttpResponse<InputStream> r;
      try {
        r = exchange(call, auth);
      } catch (RegistryException e) {
        throw e;
      } catch (IOException e) {
        if (!call.retry() || attempt >= options.attempts()) {
          throw new RegistryException(describe(call) + " failed" + (attempt > 1 ? " after " + attempt + " attempts" : "")
              + ": " + e, e);
        }
        pause(backoff(attempt, Optional.empty()));
        continue;
      }
      int status = r.statusCode();
      if (status == 401 && !authenticated) {
        List<Challenge> challenges = Challenge.parse(r.headers().allValues("WWW-Authenticate"));
        discard(r);
        authenticated = true;
        if (authenticate(challenges, call.scopes(), auth.isPresent())) {
          attempt--; // answering a challenge is not a failed attempt
          continue;
        }
        throw new RegistryException(describe(call) + ": registry " + registry + " requires authentication ("
            + challenges.stream().map(Challenge::scheme).toList() + ") and " + credentialsSummary(), 401);
      }
      if (RETRIED.contains(status) && call.retry() && attempt < options.attempts()) {
        Duration wait = backoff(attempt, r.headers().firstValue("Retry-After"));
        discard(r);
        pause(wait);
        continue;
      }
      return r;
    }
  }

  /** Sends a call and fails unless the registry answers one of {@code expected}. */
  HttpResponse<InputStream> expect(Call call, int... expected) throws IOException {
    HttpResponse<InputStream> r = send(call);
    for (int e : expected) {
      if (r.statusCode() == e) {
        return r;
      }
    }
    throw failure(call, r);
  }

  /** An exception for an unexpected answer, with the registry's error codes and messages. */
  RegistryException failure(Call call, HttpResponse<InputStream> r) {
    String detail = "";
    try (InputStream in = r.body()) {
      byte[] body = in.readNBytes(MAX_ERROR_BODY);
      detail = errors(body);
    } catch (IOException e) {
      detail = "";
    }
    String message = describe(call) + ": registry " + registry + " answered " + r.statusCode() + detail;
    if (r.statusCode() == 401 || r.statusCode() == 403) {
      message += "; " + credentialsSummary();
    }
    return new RegistryException(message, r.statusCode());
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

  /** Sends the call once, following redirects; the Authorization header goes to the registry's origin only. */
  private HttpResponse<InputStream> exchange(Call call, Optional<String> auth) throws IOException {
    URI origin = base();
    URI uri = origin.resolve(call.target());
    String method = call.method();
    Optional<Body> body = call.body();
    for (int hops = 0; ; hops++) {
      long bytes = body.map(Body::length).orElse(0L);
      HttpRequest.Builder b = HttpRequest.newBuilder(uri)
          .timeout(options.timeout().plusSeconds(bytes >> 20))
          .method(method, body.map(Body::publisher).orElse(HttpRequest.BodyPublishers.noBody()));
      for (String[] h : call.headers()) {
        b.header(h[0], h[1]);
      }
      if (auth.isPresent() && sameOrigin(uri, origin)) {
        b.header("Authorization", auth.get());
      }
      HttpResponse<InputStream> r;
      try {
        r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted: " + describe(call));
      }
      int s = r.statusCode();
      Optional<String> location = r.headers().firstValue("Location");
      if ((s == 301 || s == 302 || s == 303 || s == 307 || s == 308) && location.isPresent()
          && !call.method().equals("POST") && !call.method().equals("PATCH") && !call.method().equals("PUT")) {
        discard(r);
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
        if (!scheme.equals("https") && !scheme.equals("http")) {
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

  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
        && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
  }

  private static int port(URI u) {
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
      URI realmUri = Hosts.checkRealm(realm, registry, base().getScheme().equals("https"), options);
      TreeSet<String> wanted = new TreeSet<>(scopes);
      challenge.param("scope").ifPresent(s -> wanted.addAll(List.of(s.split(" "))));
      StringBuilder query = new StringBuilder();
      challenge.param("service").ifPresent(s -> query.append("service=").append(enc(s)));
      for (String s : wanted) {
        query.append(query.length() == 0 ? "" : "&").append("scope=").append(enc(s));
      }
      String raw = realmUri.toString();
      URI uri = URI.create(raw + (query.length() == 0 ? "" : (raw.contains("?") ? "&" : "?") + query));
      Optional<RegistryCredentials> c = credentials();
      String service = Hosts.safe(realmUri);
      for (int attempt = 1; ; attempt++) {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(options.timeout()).GET();
        c.ifPresent(cred -> req.header("Authorization", basicHeader(cred)));
        HttpResponse<InputStream> r;
        try {
          r = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while asking " + service + " for a token");
        } catch (IOException e) {
          if (attempt >= options.attempts()) {
            throw new RegistryException("token service " + service + " for " + registry + " failed: " + e, e);
          }
          pause(backoff(attempt, Optional.empty()));
          continue;
        }
        int s = r.statusCode();
        if (RETRIED.contains(s) && attempt < options.attempts()) {
          Duration wait = backoff(attempt, r.headers().firstValue("Retry-After"));
          discard(r);
          pause(wait);
          continue;
        }
        byte[] body;
        try (InputStream in = r.body()) {
          body = in.readNBytes(JsonReader.MAX_DOCUMENT + 1);
        }
        if (s == 401 || s == 403) {
          throw new RegistryException("token service " + service + " for " + registry + " refused "
              + (c.isPresent() ? "the credentials of user " + c.get().username() : "anonymous access")
              + " (" + s + ")" + errors(body), s);
        }
        if (s != 200) {
          throw new RegistryException("token service " + service + " for " + registry + " answered " + s + errors(body), s);
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

  static void discard(HttpResponse<InputStream> r) {
    try (InputStream in = r.body()) {
      in.skipNBytes(0);
      byte[] sink = new byte[8192];
      long total = 0;
      int n;
      while (total < MAX_ERROR_BODY && (n = in.read(sink)) > 0) {
        total += n;
      }
    } catch (IOException e) {
      // the connection is closed either way
    }
  }
}
