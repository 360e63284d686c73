package io.github.scratch4j.internal.registry;

import java.net.Socket;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The certificate chain each HTTPS server presented, kept so that a failed handshake can say
 * whose certificate was refused: the JDK's exception says why ("PKIX path building failed"),
 * never which certificate.
 *
 * <p>It works by a trust manager that notes the chain and then hands the decision, unchanged, to
 * the JDK's default one (the same trust store and host name checks as the default context).
 */
final class PresentedCertificates {
  private final Map<String, List<X509Certificate>> byPeer = new ConcurrentHashMap<>();

  /**
   * An SSL context that records chains, or empty to keep the JDK's default context: when a client
   * key store is configured ({@code javax.net.ssl.keyStore}), which only the default context
   * loads, or when the default trust manager cannot be wrapped.
   */
  Optional<SSLContext> context() {
    if (System.getProperty("javax.net.ssl.keyStore") != null) {
      return Optional.empty();
    }
    try {
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init((KeyStore) null);
      for (TrustManager m : f.getTrustManagers()) {
        if (m instanceof X509ExtendedTrustManager x) {
          SSLContext c = SSLContext.getInstance("TLS");
          c.init(null, new TrustManager[] {new Recording(x)}, null);
          return Optional.of(c);
        }
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      // the default context then, without subjects in messages
    }
    return Optional.empty();
  }

  /** The chain the server at {@code uri}'s host and port presented last, leaf first. */
  List<X509Certificate> of(URI uri) {
    return byPeer.getOrDefault(key(uri.getHost(), RegistryClient.port(uri)), List.of());
  }

  private static String key(String host, int port) {
    String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h + ":" + port;
  }

  private void note(X509Certificate[] chain, SSLEngine engine) {
    if (chain != null && chain.length > 0 && engine != null && engine.getPeerHost() != null) {
      byPeer.put(key(engine.getPeerHost(), engine.getPeerPort()), List.of(chain));
    }
  }

  /** Notes the server's chain, then lets the JDK's trust manager decide. */
  private final class Recording extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;

    Recording(X509ExtendedTrustManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      note(chain, engine);
      delegate.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }
}
