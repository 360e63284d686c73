package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;

/** Key stores for the tests' HTTPS servers, made by the JDK's keytool: self-signed EC keys no JVM trusts. */
public final class TestKeyStores {
  /** The password of every store made here. */
  public static final String PASSWORD = "changeit";

  private TestKeyStores() {}

  /** A PKCS12 key store in {@code dir} with a self-signed key for {@code subject} and {@code san}. */
  public static Path make(Path dir, String subject, String san) throws Exception {
    Path store = dir.resolve("registry-" + System.nanoTime() + ".p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1",
        "-alias", "registry", "-dname", subject, "-ext", "san=" + san, "-validity", "2",
        "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
        .redirectErrorStream(true).start();
    String said;
    try (InputStream out = p.getInputStream()) {
      said = new String(out.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("keytool: %s", said).isZero();
    return store;
  }

  /** A server's SSL context with the key in {@code store}. */
  public static javax.net.ssl.SSLContext serverContext(Path store) throws Exception {
    javax.net.ssl.KeyManagerFactory kmf =
        javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(load(store), PASSWORD.toCharArray());
    javax.net.ssl.SSLContext c = javax.net.ssl.SSLContext.getInstance("TLS");
    c.init(kmf.getKeyManagers(), null, null);
    return c;
  }

  /** A client's SSL context that trusts the certificate in {@code store}. */
  public static javax.net.ssl.SSLContext trusting(Path store) throws Exception {
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(load(store));
    javax.net.ssl.SSLContext c = javax.net.ssl.SSLContext.getInstance("TLS");
    c.init(null, tmf.getTrustManagers(), null);
    return c;
  }

  /** The store at {@code store}, loaded. */
  public static KeyStore load(Path store) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    return ks;
  }
}
