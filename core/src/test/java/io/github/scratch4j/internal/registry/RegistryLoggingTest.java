package io.github.scratch4j.internal.registry;

import static io.github.scratch4j.internal.registry.StubServers.answer;
import static io.github.scratch4j.internal.registry.StubServers.hostOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.github.scratch4j.RegistryCredentials;
import io.github.scratch4j.RegistryOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client logs each exchange through {@code System.Logger} at DEBUG, and never a secret. With
 * no other {@code LoggerFinder} installed the JDK routes {@code System.Logger} to
 * {@code java.util.logging}, where these tests listen at FINE.
 */
class RegistryLoggingTest {
  private static final String PASSWORD = "hunter2-Pa55word";
  private static final String TOKEN = "tok-Bearer-Value-0042";
  private static final String SIGNATURE = "Sig-Value-9f8e7d";
  private static final String AMZ_CREDENTIAL = "AKIAEXAMPLE-Cred";

  private final StubServers stubs = new StubServers();
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  /** Held here: java.util.logging keeps loggers only weakly. */
  private final Logger jul = Logger.getLogger("io.github.scratch4j.registry");
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      records.add(r);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private Level before;
  @TempDir Path home;

  @BeforeEach
  void listen() {
    before = jul.getLevel();
    jul.setLevel(Level.ALL);
    capture.setLevel(Level.ALL);
    jul.addHandler(capture);
  }

  @AfterEach
  void stop() {
    jul.removeHandler(capture);
    jul.setLevel(before);
    stubs.close();
  }

  private RegistryClient client(String registry, RegistryOptions options) {
    return StubServers.client(registry, options, home);
  }

  private HttpServer server(String address) throws IOException {
    return stubs.start(address);
  }

  /** Every record in every form a handler could write it: message, parameters, thrown, formatted. */
  private List<String> everythingLogged() {
    List<String> out = new ArrayList<>();
    SimpleFormatter format = new SimpleFormatter();
    for (LogRecord r : records) {
      out.add(String.valueOf(r.getMessage()));
      out.add(format.format(r));
      if (r.getParameters() != null) {
        for (Object p : r.getParameters()) {
          out.add(String.valueOf(p));
        }
      }
      for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
        out.add(String.valueOf(t));
      }
    }
    return out;
  }

  private List<String> messages() {
    return records.stream().map(LogRecord::getMessage).toList();
  }

  @Test
  void logsEachExchangeOfATokenAuthenticatedPullThroughASignedRedirectWithoutASecret() throws Exception {
    HttpServer storage = server("127.0.0.2");
    storage.createContext("/", e -> answer(e, 200, "blob bytes"));
    HttpServer tokens = server("127.0.0.1");
    tokens.createContext("/token", e -> answer(e, 200, "{\"token\":\"" + TOKEN + "\",\"expires_in\":300}"));
    HttpServer registry = server("127.0.0.1");
    registry.createContext("/", e -> {
      if (!("Bearer " + TOKEN).equals(e.getRequestHeaders().getFirst("Authorization"))) {
        answer(e, 401, "", "WWW-Authenticate", "Bearer realm=\"http://" + hostOf(tokens)
            + "/token\",service=\"test-registry\"");
      } else {
        // As S3 and GCS pre-signed URLs carry them: the signature and key id in the query.
        answer(e, 307, "", "Location", "http://" + hostOf(storage) + "/store/blob?X-Amz-Credential=" + AMZ_CREDENTIAL
            + "&X-Amz-Signature=" + SIGNATURE + "&sig=" + SIGNATURE + "&token=" + TOKEN);
      }
    });
    RegistryOptions options = RegistryOptions.defaults()
        .withCredentials(hostOf(registry), new RegistryCredentials("ann", PASSWORD))
        .withInsecureRegistry(hostOf(tokens)).withTimeout(Duration.ofSeconds(10));
    RegistryClient client = client(hostOf(registry), options);
    RegistryClient.Answer r = client.send(RegistryClient.Call.of("GET", "/v2/a/blobs/sha256:abc", List.of("repository:a:pull")));
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("blob bytes");

    // Secrets first: a leak fails here, whatever else changed.
    assertThat(records).allSatisfy(rec -> assertThat(rec.getLevel()).isEqualTo(Level.FINE));
    String basic = Base64.getEncoder().encodeToString(("ann:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    assertThat(everythingLogged()).isNotEmpty().allSatisfy(text -> assertThat(text)
        .doesNotContain(PASSWORD).doesNotContain(basic).doesNotContain(TOKEN).doesNotContain(SIGNATURE)
        .doesNotContain(AMZ_CREDENTIAL).doesNotContain("Authorization"));
    String reg = "http://" + hostOf(registry);
    assertThat(messages()).satisfiesExactly(
        m -> assertThat(m).startsWith("GET " + reg + "/v2/a/blobs/sha256:abc -> 401 in ").endsWith(" ms (attempt 1)"),
        m -> assertThat(m).startsWith("GET http://" + hostOf(tokens) + "/token?service=…&scope=… -> 200 in "),
        m -> assertThat(m).startsWith("GET " + reg + "/v2/a/blobs/sha256:abc -> 307 in ").endsWith(" ms (attempt 1)"),
        m -> assertThat(m).startsWith("GET http://" + hostOf(storage)
            + "/store/blob?X-Amz-Credential=…&X-Amz-Signature=…&sig=…&token=… -> 200 in ").endsWith("(attempt 1, redirect 1)"));
  }

  @Test
  void logsRetriesWithTheirAttemptAndAFailedConnectionWithoutItsQuery() throws Exception {
    HttpServer registry = server("127.0.0.1");
    int[] calls = {0};
    registry.createContext("/", e -> answer(e, calls[0]++ == 0 ? 503 : 200, "ok"));
    RegistryClient client = client(hostOf(registry), RegistryOptions.defaults().withRetries(3, Duration.ofMillis(1)));
    client.send(RegistryClient.Call.of("GET", "/v2/", List.of()));
    assertThat(messages()).satisfiesExactly(
        m -> assertThat(m).contains("/v2/ -> 503 in ").endsWith("(attempt 1)"),
        m -> assertThat(m).contains("/v2/ -> 200 in ").endsWith("(attempt 2)"));

    records.clear();
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = free.getLocalPort();
    }
    RegistryClient nowhere = client("127.0.0.1:" + port, RegistryOptions.defaults().withRetries(1, Duration.ofMillis(1)));
    assertThatThrownBy(() -> nowhere.send(RegistryClient.Call.of("GET", "/v2/a/blobs/uploads/x?_state=" + SIGNATURE, List.of())))
        .isInstanceOf(IOException.class);
    assertThat(messages()).singleElement().asString()
        .startsWith("GET http://127.0.0.1:" + port + "/v2/a/blobs/uploads/x?_state=… -> failed: ")
        .doesNotContain(SIGNATURE);
  }

  @Test
  void aUrlIsLoggedWithoutItsUserInformationOrQueryValues() {
    assertThat(RegistryClient.forLog(URI.create("https://ann:" + PASSWORD + "@host:5000/v2/a?sig=" + SIGNATURE + "&bare")))
        .isEqualTo("https://host:5000/v2/a?sig=…&…");
    assertThat(RegistryClient.forLog(URI.create("http://host/v2/"))).isEqualTo("http://host/v2/");
  }
}
