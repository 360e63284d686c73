package io.github.scratch4j.internal.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which bundle {@code caCertificates()} takes from the host, and the canonical order. */
class CaBundleTest {
  @TempDir Path dir;

  private static String pem(String name) throws IOException {
    try (InputStream in = CaBundleTest.class.getResourceAsStream("/io/github/scratch4j/certs/" + name + ".pem")) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  private static Set<String> hex(List<byte[]> der) {
    Set<String> out = new HashSet<>();
    der.forEach(d -> out.add(HexFormat.of().formatHex(d)));
    return out;
  }

  private static Set<String> jdkAnchors() throws Exception {
    TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init((KeyStore) null);
    Set<String> out = new HashSet<>();
    for (X509Certificate c : ((X509TrustManager) f.getTrustManagers()[0]).getAcceptedIssuers()) {
      out.add(HexFormat.of().formatHex(c.getEncoded()));
    }
    return out;
  }

  @Test
  void theFirstCandidateThatIsAFileIsTaken() throws Exception {
    Path missing = dir.resolve("missing.crt");
    Path directory = Files.createDirectory(dir.resolve("a-directory.crt"));
    Path second = Files.writeString(dir.resolve("second.crt"), pem("b"));
    Path third = Files.writeString(dir.resolve("third.crt"), pem("c"));

    CaBundle found = CaBundle.ofHost(List.of(missing, directory, second, third));

    assertThat(hex(found.der())).isEqualTo(hex(CaBundle.parse(pem("b").getBytes(StandardCharsets.US_ASCII), "b").der()));
  }

  @Test
  void withoutAnyCandidateTheJdksTrustAnchorsAreTaken() throws Exception {
    Set<String> expected = jdkAnchors();
    List<Path> none = List.of(dir.resolve("none.crt"));
    if (expected.isEmpty()) {
      // A JDK whose cacerts is empty (as some distribution packages ship it) is named, not taken.
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> CaBundle.ofHost(none))
          .hasMessageContaining("the JDK's default trust store is empty");
      return;
    }

    assertThat(hex(CaBundle.ofHost(none).der())).isEqualTo(expected);
  }

  @Test
  void onThisHostTheFirstKnownBundleOrTheJdksIsTaken() throws Exception {
    Path first = CaBundle.HOST_BUNDLES.stream().filter(Files::isRegularFile).findFirst().orElse(null);
    Set<String> expected = first == null
        ? jdkAnchors()
        : hex(CaBundle.parse(Files.readAllBytes(first), first.toString()).der());

    assertThat(hex(CaBundle.ofHost(CaBundle.HOST_BUNDLES).der())).isEqualTo(expected).isNotEmpty();
  }

  @Test
  void certificatesAreOrderedByTheirDerEncodingAsUnsignedBytes() throws Exception {
    CaBundle bundle = CaBundle.parse((pem("c") + pem("a") + pem("b") + pem("c")).getBytes(StandardCharsets.US_ASCII), "x");
    List<byte[]> der = bundle.der();
    assertThat(der).hasSize(3);
    for (int i = 1; i < der.size(); i++) {
      assertThat(java.util.Arrays.compareUnsigned(der.get(i - 1), der.get(i))).isNegative();
    }
  }
}
