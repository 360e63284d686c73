package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link DockerDaemon} against a stand-in daemon on a Unix socket, answering as Docker does. */
@Timeout(60)
class DockerDaemonTest {
  @TempDir Path dir;
  private ServerSocketChannel server;

  /** What the stand-in received: the request head and the decoded body. */
  record Received(String head, byte[] body) {}

  @AfterEach
  void close() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  private static Image image() {
    return Image.fromScratch().add(Entry.file("/hello.txt", Source.of("hi\n".getBytes(StandardCharsets.UTF_8))))
        .cmd("/hello.txt").without(ImageCheck.ENTRYPOINT);
  }

  /** Serves one connection: reads the request (all of it, or {@code readAtMost} body bytes), then answers. */
  private CompletableFuture<Received> daemon(String answer, long readAtMost) throws IOException {
    Path socket = dir.resolve("docker.sock");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    return CompletableFuture.supplyAsync(() -> {
      try (SocketChannel c = server.accept()) {
        InputStream in = Channels.newInputStream(c);
        StringBuilder head = new StringBuilder();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
          head.append(line).append('\n');
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (body.size() < readAtMost) {
          int n = Integer.parseInt(line(in), 16);
          if (n == 0) {
            line(in);
            break;
          }
          body.write(in.readNBytes(n));
          line(in);
        }
        OutputStream out = Channels.newOutputStream(c);
        out.write(answer.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return new Received(head.toString(), body.toByteArray());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new java.io.EOFException("after " + b);
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  private static String ok(String... lines) {
    StringBuilder body = new StringBuilder();
    for (String l : lines) {
      body.append(l).append("\r\n");
    }
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";
  }

  @Test
  void sendsTheArchiveAsWriteToWritesItAndReturnsWhatTheDaemonLoaded() throws Exception {
    CompletableFuture<Received> received = daemon(ok("{\"stream\":\"Loaded image: hello:1\\n\"}"), Long.MAX_VALUE);
    LoadedImages loaded = DockerDaemon.at(dir.resolve("docker.sock")).load(image().tag("hello:1"));

    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    Manifest manifest = image().tag("hello:1").writeTo(expected);
    assertThat(loaded.tags()).containsExactly("hello:1");
    assertThat(loaded.imageIds()).containsExactly(manifest.config().digest());
    Received r = received.get();
    assertThat(r.head()).startsWith("POST /images/load?quiet=1 HTTP/1.1\n")
        .contains("Content-Type: application/x-tar\n", "Transfer-Encoding: chunked\n");
    // The docker-archive side of writeTo's archive: the same configuration and layer bytes, the
    // layer named by its position (written as it is hashed), and no OCI index.
    Map<String, TarFiles.Item> sent = TarFiles.read(r.body());
    Map<String, TarFiles.Item> written = TarFiles.read(expected.toByteArray());
    String config = "blobs/sha256/" + manifest.config().digest().hex();
    String layer = "blobs/sha256/" + manifest.layers().get(0).digest().hex();
    assertThat(sent.keySet()).contains("layers/0.tar", config, "manifest.json").doesNotContain("index.json", "oci-layout", layer);
    assertThat(sent.get(config).content()).isEqualTo(written.get(config).content());
    assertThat(sent.get("layers/0.tar").content()).isEqualTo(written.get(layer).content());
    assertThat(new String(sent.get("manifest.json").content(), StandardCharsets.UTF_8))
        .isEqualTo("[{\"Config\":\"" + config + "\",\"RepoTags\":[\"docker.io/library/hello:1\"],\"Layers\":[\"layers/0.tar\"]}]");
  }

  @Test
  void aLayerIsReadOnceWhileItIsSent() throws Exception {
    CompletableFuture<Received> received = daemon(ok("{\"stream\":\"Loaded image: big:1\\n\"}"), Long.MAX_VALUE);
    int size = 6 << 20;
    int[] opened = {0};
    Source big = Source.of(size, () -> {
      opened[0]++;
      return new java.io.ByteArrayInputStream(new byte[size]);
    });
    Image image = Image.fromScratch().add(Entry.file("/big", big)).cmd("/big").without(ImageCheck.ENTRYPOINT).tag("big:1");
    DockerDaemon.at(dir.resolve("docker.sock")).load(image);
    assertThat(opened[0]).as("a 6 MiB layer, more than a stream target holds in memory").isEqualTo(1);
    Map<String, TarFiles.Item> sent = TarFiles.read(received.get().body());
    Manifest manifest = image.writeTo(OutputStream.nullOutputStream());
    assertThat(Digest.parse("sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(sent.get("layers/0.tar").content()))))
        .isEqualTo(manifest.layers().get(0).digest());
  }

  @Test
  @org.junit.jupiter.api.Timeout(value = 20, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void whatIsWrittenWhileTheConnectionOpensIsGatheredUpToALimitThenSentInOrder() throws Exception {
    CompletableFuture<Received> received = daemon(ok("{\"stream\":\"Loaded image: x:1\\n\"}"), Long.MAX_VALUE);
    java.util.concurrent.CountDownLatch connectionMayOpen = new java.util.concurrent.CountDownLatch(1);
    java.util.Random random = new java.util.Random(15);
    byte[] first = new byte[3 << 20];
    byte[] second = new byte[2 << 20];
    random.nextBytes(first);
    random.nextBytes(second);
    long[] waitedNanos = {0};
    io.github.scratch4j.internal.daemon.DaemonLoad.load(dir.resolve("docker.sock"), out -> {
      // Not waited on: the connection cannot open before this thread lets it.
      out.write(first);
      Thread letGo = new Thread(() -> {
        try {
          Thread.sleep(300);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        connectionMayOpen.countDown();
      });
      long start = System.nanoTime();
      letGo.start();
      // 5 MiB in all is more than is gathered: this write waits for the connection.
      out.write(second);
      waitedNanos[0] = System.nanoTime() - start;
      return java.util.List.of();
    }, () -> {
      try {
        connectionMayOpen.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(waitedNanos[0]).as("the write beyond the gathered limit waited for the connection")
        .isGreaterThanOrEqualTo(250_000_000L);
    byte[] expected = java.util.Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, expected, first.length, second.length);
    assertThat(received.get().body()).isEqualTo(expected);
  }

  @Test
  void makingADaemonConnectsNowhere() throws Exception {
    Path socket = dir.resolve("docker.sock");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    server.configureBlocking(false);
    DockerDaemon.at(socket);
    DockerDaemon.fromEnvironment(Map.of("DOCKER_HOST", "unix://" + socket));
    // The JDK's socket support is readied on a thread of its own; give it time to do anything more.
    Thread.sleep(500);
    assertThat(server.accept()).as("a connection made by making the daemon").isNull();
  }

  @Test
  void loadsEveryImageOfAnArchiveAndReadsPodmansCommaSeparatedNames() throws Exception {
    daemon(ok("{\"stream\":\"Loaded image: docker.io/library/a:1,docker.io/library/b:2\\n\"}"), Long.MAX_VALUE);
    Archive archive = Archive.of(image().tag("a:1"),
        image().add(Entry.file("/b", Source.of(new byte[] {1}))).tag("b:2"));
    LoadedImages loaded = DockerDaemon.at(dir.resolve("docker.sock")).load(archive);
    assertThat(loaded.tags()).containsExactly("docker.io/library/a:1", "docker.io/library/b:2");
    assertThat(loaded.imageIds()).hasSize(2).doesNotHaveDuplicates();
  }

  @Test
  void anErrorInTheAnswersStreamIsADaemonExceptionInTheDaemonsWords() throws Exception {
    daemon(ok("{\"errorDetail\":{\"message\":\"archive/tar: invalid tar header\"},"
        + "\"error\":\"archive/tar: invalid tar header\"}"), Long.MAX_VALUE);
    Path socket = dir.resolve("docker.sock");
    assertThatThrownBy(() -> DockerDaemon.at(socket).load(image()))
        .isInstanceOf(DaemonException.class)
        .hasMessage("the Docker daemon at unix://" + socket + " did not load the archive: archive/tar: invalid tar header")
        .satisfies(e -> {
          assertThat(((DaemonException) e).socket()).isEqualTo(socket);
          assertThat(((DaemonException) e).daemonMessage()).contains("archive/tar: invalid tar header");
        });
  }

  @Test
  void anErrorStatusGivesTheStatusAndTheDaemonsMessage() throws Exception {
    String body = "{\"message\":\"client version 1.99 is too new\"}";
    daemon("HTTP/1.1 400 Bad Request\r\nContent-Length: " + body.length() + "\r\n\r\n" + body, Long.MAX_VALUE);
    assertThatThrownBy(() -> DockerDaemon.at(dir.resolve("docker.sock")).load(image()))
        .isInstanceOf(DaemonException.class)
        .hasMessageEndingWith("did not load the archive: HTTP 400: client version 1.99 is too new");
  }

  @Test
  void aDaemonThatAnswersBeforeTakingTheWholeArchiveIsHeard() throws Exception {
    String body = "{\"message\":\"no space left on device\"}";
    daemon("HTTP/1.1 500 Internal Server Error\r\nContent-Length: " + body.length() + "\r\n\r\n" + body, 1);
    byte[] big = new byte[32 << 20];
    Image image = image().add(Entry.file("/big", Source.of(big)));
    assertThatThrownBy(() -> DockerDaemon.at(dir.resolve("docker.sock")).load(image))
        .isInstanceOf(DaemonException.class)
        .hasMessageEndingWith("HTTP 500: no space left on device");
  }

  @Test
  void aMissingSocketSaysSo() {
    Path socket = dir.resolve("missing.sock");
    assertThatThrownBy(() -> DockerDaemon.at(socket).load(image()))
        .isInstanceOf(DaemonException.class)
        .hasMessageStartingWith("cannot reach the Docker daemon at unix://" + socket + ": no such socket");
  }

  @Test
  void aSocketNobodyListensOnIsConnectionRefused() throws Exception {
    Path socket = dir.resolve("dead.sock");
    ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    dead.bind(UnixDomainSocketAddress.of(socket));
    dead.close(); // the file stays, nothing listens
    assertThatThrownBy(() -> DockerDaemon.at(socket).load(image()))
        .isInstanceOf(DaemonException.class)
        .hasMessageContaining("unix://" + socket + ": connection refused");
  }

  @Test
  void anAnswerThatIsNotHttpIsNamed() throws Exception {
    daemon("SSH-2.0-OpenSSH_9.2\r\n", Long.MAX_VALUE);
    assertThatThrownBy(() -> DockerDaemon.at(dir.resolve("docker.sock")).load(image()))
        .isInstanceOf(DaemonException.class)
        .hasMessageContaining("answered what is not HTTP: status line \"SSH-2.0-OpenSSH_9.2\"");
  }

  @Test
  void anAnswerWithEndlessHeadersIsRefused() throws Exception {
    daemon("HTTP/1.1 200 OK\r\n" + "X-Filler: 1\r\n".repeat(300) + "\r\n", Long.MAX_VALUE);
    assertThatThrownBy(() -> DockerDaemon.at(dir.resolve("docker.sock")).load(image()))
        .isInstanceOf(DaemonException.class)
        .hasMessageContaining("answered what is not HTTP: more than 256 header fields");
  }

  @Test
  void anImageTheChecksRefuseSendsNothing() throws Exception {
    // A socket that listens but never accepts: the connection, opened while the image is checked,
    // waits in its backlog, where a non-blocking accept finds it, whatever the threads' timing.
    Path socket = dir.resolve("docker.sock");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Image broken = Image.fromScratch().add(Entry.file("/hello", Source.of(new byte[] {1}))).entrypoint("/hello");
    assertThatThrownBy(() -> DockerDaemon.at(socket).load(broken))
        .isInstanceOf(ImageCheckException.class);
    server.configureBlocking(false);
    try (java.nio.channels.SocketChannel opened = server.accept()) {
      if (opened != null) {
        // Closed by the load before it threw, with not one byte of a request on it.
        opened.configureBlocking(true);
        assertThat(opened.read(java.nio.ByteBuffer.allocate(1))).as("bytes sent before the connection closed").isEqualTo(-1);
      }
    }
  }

  @Test
  void dockerHostNamesTheSocketAndOnlyUnixSocketsAreSpoken() {
    assertThat(DockerDaemon.fromEnvironment(Map.of()).socket()).isEqualTo(Path.of("/var/run/docker.sock"));
    assertThat(DockerDaemon.fromEnvironment(Map.of("DOCKER_HOST", "unix:///run/user/1000/podman/podman.sock")).socket())
        .isEqualTo(Path.of("/run/user/1000/podman/podman.sock"));
    assertThatThrownBy(() -> DockerDaemon.fromEnvironment(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2375")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("DOCKER_HOST=tcp://127.0.0.1:2375 is not a unix:// socket");
  }

}
