package io.github.scratch4j.internal.registry;

import static io.github.scratch4j.internal.registry.StubServers.answer;
import static io.github.scratch4j.internal.registry.StubServers.hostOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.github.scratch4j.RegistryCredentials;
import io.github.scratch4j.RegistryException;
import io.github.scratch4j.RegistryOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against small loopback servers that misbehave on purpose. */
class RegistryClientTest {
  private static final RegistryCredentials CREDS = new RegistryCredentials("ann", "hunter2-secret");
  private final StubServers stubs = new StubServers();
  @TempDir Path home;

  @AfterEach
  void stop() {
    stubs.close();
  }

  private RegistryClient client(String registry, RegistryOptions options) {
    return StubServers.client(registry, options, home);
  }

  private HttpServer server(String address) throws IOException {
    return stubs.start(address);
  }

  private static RegistryOptions fast() {
    return RegistryOptions.defaults().withRetries(4, Duration.ofMillis(1)).withTimeout(Duration.ofSeconds(10));
  }

  private static String body(RegistryClient.Answer r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void aRegistryThatSpeaksPlainHttpIsFoundAndAskedWithoutMakingAnSslContext() throws Exception {
    // As Go's HTTP server answers a TLS greeting (the stub servers wait for a request line).
    java.net.ServerSocket api = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      for (int i = 0; i < 2; i++) {
        try (java.net.Socket s = api.accept()) {
          byte[] first = new byte[4096];
          int n = s.getInputStream().read(first);
          String said = n > 0 && first[0] == 22 ? "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"
              : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
          s.getOutputStream().write(said.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
    try (api) {
      String host = "127.0.0.1:" + api.getLocalPort();
      RegistryClient client = new RegistryClient(host, fast(), new CredentialStore(fast(), java.util.Map.of(), home));
      RegistryClient.Answer r = client.send(RegistryClient.Call.of("GET", "/v2/", List.of()));
      assertThat(r.status()).isEqualTo(200);
      assertThat(client.base()).hasToString("http://" + host + "/");
      assertThat(client.madeTls()).as("an SSL context made for a plain HTTP registry").isFalse();
    }
  }

  @Test
  void credentialsAreNotForwardedWhenARegistryRedirectsToAnotherHost() throws Exception {
    HttpServer storage = server("127.0.0.2");
    List<String> storageSaw = new CopyOnWriteArrayList<>();
    storage.createContext("/", e -> {
      storageSaw.add(String.valueOf(e.getRequestHeaders().getFirst("Authorization")));
      answer(e, 200, "blob bytes");
    });
    HttpServer registry = server("127.0.0.1");
    List<String> registrySaw = new CopyOnWriteArrayList<>();
    registry.createContext("/", e -> {
      String auth = e.getRequestHeaders().getFirst("Authorization");
      registrySaw.add(String.valueOf(auth));
      if (auth == null) {
        answer(e, 401, "", "WWW-Authenticate", "Basic realm=\"test\"");
      } else {
        answer(e, 307, "", "Location", "http://" + hostOf(storage) + "/store/blob?sig=abc");
      }
    });
    RegistryOptions options = fast().withCredentials(hostOf(registry), CREDS);
    RegistryClient client = client(hostOf(registry), options);
    RegistryClient.Answer r = client.send(RegistryClient.Call.of("GET", "/v2/a/blobs/sha256:x", List.of("repository:a:pull")));
    assertThat(r.status()).isEqualTo(200);
    assertThat(body(r)).isEqualTo("blob bytes");
    assertThat(registrySaw).hasSize(2).first().isEqualTo("null");
    assertThat(registrySaw.get(1)).startsWith("Basic ");
    assertThat(storageSaw).containsExactly("null");
  }

  @Test
  void theJdkClientsOwnRedirectsForwardThemOnSomeJdks() throws Exception {
    // Why the client follows redirects itself: measured, not assumed. JDK 17.0.15 sends the
    // Authorization header on to another host on a 307; 17.0.21 no longer does. A client that
    // must not leak credentials on any JDK 17 cannot leave redirects to the JDK.
    HttpServer storage = server("127.0.0.2");
    List<String> storageSaw = new CopyOnWriteArrayList<>();
    storage.createContext("/", e -> {
      storageSaw.add(String.valueOf(e.getRequestHeaders().getFirst("Authorization")));
      answer(e, 200, "x");
    });
    HttpServer registry = server("127.0.0.1");
    registry.createContext("/", e -> answer(e, 307, "", "Location", "http://" + hostOf(storage) + "/store"));
    HttpClient jdk = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    jdk.send(HttpRequest.newBuilder(URI.create("http://" + hostOf(registry) + "/v2/")).header("Authorization", "Basic c2VjcmV0")
        .build(), HttpResponse.BodyHandlers.discarding());
    assertThat(storageSaw).hasSize(1);
    assumeTrue(storageSaw.get(0).equals("Basic c2VjcmV0"),
        "JDK " + Runtime.version() + " drops Authorization on a redirect to another host");
  }

  @Test
  void redirectsWithinTheRegistryKeepTheCredentials() throws Exception {
    HttpServer registry = server("127.0.0.1");
    List<String> saw = new CopyOnWriteArrayList<>();
    registry.createContext("/", e -> {
      String auth = e.getRequestHeaders().getFirst("Authorization");
      saw.add(e.getRequestURI().getPath() + " " + auth);
      if (auth == null) {
        answer(e, 401, "", "WWW-Authenticate", "Basic realm=\"test\"");
      } else if (e.getRequestURI().getPath().equals("/v2/a/blobs/x")) {
        answer(e, 302, "", "Location", "/v2/a/elsewhere");
      } else {
        answer(e, 200, "ok");
      }
    });
    RegistryClient client = client(hostOf(registry), fast().withCredentials(hostOf(registry), CREDS));
    RegistryClient.Answer r = client.send(RegistryClient.Call.of("GET", "/v2/a/blobs/x", List.of()));
    assertThat(body(r)).isEqualTo("ok");
    assertThat(saw).last().asString().startsWith("/v2/a/elsewhere Basic ");
  }

  @Test
  void retriesServerErrorsAndTooManyRequestsThenSucceeds() throws Exception {
    HttpServer registry = server("127.0.0.1");
    AtomicInteger count = new AtomicInteger();
    registry.createContext("/", e -> {
      int n = count.incrementAndGet();
      if (n == 1) {
        answer(e, 503, "{\"errors\":[{\"code\":\"UNAVAILABLE\"}]}");
      } else if (n == 2) {
        answer(e, 429, "", "Retry-After", "0");
      } else {
        answer(e, 200, "fine");
      }
    });
    RegistryClient client = client(hostOf(registry), fast());
    assertThat(body(client.send(RegistryClient.Call.of("GET", "/v2/", List.of())))).isEqualTo("fine");
    assertThat(count).hasValue(3);
  }

  @Test
  void givesUpAfterTheLastAttemptWithTheRegistrysErrorCodes() throws Exception {
    HttpServer registry = server("127.0.0.1");
    AtomicInteger count = new AtomicInteger();
    registry.createContext("/", e -> {
      count.incrementAndGet();
      answer(e, 500, "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"disk on fire\"}]}");
    });
    RegistryClient client = client(hostOf(registry), fast());
    RegistryClient.Call call = RegistryClient.Call.of("GET", "/v2/a/manifests/1?secret=state", List.of());
    assertThatThrownBy(() -> client.expect(call, 200))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("GET /v2/a/manifests/1").hasMessageNotContaining("secret=state")
        .hasMessageContaining("500").hasMessageContaining("UNKNOWN (disk on fire)")
        .satisfies(e -> assertThat(((RegistryException) e).status()).hasValue(500));
    assertThat(count).hasValue(4);
  }

  @Test
  void refusedCredentialsAreReportedWithoutThePassword() throws Exception {
    HttpServer registry = server("127.0.0.1");
    registry.createContext("/", e -> answer(e, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}",
        "WWW-Authenticate", "Basic realm=\"test\""));
    RegistryClient client = client(hostOf(registry), fast().withCredentials(hostOf(registry), CREDS));
    assertThatThrownBy(() -> client.expect(RegistryClient.Call.of("GET", "/v2/", List.of()), 200))
        .isInstanceOf(RegistryException.class).hasMessageContaining("user ann")
        .hasMessageNotContaining("hunter2").hasMessageNotContaining("Basic ");
    RegistryClient anonymous = client(hostOf(registry), fast());
    assertThatThrownBy(() -> anonymous.expect(RegistryClient.Call.of("GET", "/v2/", List.of()), 200))
        .isInstanceOf(RegistryException.class).hasMessageContaining("no credentials were found");
  }

  @Test
  void bearerTokensAreFetchedForTheScopeAndRenewedWhenTheyExpire() throws Exception {
    HttpServer tokens = server("127.0.0.1");
    AtomicInteger issued = new AtomicInteger();
    List<String> tokenQueries = new CopyOnWriteArrayList<>();
    tokens.createContext("/token", e -> {
      tokenQueries.add(e.getRequestURI().getRawQuery() + " " + e.getRequestHeaders().getFirst("Authorization"));
      answer(e, 200, "{\"token\":\"t" + issued.incrementAndGet() + "\",\"expires_in\":1}");
    });
    HttpServer registry = server("127.0.0.1");
    List<String> saw = new CopyOnWriteArrayList<>();
    registry.createContext("/", e -> {
      String auth = e.getRequestHeaders().getFirst("Authorization");
      saw.add(String.valueOf(auth));
      if (auth == null || !auth.startsWith("Bearer t")) {
        answer(e, 401, "", "WWW-Authenticate", "Bearer realm=\"http://" + hostOf(tokens)
            + "/token\",service=\"test-registry\",scope=\"repository:a:pull\"");
      } else {
        answer(e, 200, "ok");
      }
    });
    // The token service is another origin (another port) of a plain-HTTP registry: trusted by listing it.
    RegistryClient client = client(hostOf(registry), fast().withCredentials(hostOf(registry), CREDS)
        .withInsecureRegistry(hostOf(tokens)));
    List<String> scopes = List.of("repository:a:pull,push");
    assertThat(body(client.send(RegistryClient.Call.of("GET", "/v2/a/tags/list", scopes)))).isEqualTo("ok");
    assertThat(body(client.send(RegistryClient.Call.of("GET", "/v2/a/tags/list", scopes)))).isEqualTo("ok");
    assertThat(issued).hasValue(1);
    assertThat(tokenQueries.get(0)).contains("service=test-registry").contains("scope=repository%3Aa%3Apull%2Cpush")
        .contains("scope=repository%3Aa%3Apull").contains("Basic ");
    Thread.sleep(1100);
    assertThat(body(client.send(RegistryClient.Call.of("GET", "/v2/a/tags/list", scopes)))).isEqualTo("ok");
    assertThat(issued).hasValue(2);
    assertThat(saw).containsExactly("null", "Bearer t1", "Bearer t1", "Bearer t2");
  }

  // ---- The origin rule for a token service named over plain HTTP ----

  /** A registry that wants a token with {@code "granted"} access, from the realm it names. */
  private HttpServer tokenRegistry(String address, String realm, List<String> saw) throws IOException {
    HttpServer registry = server(address);
    registry.createContext("/", e -> {
      String auth = e.getRequestHeaders().getFirst("Authorization");
      saw.add(String.valueOf(auth));
      if ("Bearer granted".equals(auth)) {
        answer(e, 200, "ok");
      } else {
        answer(e, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}", "WWW-Authenticate",
            "Bearer realm=\"" + realm.replace("SELF", hostOf(registry)) + "\",service=\"test\"");
      }
    });
    return registry;
  }

  /** A token service that grants access to Basic credentials only, recording the Authorization it saw. */
  private static void tokenService(HttpServer s, List<String> saw) {
    s.createContext("/token", e -> {
      String auth = e.getRequestHeaders().getFirst("Authorization");
      saw.add(String.valueOf(auth));
      answer(e, 200, "{\"token\":\"" + (auth != null && auth.startsWith("Basic ") ? "granted" : "anonymous") + "\"}");
    });
  }

  @Test
  void credentialsDoNotGoToATokenServiceOnAnotherLoopbackAddressOverPlainHttp() throws Exception {
    HttpServer tokens = server("127.0.0.2");
    List<String> tokenSaw = new CopyOnWriteArrayList<>();
    tokenService(tokens, tokenSaw);
    HttpServer registry = tokenRegistry("127.0.0.1", "http://" + hostOf(tokens) + "/token", new CopyOnWriteArrayList<>());
    RegistryClient client = client(hostOf(registry), fast().withCredentials(hostOf(registry), CREDS));
    assertThatThrownBy(() -> client.expect(RegistryClient.Call.of("GET", "/v2/a/tags/list", List.of()), 200))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("answered HTTP 401 Unauthorized").hasMessageContaining("user ann) were not sent")
        .hasMessageContaining("list " + hostOf(tokens) + " with RegistryOptions.withInsecureRegistry")
        .hasMessageNotContaining("hunter2");
    // The token was asked for anonymously: the realm was reached, the credentials were not sent.
    assertThat(tokenSaw).isNotEmpty().containsOnly("null");
  }

  @Test
  void credentialsDoNotGoToATokenServiceOnAnotherPortOverPlainHttp() throws Exception {
    HttpServer tokens = server("127.0.0.1");
    List<String> tokenSaw = new CopyOnWriteArrayList<>();
    tokenService(tokens, tokenSaw);
    HttpServer registry = tokenRegistry("127.0.0.1", "http://" + hostOf(tokens) + "/token", new CopyOnWriteArrayList<>());
    RegistryClient client = client(hostOf(registry), fast().withCredentials(hostOf(registry), CREDS));
    assertThatThrownBy(() -> client.expect(RegistryClient.Call.of("GET", "/v2/a/tags/list", List.of()), 200))
        .isInstanceOf(RegistryException.class).hasMessageContaining("were not sent");
    assertThat(tokenSaw).isNotEmpty().containsOnly("null");
  }

  @Test
  void credentialsGoToATokenServiceAtTheRegistrysOwnOrigin() throws Exception {
    List<String> tokenSaw = new CopyOnWriteArrayList<>();
    List<String> registrySaw = new CopyOnWriteArrayList<>();
    HttpServer registry = tokenRegistry("127.0.0.1", "http://SELF/token", registrySaw);
    tokenService(registry, tokenSaw);
    RegistryClient client = client(hostOf(registry), fast().withCredentials(hostOf(registry), CREDS));
    assertThat(body(client.expect(RegistryClient.Call.of("GET", "/v2/a/tags/list", List.of()), 200))).isEqualTo("ok");
    assertThat(tokenSaw).hasSize(1).allSatisfy(a -> assertThat(a).startsWith("Basic "));
    assertThat(registrySaw).containsExactly("null", "Bearer granted");
  }

  @Test
  void credentialsGoToATokenServiceWhoseOriginTheUserListed() throws Exception {
    HttpServer tokens = server("127.0.0.2");
    List<String> tokenSaw = new CopyOnWriteArrayList<>();
    tokenService(tokens, tokenSaw);
    HttpServer registry = tokenRegistry("127.0.0.1", "http://" + hostOf(tokens) + "/token", new CopyOnWriteArrayList<>());
    RegistryClient client = client(hostOf(registry), fast().withCredentials(hostOf(registry), CREDS)
        .withInsecureRegistry(hostOf(tokens)));
    assertThat(body(client.expect(RegistryClient.Call.of("GET", "/v2/a/tags/list", List.of()), 200))).isEqualTo("ok");
    assertThat(tokenSaw).hasSize(1).allSatisfy(a -> assertThat(a).startsWith("Basic "));
  }

  @Test
  void aTokenServiceThatRedirectsElsewhereDoesNotPassTheCredentialsOn() throws Exception {
    HttpServer elsewhere = server("127.0.0.2");
    List<String> elsewhereSaw = new CopyOnWriteArrayList<>();
    tokenService(elsewhere, elsewhereSaw);
    List<String> tokenSaw = new CopyOnWriteArrayList<>();
    HttpServer registry = tokenRegistry("127.0.0.1", "http://SELF/token", new CopyOnWriteArrayList<>());
    registry.createContext("/token", e -> {
      tokenSaw.add(String.valueOf(e.getRequestHeaders().getFirst("Authorization")));
      answer(e, 307, "", "Location", "http://" + hostOf(elsewhere) + "/token");
    });
    RegistryClient client = client(hostOf(registry), fast().withCredentials(hostOf(registry), CREDS));
    assertThatThrownBy(() -> client.expect(RegistryClient.Call.of("GET", "/v2/a/tags/list", List.of()), 200))
        .isInstanceOf(RegistryException.class);
    assertThat(tokenSaw).isNotEmpty().allSatisfy(a -> assertThat(a).startsWith("Basic "));
    assertThat(elsewhereSaw).isNotEmpty().containsOnly("null");
  }

  // ---- Bodies and answers that never end ----

  private final List<RawServer> raw = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void warmUp() throws IOException {
    RawServer.warmUp();
  }

  @AfterEach
  void stopRaw() throws IOException {
    for (RawServer s : raw) {
      s.close();
    }
  }

  private RawServer raw(RawServer.Handler handler) throws IOException {
    RawServer s = new RawServer(handler);
    raw.add(s);
    return s;
  }

  /** Small limits, so that each stalled attempt ends in 300 ms. */
  private static RegistryOptions quick() {
    return RegistryOptions.defaults().withRetries(3, Duration.ofMillis(1)).withTimeout(Duration.ofMillis(300));
  }

  private static final Duration HANG_GUARD = Duration.ofSeconds(30);

  @Test
  void aTokenAnswerThatTricklesIsRetriedThenFailsNamingTheTokenService() throws Exception {
    byte[] token = "{\"token\":\"abcdefghijklmnopqrstuvwxyz\"}".getBytes(StandardCharsets.UTF_8);
    RawServer[] self = new RawServer[1];
    self[0] = raw((r, n) -> {
      if (r.path().equals("/token")) {
        r.head(200, token.length, "Content-Type", "application/json");
        self[0].trickle(r, token, 100);
      } else {
        r.answer(401, "", "WWW-Authenticate", "Bearer realm=\"http://" + self[0].host() + "/token\",service=\"t\"");
      }
    });
    String host = self[0].host();
    RegistryClient client = client(host, quick().withCredentials(host, CREDS));
    RegistryClient.Call call = RegistryClient.Call.of("GET", "/v2/a/manifests/1", List.of("repository:a:pull"));
    RegistryException e = assertTimeoutPreemptively(HANG_GUARD,
        () -> assertThrows(RegistryException.class, () -> client.send(call)));
    assertThat(e).hasMessageContaining("GET http://" + host + "/token")
        .hasMessageContaining("token service of registry " + host).hasMessageContaining("after 3 attempts")
        .hasMessageContaining("the answer's body was not complete within 600 ms (the limit for " + token.length + " bytes)")
        .hasMessageNotContaining("hunter2");
    assertThat(self[0].count("GET", "/token")).isEqualTo(3);
  }

  @Test
  void anAnswerThatNeverBeginsIsRetriedThenFails() throws Exception {
    RawServer[] self = new RawServer[1];
    self[0] = raw((r, n) -> self[0].hang());
    RegistryClient client = client(self[0].host(), quick());
    RegistryClient.Call call = RegistryClient.Call.of("GET", "/v2/a/manifests/1?secret=s", List.of());
    RegistryException e = assertTimeoutPreemptively(HANG_GUARD,
        () -> assertThrows(RegistryException.class, () -> client.send(call)));
    assertThat(e).hasMessageContaining("GET /v2/a/manifests/1 to registry " + self[0].host())
        .hasMessageContaining("no answer came within 300 ms").hasMessageNotContaining("secret");
    assertThat(self[0].count("GET", "/v2/a/manifests/1")).isEqualTo(3);
  }

  @Test
  void aBodyThatStopsIsCancelledAndItsConnectionClosed() throws Exception {
    List<Boolean> closed = new CopyOnWriteArrayList<>();
    RawServer[] self = new RawServer[1];
    self[0] = raw((r, n) -> {
      r.head(200, 1000);
      r.out().write(new byte[10]);
      r.out().flush();
      closed.add(self[0].awaitClientClose(r, 10_000));
    });
    RegistryClient client = client(self[0].host(), quick().withRetries(1, Duration.ZERO));
    RegistryClient.Call call = RegistryClient.Call.of("GET", "/v2/a/blobs/sha256:x", List.of()).reading(1000);
    assertThatThrownBy(() -> client.send(call)).isInstanceOf(RegistryException.class)
        .hasMessageContaining("GET /v2/a/blobs/sha256:x to registry " + self[0].host())
        .hasMessageContaining("the answer's body stalled: nothing came for 300 ms after 10 of 1000 bytes");
    self[0].close();
    // The client hung up at once, rather than leave the connection open in its pool.
    assertThat(closed).containsExactly(true);
  }

  @Test
  void anErrorBodyThatStallsDoesNotHang() throws Exception {
    RawServer[] self = new RawServer[1];
    self[0] = raw((r, n) -> {
      r.head(500, 100);
      self[0].hang();
    });
    RegistryClient client = client(self[0].host(), quick());
    RegistryClient.Call call = RegistryClient.Call.of("GET", "/v2/a/manifests/1", List.of());
    RegistryException e = assertTimeoutPreemptively(HANG_GUARD,
        () -> assertThrows(RegistryException.class, () -> client.expect(call, 200)));
    assertThat(e).hasMessageContaining("GET /v2/a/manifests/1 to registry " + self[0].host())
        .hasMessageContaining("stalled");
    assertThat(self[0].count("GET", "/v2/a/manifests/1")).isEqualTo(3);
  }

  /** A body of {@code length} bytes that can be sent any number of times. */
  private static RegistryClient.Body zeros(int length) {
    return new RegistryClient.Body() {
      @Override
      public long length() {
        return length;
      }

      @Override
      public HttpRequest.BodyPublisher publisher() {
        return HttpRequest.BodyPublishers.ofByteArray(new byte[length]);
      }
    };
  }

  @Test
  void anUploadTheRegistryStopsReadingIsRetriedThenFails() throws Exception {
    // 16 MiB: more than the socket buffers on both sides hold, so that the client must notice.
    int size = 16 << 20;
    List<Boolean> closed = new CopyOnWriteArrayList<>();
    java.util.concurrent.CountDownLatch handled = new java.util.concurrent.CountDownLatch(3);
    RawServer[] self = new RawServer[1];
    self[0] = raw((r, n) -> {
      r.in().readNBytes(64 << 10);
      self[0].sleep(1500); // reads nothing more for far longer than the timeout ...
      closed.add(self[0].awaitClientClose(r, 10_000)); // ... by which time the client has hung up
      handled.countDown();
    });
    RegistryClient client = client(self[0].host(), quick());
    RegistryClient.Call call = RegistryClient.Call.of("PUT", "/v2/a/blobs/uploads/1?_state=secret", List.of())
        .body(zeros(size));
    RegistryException e = assertTimeoutPreemptively(HANG_GUARD,
        () -> assertThrows(RegistryException.class, () -> client.send(call)));
    assertThat(e).hasMessageContaining("PUT /v2/a/blobs/uploads/1 to registry " + self[0].host())
        .hasMessageContaining("after 3 attempts")
        .hasMessageContaining("the registry stopped taking the request body: nothing for 300 ms after ")
        .hasMessageContaining(" of " + size + " bytes").hasMessageNotContaining("secret");
    assertThat(self[0].count("PUT", "/v2/a/blobs/uploads/1")).isEqualTo(3);
    assertThat(handled.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(closed).hasSize(3).containsOnly(true);
  }

  @Test
  void anUploadWhoseAnswerNeverComesIsRetriedThenFails() throws Exception {
    RawServer[] self = new RawServer[1];
    self[0] = raw((r, n) -> {
      r.body();
      self[0].hang();
    });
    RegistryClient client = client(self[0].host(), quick());
    RegistryClient.Call call = RegistryClient.Call.of("PUT", "/v2/a/manifests/1", List.of()).body(zeros(5000));
    RegistryException e = assertTimeoutPreemptively(HANG_GUARD,
        () -> assertThrows(RegistryException.class, () -> client.send(call)));
    assertThat(e).hasMessageContaining("PUT /v2/a/manifests/1 to registry " + self[0].host())
        .hasMessageContaining("no answer came within 300 ms of the request body's last byte (5000 bytes)");
    assertThat(self[0].count("PUT", "/v2/a/manifests/1")).isEqualTo(3);
  }

  @Test
  void aResetInTheMiddleOfABodyIsRetriedAndTheNextAttemptSucceeds() throws Exception {
    byte[] content = new byte[4000];
    java.util.Arrays.fill(content, (byte) 'm');
    RawServer[] self = new RawServer[1];
    self[0] = raw((r, n) -> {
      if (n == 1) {
        r.head(200, content.length);
        r.out().write(content, 0, 1000);
        r.out().flush();
        self[0].sleep(100);
        r.reset();
      } else {
        r.answer(200, content);
      }
    });
    RegistryClient client = client(self[0].host(), quick());
    RegistryClient.Call call = RegistryClient.Call.of("GET", "/v2/a/manifests/1", List.of()).reading(1 << 20);
    assertThat(client.send(call).body()).isEqualTo(content);
    assertThat(self[0].count("GET", "/v2/a/manifests/1")).isEqualTo(2);
  }

  @Test
  void aResetOnEveryAttemptEndsInARegistryExceptionNamingTheRegistry() throws Exception {
    RawServer[] self = new RawServer[1];
    self[0] = raw((r, n) -> {
      r.head(200, 4000);
      r.out().write(new byte[1000]);
      r.out().flush();
      self[0].sleep(100);
      r.reset();
    });
    RegistryClient client = client(self[0].host(), quick());
    RegistryClient.Call call = RegistryClient.Call.of("GET", "/v2/a/manifests/1", List.of()).reading(1 << 20);
    assertThatThrownBy(() -> client.send(call)).isInstanceOf(RegistryException.class)
        .hasMessageContaining("GET /v2/a/manifests/1 to registry " + self[0].host())
        .hasMessageContaining("after 3 attempts")
        .hasMessageContaining("the connection broke after 1000 of 4000 bytes of the answer's body");
    assertThat(self[0].count("GET", "/v2/a/manifests/1")).isEqualTo(3);
  }
}
