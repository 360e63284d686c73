package io.github.scratch4j.internal.registry;

import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An SSL context made on first use. The JDK's HTTP client needs a context when it is built, and
 * making one (the TLS provider's set-up, the trust store) takes 0.15-0.3 s of a fresh JVM: a cost
 * a client that only ever speaks plain HTTP, to a registry on this machine, need not pay.
 *
 * <p>Give the client explicit {@link SSLParameters} (for example empty ones, which leave each
 * engine with the context's defaults); otherwise it asks for the defaults at once, and the context
 * is made then.
 */
final class DeferredTls extends SSLContext {
  private final Spi spi;

  DeferredTls(Supplier<Optional<SSLContext>> make) {
    this(new Spi(make));
  }

  private DeferredTls(Spi spi) {
    super(spi, null, "TLS");
    this.spi = spi;
  }

  /** Whether the context has been made. */
  boolean made() {
    return spi.made != null;
  }

  private static final class Spi extends SSLContextSpi {
    private final Supplier<Optional<SSLContext>> make;
    private volatile SSLContext made;

    Spi(Supplier<Optional<SSLContext>> make) {
      this.make = make;
    }

    private SSLContext context() {
      SSLContext c = made;
      if (c == null) {
        synchronized (this) {
          c = made;
          if (c == null) {
            try {
              Optional<SSLContext> own = make.get();
              c = own.isPresent() ? own.get() : SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("this JVM has no TLS: " + e.getMessage(), e);
            }
            made = c;
          }
        }
      }
      return c;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
      throw new KeyManagementException("a deferred context is made by its supplier");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return context().getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return context().getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return context().createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return context().createSSLEngine(host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return context().getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return context().getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return context().getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return context().getSupportedSSLParameters();
    }
  }
}
