package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user reads when a registry cannot be reached or refuses: every failure names the
 * registry's host and port, the request, and the cause in words, on the pull path
 * ({@link Image#from(String, RegistryOptions)}) and the push path ({@link Image#pushTo}).
 */
class RegistryErrorsTest {
  /** Guards against a hang only: each case takes a few seconds at most with two attempts. */
  private static final Duration HANG_GUARD = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private RegistryOptions options() {
    return RegistryOptions.defaults().withRetries(2, Duration.ofMillis(1)).withTimeout(Duration.ofSeconds(5))
        .withCacheDirectory(dir.resolve("cache")).withAuthFile(dir.resolve("no-auth.json"));
  }

  private static Image small() {
    return Image.fromScratch().add(Entry.file("/data", Source.of(new byte[100])));
  }

  private static RegistryException fails(Executable pullOrPush) {
    return assertTimeoutPreemptively(HANG_GUARD, () -> assertThrows(RegistryException.class, pullOrPush));
  }

  /** A loopback port nothing listens on: bound, then closed. */
  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  @Test
  void aPullFromAPortNothingListensOnSaysConnectionRefusedAndNamesHostAndPort() throws Exception {
    String host = "127.0.0.1:" + closedPort();
    RegistryException e = fails(() -> Image.from(host + "/x:1", options()));
    assertThat(e).hasMessageContaining("/v2/x/manifests/1 to registry " + host)
        .hasMessageContaining("failed after 2 attempts").hasMessageContaining("connection refused")
        .hasMessageNotContaining("null");
    assertThat(e.status()).isEmpty();
  }

  @Test
  void aPushToAPortNothingListensOnSaysConnectionRefusedAndNamesHostAndPort() throws Exception {
    String host = "127.0.0.1:" + closedPort();
    RegistryException e = fails(() -> small().pushTo(host + "/x:1", options()));
    assertThat(e).hasMessage("GET /v2/ to registry " + host + " over plain HTTP failed: connection refused "
        + "(nothing listens on " + host + ")");
  }

  @Test
  void aPushToADeadRegistryFailsBeforeAnyLayerIsWritten() throws Exception {
    String host = "127.0.0.1:" + closedPort();
    java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
    RegistryException e = fails(() -> io.github.scratch4j.internal.archive.ArchiveWriting.toRegistry(() -> {
      writes.incrementAndGet();
      return small().plan();
    }, io.github.scratch4j.ImageReference.parse(host + "/x:1"), options()));
    assertThat(e).hasMessageContaining("connection refused");
    assertThat(writes).as("images planned before the registry was asked").hasValue(0);
  }

  @Test
  void aPullFromAHostThatDoesNotResolveSaysUnknownHostAndNamesTheDefaultPort() {
    RegistryException e = fails(() -> Image.from("no-such-host.invalid/x:1", options()));
    assertThat(e).hasMessageContaining("to registry no-such-host.invalid (no-such-host.invalid:443)")
        .hasMessageContaining("unknown host no-such-host.invalid").hasMessageNotContaining("connection refused");
  }

  @Test
  void aPushToAHostThatDoesNotResolveSaysUnknownHost() {
    RegistryException e = fails(() -> small().pushTo("no-such-host.invalid:5000/x:1", options()));
    assertThat(e).hasMessageContaining("to registry no-such-host.invalid:5000")
        .hasMessageContaining("unknown host no-such-host.invalid");
  }

  @Test
  void aPullFromASelfSignedRegistrySaysTheCertificateIsNotTrustedAndNamesItsSubject() throws Exception {
    String host = selfSigned("CN=scratch4j-test-registry,O=Self Signed Inc");
    RegistryException e = fails(() -> Image.from(host + "/x:1", options()));
    assertThat(e).hasMessageContaining("/v2/x/manifests/1 to registry " + host)
        .hasMessageContaining("TLS handshake failed")
        .hasMessageContaining("subject CN=scratch4j-test-registry,O=Self Signed Inc, self-signed")
        .hasMessageContaining("is not trusted by this JVM");
  }

  @Test
  void aPushToASelfSignedRegistrySaysTheCertificateIsNotTrusted() throws Exception {
    String host = selfSigned("CN=scratch4j-push-test");
    RegistryException e = fails(() -> small().pushTo(host + "/x:1", options()));
    assertThat(e).hasMessageContaining("to registry " + host).hasMessageContaining("TLS handshake failed")
        .hasMessageContaining("subject CN=scratch4j-push-test").hasMessageContaining("is not trusted by this JVM");
  }

  @Test
  void aPullFromARegistryThatNeverAnswersSaysTimedOutWithTheTimeout() throws Exception {
    String host = silent();
    RegistryOptions options = options().withTimeout(Duration.ofMillis(500));
    RegistryException e = fails(() -> Image.from(host + "/x:1", options));
    assertThat(e).hasMessageContaining("/v2/x/manifests/1 to registry " + host)
        .hasMessageContaining("failed after 2 attempts").hasMessageContaining("timed out: no answer came within 500 ms");
  }

  @Test
  void aPushToARegistryThatNeverAnswersSaysTimedOut() throws Exception {
    String host = silent();
    RegistryOptions options = options().withTimeout(Duration.ofMillis(500));
    RegistryException e = fails(() -> small().pushTo(host + "/x:1", options));
    assertThat(e).hasMessageContaining("to registry " + host)
        .hasMessageContaining("timed out: no answer came within 500 ms");
  }

  @Test
  void aRefusalSaysTheHttpStatusAndTheRegistrysErrorCodeAndMessage() throws Exception {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext("/", x -> {
      byte[] b = "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"requested access to the resource is denied\"}]}"
          .getBytes(StandardCharsets.UTF_8);
      x.getRequestBody().readAllBytes();
      x.sendResponseHeaders(403, x.getRequestMethod().equals("HEAD") ? -1 : b.length);
      if (!x.getRequestMethod().equals("HEAD")) {
        x.getResponseBody().write(b);
      }
      x.close();
    });
    s.start();
    open.add(() -> s.stop(0));
    String host = "127.0.0.1:" + s.getAddress().getPort();
    RegistryException e = fails(() -> Image.from(host + "/x:1", options()));
    assertThat(e).hasMessageContaining("GET /v2/x/manifests/1: registry " + host)
        .hasMessageContaining("answered HTTP 403 Forbidden: DENIED (requested access to the resource is denied)");
    assertThat(e.status()).hasValue(403);
  }

  @Test
  void aRegistryWhoseCertificateTheJvmTrustsIsSpokenToOverTls() throws Throwable {
    Path store = keyStore("CN=scratch4j-trusted", "ip:127.0.0.1");
    String host = serve(store);
    trusting(store, () -> {
      // The handshake passed: the registry's own answer (no such manifest) is what fails the pull.
      RegistryException e = fails(() -> Image.from(host + "/x:1", options()));
      assertThat(e).hasMessageContaining("registry " + host + " has no manifest 1 in x")
          .hasMessageNotContaining("TLS");
      assertThat(e.status()).hasValue(404);
    });
  }

  @Test
  void aTrustedCertificateForAnotherAddressSaysWhichAddressItLacks() throws Throwable {
    Path store = keyStore("CN=scratch4j-elsewhere", "ip:127.0.0.2");
    String host = serve(store);
    trusting(store, () -> {
      RegistryException e = fails(() -> Image.from(host + "/x:1", options()));
      assertThat(e).hasMessageContaining("to registry " + host).hasMessageContaining("TLS handshake failed")
          .hasMessageContaining("subject CN=scratch4j-elsewhere").hasMessageContaining("does not name 127.0.0.1");
    });
  }

  /** A server on 127.0.0.1 that accepts connections and never reads or writes a byte; its host:port. */
  private String silent() throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    List<Socket> held = new CopyOnWriteArrayList<>();
    Thread accept = new Thread(() -> {
      try {
        while (true) {
          held.add(server.accept());
        }
      } catch (IOException closed) {
        // the test is over
      }
    }, "silent-registry");
    accept.setDaemon(true);
    accept.start();
    open.add(() -> {
      server.close();
      for (Socket s : held) {
        s.close();
      }
    });
    return "127.0.0.1:" + server.getLocalPort();
  }

  /**
   * An HTTPS server on 127.0.0.1 with a self-signed certificate for {@code subject} (made by
   * keytool, valid for 127.0.0.1), which no JVM trusts; its host:port.
   */
  private String selfSigned(String subject) throws Exception {
    return serve(keyStore(subject, "ip:127.0.0.1"));
  }

  /** A PKCS12 key store (password "changeit") with a self-signed key for {@code subject} and {@code san}. */
  private Path keyStore(String subject, String san) throws Exception {
    return TestKeyStores.make(dir, subject, san);
  }

  /** An HTTPS server on 127.0.0.1 with the key in {@code store}, answering 404 MANIFEST_UNKNOWN; its host:port. */
  private String serve(Path store) throws Exception {
    SSLContext tls = TestKeyStores.serverContext(store);
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext("/", x -> {
      byte[] b = "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}".getBytes(StandardCharsets.UTF_8);
      x.getRequestBody().readAllBytes();
      x.sendResponseHeaders(404, x.getRequestMethod().equals("HEAD") ? -1 : b.length);
      if (!x.getRequestMethod().equals("HEAD")) {
        x.getResponseBody().write(b);
      }
      x.close();
    });
    server.start();
    open.add(() -> server.stop(0));
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Runs {@code body} with {@code store} as the JVM's trust store, as a user's javax.net.ssl.trustStore would. */
  private static void trusting(Path store, Executable body) throws Throwable {
    String[] keys = {"javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword", "javax.net.ssl.trustStoreType"};
    String[] was = new String[keys.length];
    for (int i = 0; i < keys.length; i++) {
      was[i] = System.getProperty(keys[i]);
    }
    System.setProperty(keys[0], store.toString());
    System.setProperty(keys[1], "changeit");
    System.setProperty(keys[2], "PKCS12");
    try {
      body.execute();
    } finally {
      for (int i = 0; i < keys.length; i++) {
        if (was[i] == null) {
          System.clearProperty(keys[i]);
        } else {
          System.setProperty(keys[i], was[i]);
        }
      }
    }
  }
}
