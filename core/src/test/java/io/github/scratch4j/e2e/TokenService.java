package io.github.scratch4j.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token service for the distribution registry's {@code auth.token} mode (distribution's token
 * authentication specification): {@code GET /token?service=…&scope=…} with optional Basic
 * credentials answers a JWT signed RS256 by a key whose self-signed certificate (made with
 * {@code openssl req -x509}) the registry trusts, carried in the JWT header's {@code x5c}.
 *
 * <p>The registry (distribution 2.8) accepts {@code exp} and {@code nbf} with 60 seconds of
 * leeway for clock skew, so a token meant to last {@code lifetime} seconds is issued with
 * {@code exp = now + lifetime - 60}: the registry then refuses it after {@code lifetime} seconds.
 * {@code expires_in} in the answer can be made to overstate the lifetime, so that a client
 * trusting it is refused mid-push and must fetch a new token.
 */
public final class TokenService implements AutoCloseable {
  private static final long LEEWAY = 60;
  private final HttpServer server;
  private final Path dir;
  private final PrivateKey key;
  private final String certificateDer;
  private final String user;
  private final String password;
  private final AtomicInteger requests = new AtomicInteger();
  private final List<String> queries = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<String> issued = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile int lifetime = 300;
  private volatile int advertised = -1;

  public TokenService(String user, String password) throws Exception {
    this.user = user;
    this.password = password;
    dir = Files.createTempDirectory("scratch4j-tokens-");
    Commands.require("openssl");
    Commands.run(Duration.ofMinutes(1), "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
        "-days", "2", "-subj", "/CN=scratch4j-test-token").assertSuccess();
    key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pem(dir.resolve("key.pem"))));
    X509Certificate cert;
    try (var in = Files.newInputStream(dir.resolve("cert.pem"))) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    certificateDer = Base64.getEncoder().encodeToString(cert.getEncoded());
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/token", this::token);
    server.start();
  }

  private static byte[] pem(Path file) throws IOException {
    String text = Files.readString(file).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return Base64.getDecoder().decode(text);
  }

  /** Tokens issued from now on are refused by the registry after this many seconds. */
  public void setLifetimeSeconds(int seconds) {
    lifetime = seconds;
  }

  /** What {@code expires_in} says from now on; negative: the true lifetime. */
  public void setAdvertisedLifetimeSeconds(int seconds) {
    advertised = seconds;
  }

  public String realm() {
    return "http://" + host() + "/token";
  }

  /**
   * {@code 127.0.0.1:PORT}: another origin than the registry's, so a client given credentials
   * sends them here only when told to trust it ({@code RegistryOptions.withInsecureRegistry}).
   */
  public String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  public String service() {
    return "scratch4j-test-registry";
  }

  public String issuer() {
    return "scratch4j-test-issuer";
  }

  public Path certificate() {
    return dir.resolve("cert.pem");
  }

  /** How many token requests came in. */
  public int tokenRequests() {
    return requests.get();
  }

  /** The query strings of the token requests, in order. */
  public List<String> queries() {
    return List.copyOf(queries);
  }

  /** The tokens issued, in order: for tests that check no token leaks. */
  public List<String> issued() {
    return List.copyOf(issued);
  }

  private void token(HttpExchange e) throws IOException {
    requests.incrementAndGet();
    String query = e.getRequestURI().getRawQuery() == null ? "" : e.getRequestURI().getRawQuery();
    queries.add(query);
    String auth = e.getRequestHeaders().getFirst("Authorization");
    boolean authenticated = false;
    if (auth != null) {
      String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      if (!auth.equals(expected)) {
        send(e, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad credentials\"}]}");
        return;
      }
      authenticated = true;
    }
    ObjectMapper json = new ObjectMapper();
    ArrayNode access = json.createArrayNode();
    for (String part : query.split("&")) {
      if (part.startsWith("scope=") && authenticated) {
        String[] scope = URLDecoder.decode(part.substring(6), StandardCharsets.UTF_8).split(":");
        if (scope.length == 3 && scope[0].equals("repository")) {
          ObjectNode a = access.addObject().put("type", "repository").put("name", scope[1]);
          ArrayNode actions = a.putArray("actions");
          for (String action : scope[2].split(",")) {
            actions.add(action);
          }
        }
      }
    }
    long now = Instant.now().getEpochSecond();
    ObjectNode header = json.createObjectNode().put("typ", "JWT").put("alg", "RS256");
    header.putArray("x5c").add(certificateDer);
    ObjectNode claims = json.createObjectNode().put("iss", issuer()).put("sub", authenticated ? user : "")
        .put("aud", service()).put("exp", now + lifetime - LEEWAY).put("nbf", now - LEEWAY + 1).put("iat", now)
        .put("jti", UUID.randomUUID().toString());
    claims.set("access", access);
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signed = b64.encodeToString(json.writeValueAsBytes(header)) + "." + b64.encodeToString(json.writeValueAsBytes(claims));
    String jwt;
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(key);
      s.update(signed.getBytes(StandardCharsets.US_ASCII));
      jwt = signed + "." + b64.encodeToString(s.sign());
    } catch (java.security.GeneralSecurityException ex) {
      throw new IOException(ex);
    }
    issued.add(jwt);
    int says = advertised >= 0 ? advertised : lifetime;
    send(e, 200, json.writeValueAsString(json.createObjectNode().put("token", jwt).put("access_token", jwt)
        .put("expires_in", says).put("issued_at", Instant.ofEpochSecond(now).toString())));
  }

  private static void send(HttpExchange e, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    e.getResponseHeaders().add("Content-Type", "application/json");
    e.sendResponseHeaders(status, b.length);
    e.getResponseBody().write(b);
    e.close();
  }

  @Override
  public void close() throws IOException {
    server.stop(0);
    try (var walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
