package io.github.scratch4j.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The plain HTTP/1.1 transport against servers written here byte by byte: kept connections, one
 * the server closed while it was kept, chunked and interim answers, a chunked request body, and
 * heads and bodies that break the rules.
 */
class PlainHttpTest {
  /** What a connection's handler does with the socket it was given; it may serve several requests. */
  @FunctionalInterface
  interface Handler {
    void serve(Socket s, InputStream in) throws Exception;
  }

  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private URI serve(Handler handler) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    open.add(server);
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          open.add(s);
          connections.incrementAndGet();
          Thread c = new Thread(() -> {
            try (s) {
              handler.serve(s, s.getInputStream());
            } catch (Exception e) {
              // the client sees what it sees
            }
          });
          c.setDaemon(true);
          c.start();
        } catch (IOException e) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v2/");
  }

  /** Reads one request's head and its Content-Length body; returns the head, or null at the end. */
  private static String request(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      head.write(c);
      String h = head.toString(StandardCharsets.ISO_8859_1);
      if (h.endsWith("\r\n\r\n")) {
        int at = h.toLowerCase().indexOf("content-length: ");
        if (at >= 0) {
          in.readNBytes(Integer.parseInt(h.substring(at + 16, h.indexOf('\r', at)).trim()));
        }
        return h;
      }
    }
    return null;
  }

  private static void answer(Socket s, String raw) throws IOException {
    s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
  }

  private static String get(URI uri) throws Exception {
    return send("GET", uri, HttpRequest.BodyPublishers.noBody());
  }

  private static String send(String method, URI uri, HttpRequest.BodyPublisher body) throws Exception {
    HttpResponse<InputStream> r = PlainHttp.sendAsync(method, uri, List.of(), body, 5_000,
        info -> HttpResponse.BodySubscribers.ofInputStream()).get(10, TimeUnit.SECONDS);
    try (InputStream in = r.body()) {
      return r.statusCode() + " " + new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aConnectionIsKeptForTheNextRequest() throws Exception {
    URI uri = serve((s, in) -> {
      while (request(in) != null) {
        answer(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
      }
    });
    assertThat(get(uri)).isEqualTo("200 {}");
    assertThat(get(uri)).isEqualTo("200 {}");
    assertThat(get(uri)).isEqualTo("200 {}");
    assertThat(connections).hasValue(1);
  }

  @Test
  void aKeptConnectionTheServerClosedIsNotUsedAgain() throws Exception {
    URI uri = serve((s, in) -> {
      request(in);
      answer(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      // and closes, without saying so in the answer
    });
    assertThat(get(uri)).isEqualTo("200 ok");
    Thread.sleep(100); // the close reaches this side
    assertThat(get(uri)).isEqualTo("200 ok");
    assertThat(connections).hasValue(2);
  }

  @Test
  void interimAnswersAreSkippedAndChunkedBodiesJoined() throws Exception {
    URI uri = serve((s, in) -> {
      while (request(in) != null) {
        answer(s, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n");
      }
    });
    assertThat(get(uri)).isEqualTo("200 hello world");
    assertThat(get(uri)).isEqualTo("200 hello world");
    assertThat(connections).as("the connection is kept after a chunked answer").hasValue(1);
  }

  @Test
  void aBodyOfUnknownLengthIsSentInChunks() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    URI uri = serve((s, in) -> {
      String head = request(in);
      received.add(head);
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        StringBuilder size = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
          size.append((char) c);
        }
        int n = Integer.parseInt(size.toString().trim(), 16);
        body.write(in.readNBytes(n));
        in.readNBytes(2);
        if (n == 0) {
          break;
        }
      }
      received.add(body.toString(StandardCharsets.UTF_8));
      answer(s, "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
    });
    HttpRequest.BodyPublisher streamed = HttpRequest.BodyPublishers.fromPublisher(subscriber -> {
      SubmissionPublisher<ByteBuffer> p = new SubmissionPublisher<>();
      p.subscribe(subscriber);
      for (String part : List.of("first ", "second ", "third")) {
        p.submit(ByteBuffer.wrap(part.getBytes(StandardCharsets.UTF_8)));
      }
      p.close();
    });
    assertThat(send("PATCH", uri, streamed)).isEqualTo("202 ");
    assertThat(received.get(0)).startsWith("PATCH /v2/ HTTP/1.1\r\n").contains("Transfer-Encoding: chunked\r\n")
        .doesNotContain("Content-Length");
    assertThat(received.get(1)).isEqualTo("first second third");
  }

  @Test
  void aHeadThatNeverEndsIsRefusedOnceItPassesTheLimit() throws Exception {
    URI uri = serve((s, in) -> {
      request(in);
      answer(s, "HTTP/1.1 200 OK\r\n");
      byte[] line = "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 100_000; i++) {
        s.getOutputStream().write(line);
      }
    });
    assertThatThrownBy(() -> get(uri)).isInstanceOf(ExecutionException.class).cause()
        .isInstanceOf(IOException.class).hasMessage("the answer's head is longer than " + PlainHttp.MAX_HEAD + " bytes");
  }

  @Test
  void anAnswerThatIsNotHttpOrHasANegativeLengthIsRefusedWithWhatItSaid() throws Exception {
    URI garbage = serve((s, in) -> {
      request(in);
      answer(s, "SSH-2.0-OpenSSH_9.2\r\n\r\n");
    });
    assertThatThrownBy(() -> get(garbage)).cause().hasMessage("the server's answer is not HTTP/1.1: it began \"SSH-2.0-OpenSSH_9.2\"");
    URI negative = serve((s, in) -> {
      request(in);
      answer(s, "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n");
    });
    assertThatThrownBy(() -> get(negative)).cause().hasMessage("the answer's Content-Length is not a size: \"-5\"");
  }

  @Test
  void aChunkWithoutAValidSizeBreaksTheBody() throws Exception {
    URI uri = serve((s, in) -> {
      request(in);
      answer(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n");
    });
    HttpResponse<InputStream> r = PlainHttp.sendAsync("GET", uri, List.of(), HttpRequest.BodyPublishers.noBody(), 5_000,
        info -> HttpResponse.BodySubscribers.ofInputStream()).get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> r.body().readAllBytes()).isInstanceOf(IOException.class)
        .hasStackTraceContaining("a chunk of the answer's body has no valid size: \"-5\"");
  }
}
