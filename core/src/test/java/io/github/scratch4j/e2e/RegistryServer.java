package io.github.scratch4j.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import org.junit.jupiter.api.Assertions;

/**
 * Debian's {@code docker-registry} (the distribution registry) on 127.0.0.1, with storage in a
 * temporary folder that is deleted on close.
 */
public final class RegistryServer implements AutoCloseable {
  private final Process process;
  private final Path dir;
  private final int port;

  private RegistryServer(Path dir, int port, String auth) throws IOException, InterruptedException {
    this.dir = dir;
    this.port = port;
    // relativeurls: Location headers are paths, so a proxy in front of the registry works.
    Path config = Files.writeString(dir.resolve("config.yml"), "version: 0.1\n"
        + "log:\n  level: error\n"
        + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("storage") + "\n  delete:\n    enabled: true\n"
        + "http:\n  addr: 127.0.0.1:" + port + "\n  relativeurls: true\n"
        + auth);
    Commands.require("docker-registry");
    process = new ProcessBuilder("docker-registry", "serve", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        int status = http.send(HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200 || status == 401) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        close();
        Assertions.fail("docker-registry did not start: " + Files.readString(dir.resolve("registry.log")));
      }
      Thread.sleep(50);
    }
  }

  /** Anyone may push and pull. */
  public static RegistryServer anonymous() throws Exception {
    return new RegistryServer(Files.createTempDirectory("scratch4j-registry-"), freePort(), "");
  }

  /** Basic authentication against an htpasswd file (bcrypt, the only hash the registry takes). */
  public static RegistryServer withBasicAuth(String user, String password) throws Exception {
    Path dir = Files.createTempDirectory("scratch4j-registry-");
    Commands.require("htpasswd");
    String line = Commands.run(Duration.ofSeconds(30), "htpasswd", "-Bbn", user, password).assertSuccess().stdout().strip();
    Path htpasswd = Files.writeString(dir.resolve("htpasswd"), line + "\n");
    return new RegistryServer(dir, freePort(),
        "auth:\n  htpasswd:\n    realm: scratch4j-test\n    path: " + htpasswd + "\n");
  }

  /** Bearer tokens from {@code tokens}, which the registry trusts through its certificate. */
  public static RegistryServer withTokenAuth(TokenService tokens) throws Exception {
    return new RegistryServer(Files.createTempDirectory("scratch4j-registry-"), freePort(),
        "auth:\n  token:\n    realm: " + tokens.realm() + "\n    service: " + tokens.service()
            + "\n    issuer: " + tokens.issuer() + "\n    rootcertbundle: " + tokens.certificate() + "\n");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** {@code 127.0.0.1:PORT}. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** What the registry logged. */
  public String log() throws IOException {
    return Files.readString(dir.resolve("registry.log"));
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
