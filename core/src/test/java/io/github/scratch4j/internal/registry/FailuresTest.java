package io.github.scratch4j.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The words for the exception chains the JDK's HTTP client reports network failures with. */
class FailuresTest {
  private static String why(Throwable e) {
    return Failures.why(e, "registry.example:5000", List.of(), Duration.ofSeconds(7));
  }

  private static <T extends Throwable> T causedBy(T e, Throwable cause) {
    e.initCause(cause);
    return e;
  }

  @Test
  void aConnectExceptionWithoutAMessageIsAConnectionRefused() {
    assertThat(why(new ConnectException())).isEqualTo("connection refused (nothing listens on registry.example:5000)");
    assertThat(why(causedBy(new ConnectException(), new ConnectException("Connection refused"))))
        .startsWith("connection refused");
  }

  @Test
  void anUnresolvedAddressUnderAConnectExceptionIsAnUnknownHost() {
    assertThat(why(causedBy(new ConnectException(), new UnresolvedAddressException())))
        .isEqualTo("unknown host registry.example (no address found for it)");
  }

  @Test
  void aConnectExceptionWithAnotherReasonKeepsIt() {
    assertThat(why(causedBy(new ConnectException(), new ConnectException("Network is unreachable"))))
        .isEqualTo("could not connect: Network is unreachable");
    assertThat(why(causedBy(new ConnectException("x"), new ClosedChannelException())))
        .isEqualTo("the connection closed while connecting");
  }

  @Test
  void aConnectTimeoutSaysTheTimeout() {
    assertThat(why(new HttpConnectTimeoutException("HTTP connect timed out")))
        .isEqualTo("timed out: could not connect within 7 s");
  }

  @Test
  void aHandshakeFailureWithoutACertificateKeepsTheJdksReason() {
    assertThat(why(new SSLHandshakeException("Received fatal alert: handshake_failure")))
        .isEqualTo("TLS handshake failed: Received fatal alert: handshake_failure");
  }

  @Test
  void ourOwnTransferFailuresAreKeptAsTheySay() {
    assertThat(why(new TransferException("timed out: no answer came within 1 s"))).isEqualTo("timed out: no answer came within 1 s");
  }

  @Test
  void anythingElseKeepsItsClassSoItStillMeansSomething() {
    assertThat(why(new IOException())).isEqualTo("IOException");
    assertThat(why(new java.util.zip.ZipException("bad"))).isEqualTo("ZipException: bad");
  }

  @Test
  void statusesHaveTheirNames() {
    assertThat(Failures.status(401)).isEqualTo("HTTP 401 Unauthorized");
    assertThat(Failures.status(418)).isEqualTo("HTTP 418");
  }
}
