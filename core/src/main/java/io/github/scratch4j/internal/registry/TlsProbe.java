package io.github.scratch4j.internal.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds out whether a server speaks TLS, without a TLS stack: it sends a ClientHello and looks at
 * the first bytes of the answer. A TLS server answers any ClientHello with a TLS record (a
 * ServerHello, a HelloRetryRequest or an alert); a plain HTTP server answers with text (Go's
 * {@code HTTP/1.1 400 Bad Request}), closes the connection, or waits for a request line.
 *
 * <p>The JDK's own handshake would say the same, but it first loads the TLS provider and the
 * trust store and generates key shares: 0.2-0.3 s of a fresh JVM, spent on every push or pull to
 * a registry that turns out to speak plain HTTP. This probe costs one connection.
 *
 * <p>The hello is never continued, so its random bytes need not be secret.
 */
final class TlsProbe {
  /** What the probe saw: whether the server speaks TLS, and in words what it answered. */
  record Result(boolean tls, String answer) {}

  // RFC 8446 section 4.1.2 (ClientHello) and RFC 5246 section 6.2.1 (the record layer).
  private static final int HANDSHAKE = 22;
  private static final int ALERT = 21;
  private static final int CLIENT_HELLO = 1;
  /** TLS 1.3's three suites, then ECDHE with AES-GCM and ChaCha20 for TLS 1.2 servers. */
  private static final int[] SUITES = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8};
  /** x25519, secp256r1, secp384r1 (RFC 8446 section 4.2.7). */
  private static final int[] GROUPS = {0x001d, 0x0017, 0x0018};
  /** ECDSA and RSA-PSS and PKCS#1 with SHA-256, -384, -512 (RFC 8446 section 4.2.3). */
  private static final int[] SIGNATURES = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601};

  private TlsProbe() {}

  /**
   * Asks {@code host:port}. Any failure to connect or to read counts as "not TLS", with the reason
   * in {@link Result#answer()}: plain HTTP then fails the same way, with plain HTTP's message.
   */
  static Result probe(String host, int port, Duration limit) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, limit.toMillis()));
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(h, port), ms);
      socket.setSoTimeout(ms);
      socket.setTcpNoDelay(true);
      socket.getOutputStream().write(clientHello(h));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      byte[] first = in.readNBytes(3);
      if (first.length == 3 && (first[0] == HANDSHAKE || first[0] == ALERT) && first[1] == 3 && first[2] >= 0
          && first[2] <= 4) {
        return new Result(true, first[0] == HANDSHAKE ? "answered a TLS handshake record" : "answered a TLS alert");
      }
      if (first.length == 0) {
        return new Result(false, "closed the connection");
      }
      return new Result(false, "answered \"" + printable(first, in) + "\"");
    } catch (SocketTimeoutException e) {
      return new Result(false, "no answer within " + Limits.format(limit));
    } catch (IOException | RuntimeException e) {
      return new Result(false, "could not ask: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** The answer's first line (up to 40 characters), what a plain HTTP server says. */
  private static String printable(byte[] first, InputStream in) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    line.write(first, 0, first.length);
    try {
      while (line.size() < 40 && in.available() > 0) {
        int b = in.read();
        if (b < 0 || b == '\r' || b == '\n') {
          break;
        }
        line.write(b);
      }
    } catch (IOException e) {
      // what came is enough
    }
    StringBuilder s = new StringBuilder();
    for (byte b : line.toByteArray()) {
      if (b == '\r' || b == '\n') {
        break;
      }
      s.append(b >= 0x20 && b < 0x7f ? (char) b : '?');
    }
    return s.toString();
  }

  /** A ClientHello record offering TLS 1.3 and 1.2, with the server's name when it is not an address. */
  static byte[] clientHello(String host) {
    Bytes ext = new Bytes();
    if (!host.isEmpty() && !isAddress(host)) {
      // server_name (RFC 6066 section 3): a list of one host_name; never an IP address.
      byte[] name = host.getBytes(StandardCharsets.US_ASCII);
      ext.u16(0x0000).u16(name.length + 5).u16(name.length + 3).u8(0).u16(name.length).raw(name);
    }
    ext.u16(0x000a).u16(GROUPS.length * 2 + 2).u16(GROUPS.length * 2).u16s(GROUPS); // supported_groups
    ext.u16(0x000b).u16(2).u8(1).u8(0); // ec_point_formats: uncompressed (RFC 8422 section 5.1.2)
    ext.u16(0x000d).u16(SIGNATURES.length * 2 + 2).u16(SIGNATURES.length * 2).u16s(SIGNATURES); // signature_algorithms
    ext.u16(0x002b).u16(5).u8(4).u16(0x0304).u16(0x0303); // supported_versions: 1.3, 1.2
    // key_share (RFC 8446 section 4.2.8): an x25519 share, any 32 bytes being a public key (RFC
    // 7748 section 5). Without a share, some TLS 1.3 servers (the JDK's HttpsServer) end the
    // handshake and close the connection without sending their alert.
    byte[] share = new byte[32];
    ThreadLocalRandom.current().nextBytes(share);
    ext.u16(0x0033).u16(share.length + 6).u16(share.length + 4).u16(0x001d).u16(share.length).raw(share);
    byte[] random = new byte[32];
    ThreadLocalRandom.current().nextBytes(random);
    Bytes body = new Bytes().u16(0x0303).raw(random).u8(0) // legacy_version, random, empty session id
        .u16(SUITES.length * 2).u16s(SUITES).u8(1).u8(0) // cipher suites; compression: null only
        .u16(ext.size()).raw(ext.toByteArray());
    Bytes handshake = new Bytes().u8(CLIENT_HELLO).u24(body.size()).raw(body.toByteArray());
    return new Bytes().u8(HANDSHAKE).u16(0x0301).u16(handshake.size()).raw(handshake.toByteArray()).toByteArray();
  }

  private static boolean isAddress(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9');
  }

  /** Big-endian fields, as TLS writes them. */
  private static final class Bytes extends ByteArrayOutputStream {
    Bytes u8(int v) {
      write(v);
      return this;
    }

    Bytes u16(int v) {
      write(v >>> 8);
      write(v);
      return this;
    }

    Bytes u24(int v) {
      write(v >>> 16);
      return u16(v & 0xffff);
    }

    Bytes u16s(int[] values) {
      for (int v : values) {
        u16(v);
      }
      return this;
    }

    Bytes raw(byte[] b) {
      write(b, 0, b.length);
      return this;
    }
  }
}
