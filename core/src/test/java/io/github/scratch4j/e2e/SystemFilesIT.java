package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.github.scratch4j.Image;
import io.github.scratch4j.e2e.ContainerRuns.Engine;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a {@code FROM scratch} image lacks, added with one call each, as static programs in a
 * container use it: a Go HTTPS client verifies a server whose CA {@link Image#caCertificates}
 * added and fails without it; Go and glibc programs see {@code TZ=Asia/Tokyo} only with the zone
 * {@link Image#timeZones} added.
 */
class SystemFilesIT {
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final String ID = UUID.randomUUID().toString().substring(0, 8);
  /** One static Go program for both checks: {@code get URL} prints the body, {@code time} the zone. */
  private static final String GO_SOURCE = """
      package main

      import (
      	"fmt"
      	"io"
      	"net/http"
      	"os"
      	"time"
      )

      func main() {
      	switch os.Args[1] {
      	case "get":
      		resp, err := http.Get(os.Args[2])
      		if err != nil {
      			fmt.Println(err)
      			os.Exit(1)
      		}
      		defer resp.Body.Close()
      		body, _ := io.ReadAll(resp.Body)
      		fmt.Print(string(body))
      	case "time":
      		fmt.Println(time.Now().Format("-0700 MST"))
      	}
      }
      """;
  private static final String TIME_C = """
      #include <stdio.h>
      #include <time.h>
      int main(void) {
        char buf[64];
        time_t now = time(NULL);
        strftime(buf, sizeof buf, "%z %Z", localtime(&now));
        puts(buf);
        return 0;
      }
      """;

  @TempDir static Path dir;
  static Path goProgram;
  static Path cProgram;
  private static final List<String> loaded = new ArrayList<>();

  @BeforeAll
  static void buildPrograms() throws Exception {
    Commands.requireDocker();
    Commands.require("go", "gcc");
    Path src = Files.writeString(dir.resolve("main.go"), GO_SOURCE);
    goProgram = dir.resolve("sysfiles");
    // GOCACHE and HOME in the test's own directory: CI runs as root with no writable home cache.
    Commands.run(Duration.ofMinutes(8), dir, "env", "CGO_ENABLED=0", "GOCACHE=" + dir.resolve("gocache"),
        "HOME=" + dir.resolve("home"), "GOPATH=" + dir.resolve("gopath"), "GOFLAGS=", "GO111MODULE=",
        "go", "build", "-trimpath", "-ldflags=-s -w", "-o", goProgram.toString(), src.toString()).assertSuccess();
    cProgram = Commands.compileC(dir, "gcc", "tzc", TIME_C, "-static");
  }

  @AfterAll
  static void removeImages() {
    loaded.forEach(t -> Commands.run(MINUTE, "docker", "rmi", "-f", t));
  }

  /** Writes the image under a tag of its own, loads it into docker and returns the tag. */
  private static String load(Image image, String name) throws Exception {
    String tag = "scratch4j-it/sysfiles-" + name + "-" + ID + ":latest";
    Path archive = dir.resolve(name + ".tar");
    image.add(Nonce.entry()).tag(tag).writeTo(archive);
    loaded.add(tag);
    Commands.run(Duration.ofMinutes(2), "docker", "load", "-i", archive.toString()).assertSuccess();
    return tag;
  }

  /** A CA and a server certificate it signed for 127.0.0.1, made with openssl; returns the CA's PEM file. */
  private static Path makeCertificates(Path certs, String nonce) throws Exception {
    Commands.require("openssl");
    Files.createDirectories(certs);
    Commands.run(MINUTE, certs, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=scratch4j SystemFilesIT CA " + nonce,
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign").assertSuccess();
    Commands.run(MINUTE, certs, "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1").assertSuccess();
    Files.writeString(certs.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    Commands.run(MINUTE, certs, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf").assertSuccess();
    Commands.run(MINUTE, certs, "openssl", "pkcs12", "-export", "-in", "server.pem", "-inkey", "server.key",
        "-out", "server.p12", "-passout", "pass:changeit", "-name", "server").assertSuccess();
    return certs.resolve("ca.pem");
  }

  /** An HTTPS server on 127.0.0.1 with the certificate from {@code server.p12} that answers {@code body}. */
  private static HttpsServer serve(Path p12, String body) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      keys.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, "changeit".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    server.createContext("/", exchange -> {
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
    return server;
  }

  @Test
  void aGoHttpsClientTrustsTheCaThatCaCertificatesAddedAndNoOtherwise() throws Exception {
    String nonce = Nonce.text().strip();
    Path caPem = makeCertificates(dir.resolve("certs"), nonce);
    HttpsServer server = serve(dir.resolve("certs/server.p12"), "served " + nonce + "\n");
    try {
      String url = "https://127.0.0.1:" + server.getAddress().getPort() + "/";
      Image app = Image.fromScratch().add(goProgram, "/sysfiles").entrypoint("/sysfiles");
      String with = load(app.caCertificates(caPem), "ca");
      String without = load(app, "no-ca");

      Commands.Result trusted = Commands.runContainer(Engine.DOCKER, List.of("--network", "host"), with, "get", url);
      assertThat(trusted.exitCode()).as(trusted.stdout() + trusted.stderr()).isZero();
      assertThat(trusted.stdout()).isEqualTo("served " + nonce + "\n");

      Commands.Result refused = Commands.runContainer(Engine.DOCKER, List.of("--network", "host"), without, "get", url);
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.stdout()).contains("x509: certificate signed by unknown authority");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void goAndGlibcProgramsSeeTheZoneThatTimeZonesAdded() throws Exception {
    assertThat(Path.of("/usr/share/zoneinfo/Japan")).as("tzdata is installed (.ci/run installs it)").exists();
    Image app = Image.fromScratch().add(goProgram, "/sysfiles").add(cProgram, "/tzc").entrypoint("/sysfiles")
        .env("TZ", "Asia/Tokyo");
    String with = load(app.timeZones("Asia/Tokyo"), "tz");
    String without = load(app, "no-tz");

    assertThat(Commands.runContainer(Engine.DOCKER, with, "time").assertSuccess().stdout()).isEqualTo("+0900 JST\n");
    assertThat(Commands.runContainer(Engine.DOCKER, List.of("--entrypoint", "/tzc"), with).assertSuccess().stdout())
        .isEqualTo("+0900 JST\n");

    // The whole directory, where Japan is a link to Asia/Tokyo (as Debian has it), kept as a link.
    String all = load(app.env("TZ", "Japan").timeZones(), "tz-all");
    assertThat(Commands.runContainer(Engine.DOCKER, all, "time").assertSuccess().stdout()).isEqualTo("+0900 JST\n");
    assertThat(Commands.runContainer(Engine.DOCKER, List.of("--entrypoint", "/tzc"), all).assertSuccess().stdout())
        .isEqualTo("+0900 JST\n");

    // Without the zone file both fall back to UTC: Go names it UTC; glibc reads TZ as a POSIX
    // rule, takes "Asia" for the zone's name and no offset.
    assertThat(Commands.runContainer(Engine.DOCKER, without, "time").assertSuccess().stdout()).isEqualTo("+0000 UTC\n");
    assertThat(Commands.runContainer(Engine.DOCKER, List.of("--entrypoint", "/tzc"), without).assertSuccess().stdout())
        .isEqualTo("+0000 Asia\n");
  }
}
