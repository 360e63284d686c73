package io.github.scratch4j.internal.registry;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Says in words why a request got no answer. The JDK's HTTP client reports most network failures
 * as an exception with no message ({@code ConnectException: null}) whose reason sits further
 * down the cause chain, or only in the cause's class; this reads the chain and names the reason
 * a user can act on.
 */
final class Failures {
  private static final Map<Integer, String> REASONS = Map.ofEntries(
      Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
      Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(409, "Conflict"),
      Map.entry(413, "Content Too Large"), Map.entry(416, "Range Not Satisfiable"),
      Map.entry(429, "Too Many Requests"), Map.entry(500, "Internal Server Error"),
      Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"), Map.entry(504, "Gateway Timeout"));

  private Failures() {}

  /** "HTTP 404 Not Found", or "HTTP 418" for a status without a name here (RFC 9110 section 15). */
  static String status(int status) {
    String reason = REASONS.get(status);
    return "HTTP " + status + (reason == null ? "" : " " + reason);
  }

  /**
   * Why {@code e} ended a request to {@code hostPort}: "connection refused", "unknown host ...",
   * "TLS handshake failed: ...", "timed out: ...", and the like. {@code presented} is the chain
   * the server showed, leaf first (empty when unknown); {@code timeout} is the connect timeout.
   */
  static String why(Throwable e, String hostPort, List<X509Certificate> presented, Duration timeout) {
    if (e instanceof TransferException) {
      return e.getMessage(); // ours: already says what stalled or broke
    }
    String host = Hosts.hostOf(hostPort);
    if (find(e, UnresolvedAddressException.class) != null || find(e, UnknownHostException.class) != null) {
      return "unknown host " + host + " (no address found for it)";
    }
    SSLHandshakeException handshake = find(e, SSLHandshakeException.class);
    if (handshake != null) {
      return "TLS handshake failed: " + tls(handshake, host, presented);
    }
    SSLException ssl = find(e, SSLException.class);
    if (ssl != null) {
      return "TLS failed: " + text(ssl);
    }
    if (find(e, HttpConnectTimeoutException.class) != null) {
      return "timed out: could not connect within " + Limits.format(timeout);
    }
    HttpTimeoutException timedOut = find(e, HttpTimeoutException.class);
    if (timedOut != null) {
      return "timed out: " + text(timedOut);
    }
    if (find(e, NoRouteToHostException.class) != null) {
      return "no route to host " + host;
    }
    ConnectException connect = find(e, ConnectException.class);
    if (connect != null) {
      String said = deepestMessage(connect);
      if (said == null || said.toLowerCase(Locale.ROOT).contains("refused")) {
        return "connection refused (nothing listens on " + hostPort + ")";
      }
      if (find(connect, ClosedChannelException.class) != null) {
        return "the connection closed while connecting";
      }
      return "could not connect: " + said;
    }
    if (find(e, EOFException.class) != null || has(e, "no bytes") || has(e, "closed")) {
      return "the registry closed the connection without answering";
    }
    SocketException socket = find(e, SocketException.class);
    if (socket != null && has(socket, "reset")) {
      return "the connection was reset";
    }
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  private static String tls(SSLHandshakeException e, String host, List<X509Certificate> presented) {
    String whose = presented.isEmpty() ? "the registry's certificate"
        : "the registry's certificate (subject " + presented.get(0).getSubjectX500Principal().getName()
            + (presented.size() == 1 && presented.get(0).getSubjectX500Principal().equals(
                presented.get(0).getIssuerX500Principal()) ? ", self-signed"
                : ", issued by " + presented.get(0).getIssuerX500Principal().getName()) + ")";
    if (find(e, CertificateExpiredException.class) != null) {
      return whose + " has expired (" + text(find(e, CertificateExpiredException.class)) + ")";
    }
    if (find(e, CertificateNotYetValidException.class) != null) {
      return whose + " is not valid yet (" + text(find(e, CertificateNotYetValidException.class)) + ")";
    }
    if (find(e, CertPathBuilderException.class) != null || has(e, "PKIX path building failed")) {
      return whose + " is not trusted by this JVM: no chain to a trusted certificate authority (add the CA"
          + " to the JVM's trust store, or name one with javax.net.ssl.trustStore)";
    }
    CertPathValidatorException invalid = find(e, CertPathValidatorException.class);
    if (invalid != null) {
      return whose + " was refused: " + text(invalid);
    }
    String said = text(e);
    if (said.contains("subject alternative name") || said.contains("No name matching")) {
      return whose + " does not name " + host + ": " + said;
    }
    return (presented.isEmpty() ? "" : whose + ": ") + said;
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static boolean has(Throwable e, String words) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains(words)) {
        return true;
      }
    }
    return false;
  }

  private static String deepestMessage(Throwable e) {
    String said = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        said = t.getMessage();
      }
    }
    return said;
  }

  /** An exception's own message, or its class's simple name when it has none. */
  private static String text(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}
