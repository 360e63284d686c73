package io.github.scratch4j.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.github.scratch4j.TestKeyStores;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS probe against real servers of each kind (the JDK's HTTPS and HTTP servers, a server that
 * never answers, a closed port), the ClientHello's structure, and the deferred SSL context: made
 * by an HTTPS request, never by plain HTTP.
 */
class TlsProbeTest {
  @TempDir
  Path dir;

  private final List<AutoCloseable> open = new ArrayList<>();
  private Path store;

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  @Test
  void anHttpsServerAnswersWithTls() throws Exception {
    HttpsServer server = https(serverContext());
    TlsProbe.Result r = TlsProbe.probe("127.0.0.1", server.getAddress().getPort(), Duration.ofSeconds(5));
    assertThat(r.tls()).as(r.answer()).isTrue();
    assertThat(r.answer()).isEqualTo("answered a TLS handshake record");
  }

  @Test
  void aPlainHttpServerIsNotTlsAndWhatItSaidIsKept() throws Exception {
    // As Go's HTTP server (the distribution registry's) answers bytes that are no request line.
    ServerSocket plain = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    open.add(plain);
    Thread t = new Thread(() -> {
      try (Socket s = plain.accept()) {
        s.getInputStream().read(new byte[512]);
        s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n\r\n400 Bad Request"
            .getBytes(StandardCharsets.US_ASCII));
      } catch (IOException e) {
        // the test fails on what the probe saw
      }
    });
    t.setDaemon(true);
    t.start();
    TlsProbe.Result r = TlsProbe.probe("127.0.0.1", plain.getLocalPort(), Duration.ofSeconds(5));
    assertThat(r.tls()).isFalse();
    assertThat(r.answer()).isEqualTo("answered \"HTTP/1.1 400 Bad Request\"");
  }

  @Test
  void theJdksPlainHttpServerIsNotTls() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", x -> {
      x.sendResponseHeaders(200, -1);
      x.close();
    });
    server.start();
    open.add(() -> server.stop(0));
    TlsProbe.Result r = TlsProbe.probe("127.0.0.1", server.getAddress().getPort(), Duration.ofSeconds(5));
    assertThat(r.tls()).as(r.answer()).isFalse();
  }

  @Test
  void aServerThatNeverAnswersIsNotTlsOnceTheLimitPasses() throws Exception {
    ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    open.add(silent);
    List<Socket> accepted = new ArrayList<>();
    Thread t = new Thread(() -> {
      try {
        accepted.add(silent.accept());
      } catch (IOException e) {
        // closed
      }
    });
    t.setDaemon(true);
    t.start();
    long started = System.nanoTime();
    TlsProbe.Result r = TlsProbe.probe("127.0.0.1", silent.getLocalPort(), Duration.ofMillis(300));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertThat(r.tls()).isFalse();
    assertThat(r.answer()).isEqualTo("no answer within 300 ms");
    assertThat(ms).isBetween(250L, 5_000L);
  }

  @Test
  void aPortNothingListensOnIsNotTlsWithTheReason() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    TlsProbe.Result r = TlsProbe.probe("127.0.0.1", port, Duration.ofSeconds(2));
    assertThat(r.tls()).isFalse();
    assertThat(r.answer()).startsWith("could not ask: ConnectException");
  }

  @Test
  void theHelloIsOneWellFormedRecordNamingAHostButNeverAnAddress() {
    for (String host : List.of("registry.example.com", "127.0.0.1", "::1")) {
      ByteBuffer b = ByteBuffer.wrap(TlsProbe.clientHello(host));
      assertThat(b.get()).isEqualTo((byte) 22); // handshake
      assertThat(b.getShort()).isEqualTo((short) 0x0301);
      assertThat(b.getShort() & 0xffff).isEqualTo(b.remaining());
      assertThat(b.get()).isEqualTo((byte) 1); // client_hello
      int length = (b.get() & 0xff) << 16 | (b.getShort() & 0xffff);
      assertThat(length).isEqualTo(b.remaining());
      assertThat(b.getShort()).isEqualTo((short) 0x0303);
      b.position(b.position() + 32);
      b.position(b.position() + 1 + (b.get(b.position()) & 0xff)); // session id
      int suites = b.getShort() & 0xffff;
      assertThat(suites % 2).isZero();
      b.position(b.position() + suites);
      assertThat(b.get()).isEqualTo((byte) 1);
      assertThat(b.get()).isEqualTo((byte) 0);
      assertThat(b.getShort() & 0xffff).isEqualTo(b.remaining());
      List<Integer> types = new ArrayList<>();
      String named = null;
      while (b.hasRemaining()) {
        int type = b.getShort() & 0xffff;
        int size = b.getShort() & 0xffff;
        byte[] data = new byte[size];
        b.get(data);
        types.add(type);
        if (type == 0) {
          named = new String(data, 5, data.length - 5, StandardCharsets.US_ASCII);
        }
      }
      assertThat(types).contains(0x000a, 0x000d, 0x002b, 0x0033).doesNotHaveDuplicates();
      assertThat(Optional.ofNullable(named)).isEqualTo(host.equals("registry.example.com") ? Optional.of(host) : Optional.empty());
    }
  }

  @Test
  void theDeferredContextIsMadeByTheFirstHttpsRequestAndNeverByPlainHttp() throws Exception {
    SSLContext server = serverContext();
    HttpsServer tls = https(server);
    HttpServer plain = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    plain.createContext("/", x -> {
      x.sendResponseHeaders(204, -1);
      x.close();
    });
    plain.start();
    open.add(() -> plain.stop(0));
    AtomicInteger made = new AtomicInteger();
    SSLContext trusting = TestKeyStores.trusting(store);
    HttpClient http = HttpClient.newBuilder()
        .sslContext(new DeferredTls(() -> {
          made.incrementAndGet();
          return Optional.of(trusting);
        }))
        .sslParameters(new SSLParameters())
        .build();
    HttpResponse<Void> p = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + plain.getAddress().getPort() + "/v2/")).build(), HttpResponse.BodyHandlers.discarding());
    assertThat(p.statusCode()).isEqualTo(204);
    assertThat(made).as("contexts made for plain HTTP").hasValue(0);
    HttpResponse<Void> s = http.send(HttpRequest.newBuilder(
        URI.create("https://127.0.0.1:" + tls.getAddress().getPort() + "/v2/")).build(), HttpResponse.BodyHandlers.discarding());
    assertThat(s.statusCode()).isEqualTo(404);
    http.send(HttpRequest.newBuilder(
        URI.create("https://127.0.0.1:" + tls.getAddress().getPort() + "/v2/x")).build(), HttpResponse.BodyHandlers.discarding());
    assertThat(made).as("contexts made for two HTTPS requests").hasValue(1);
  }

  /** A server context with a self-signed EC key for 127.0.0.1 (made by keytool once per test). */
  private SSLContext serverContext() throws Exception {
    if (store == null) {
      store = TestKeyStores.make(dir, "CN=scratch4j-probe-test", "ip:127.0.0.1");
    }
    return TestKeyStores.serverContext(store);
  }

  private HttpsServer https(SSLContext context) throws IOException {
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    server.createContext("/", x -> {
      x.getRequestBody().readAllBytes();
      x.sendResponseHeaders(404, -1);
      x.close();
    });
    server.start();
    open.add(() -> server.stop(0));
    return server;
  }
}
