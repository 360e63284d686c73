package io.github.scratch4j.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.scratch4j.RegistryCredentials;
import io.github.scratch4j.RegistryException;
import io.github.scratch4j.RegistryOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against small loopback servers that misbehave on purpose. */
class RegistryClientTest {
  private static final RegistryCredentials CREDS = new RegistryCredentials("ann", "hunter2-secret");
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  @TempDir Path home;

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  private HttpServer server(String address) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(address, 0), 0);
    s.start();
    servers.add(s);
    return s;
  }

  private static String hostOf(HttpServer s) {
    return s.getAddress().getAddress().getHostAddress() + ":" + s.getAddress().getPort();
  }

  private static void answer(HttpExchange e, int status, String body, String... headers) throws IOException {
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

  private RegistryClient client(String registry, RegistryOptions options) {
    // These servers wait for a request line and never answer a TLS greeting: skip the probe.
    RegistryClient.rememberPlainHttp(registry);
    return new RegistryClient(registry, options, new CredentialStore(options, Map.of(), home));
  }

  private static RegistryOptions fast() {
    return RegistryOptions.defaults().withRetries(4, Duration.ofMillis(1)).withTimeout(Duration.ofSeconds(10));
  }

  private static String body(HttpResponse<InputStream> r) throws IOException {
    try (InputStream in = r.body()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
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
    HttpResponse<InputStream> r = client.send(RegistryClient.Call.of("GET", "/v2/a/blobs/sha256:x", List.of("repository:a:pull")));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(body(r)).isEqualTo("blob bytes");
    assertThat(registrySaw).hasSize(2).first().isEqualTo("null");
    assertThat(registrySaw.get(1)).startsWith("Basic ");
    assertThat(storageSaw).containsExactly("null");
  }

  @Test
  void theJdkClientsOwnRedirectsWouldForwardThem() throws Exception {
    // Why the client follows redirects itself: measured, not assumed.
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
    assertThat(storageSaw).containsExactly("Basic c2VjcmV0");
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
    HttpResponse<InputStream> r = client.send(RegistryClient.Call.of("GET", "/v2/a/blobs/x", List.of()));
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
    RegistryClient client = client(hostOf(registry), fast().withCredentials(hostOf(registry), CREDS));
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
}
