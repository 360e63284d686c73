package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Image#caCertificates}: what the bundle holds, its bytes, merging, and bad input. */
class CaCertificatesTest {
  private static final String BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

  @TempDir Path dir;

  /** A test certificate's PEM text as openssl wrote it (a.pem, b.pem, c.pem: self-signed EC CAs). */
  private static String pem(String name) throws IOException {
    try (InputStream in = CaCertificatesTest.class.getResourceAsStream("certs/" + name + ".pem")) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  private static X509Certificate certificate(String name) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem(name).getBytes(StandardCharsets.US_ASCII)));
  }

  /** The DER encodings of the named test certificates, as hex, to compare as a set. */
  private static Set<String> der(String... names) throws Exception {
    Set<String> out = new HashSet<>();
    for (String n : names) {
      out.add(java.util.HexFormat.of().formatHex(certificate(n).getEncoded()));
    }
    return out;
  }

  /** The certificates of PEM bytes as the JDK reads them, as DER hex. */
  private static List<String> parsed(byte[] pem) throws Exception {
    List<String> out = new ArrayList<>();
    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
      out.add(java.util.HexFormat.of().formatHex(c.getEncoded()));
    }
    return out;
  }

  private Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.US_ASCII);
  }

  private static byte[] content(Image image, String path) throws IOException {
    Entry e = image.fileSystem().get(path);
    assertThat(e).as(path).isInstanceOf(FileEntry.class);
    return ((FileEntry) e).source().readAllBytes();
  }

  private byte[] archive(Image image) throws IOException {
    Path out = dir.resolve("image-" + System.nanoTime() + ".tar");
    image.writeTo(out);
    return Files.readAllBytes(out);
  }

  /** The entries of the image's last layer as written, by tar name. */
  private Map<String, TarFiles.Item> topLayer(Image image) throws IOException {
    Path out = dir.resolve("layers-" + System.nanoTime() + ".tar");
    Manifest m = image.writeTo(out);
    String blob = "blobs/sha256/" + m.layers().get(m.layers().size() - 1).digest().hex();
    return TarFiles.read(TarFiles.read(out).get(blob).content());
  }

  @Test
  void writesTheFilesCertificatesAsCanonicalPemAndSetsSslCertFile() throws Exception {
    // Text between blocks, CRLF line ends and a 76-character line length are all accepted.
    String a = pem("a").replace("\n", "\r\n");
    String b64 = Base64.getMimeEncoder(76, new byte[] {'\n'}).encodeToString(certificate("b").getEncoded());
    Path input = file("in.pem", "subject: test CA a\r\n" + a + "\nsome text\n-----BEGIN CERTIFICATE-----\n" + b64
        + "\n-----END CERTIFICATE-----\ntrailer\n");

    Image image = Image.fromScratch().caCertificates(input).withoutDependencyCheck();

    byte[] bundle = content(image, BUNDLE);
    assertThat(new HashSet<>(parsed(bundle))).isEqualTo(der("a", "b"));
    assertThat(parsed(bundle)).hasSize(2);
    String text = new String(bundle, StandardCharsets.US_ASCII);
    assertThat(text).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n")
        .doesNotContain("\r", "subject", "text", "trailer");
    for (String line : text.split("\n")) {
      assertThat(line.length()).as(line).isLessThanOrEqualTo(64);
    }
    assertThat(text.lines().filter(l -> !l.startsWith("-----")).filter(l -> l.length() < 64).count())
        .as("only each block's last base64 line is short").isEqualTo(2);
    assertThat(image.config().env()).contains("SSL_CERT_FILE=" + BUNDLE);

    TarFiles.Item written = topLayer(image).get("etc/ssl/certs/ca-certificates.crt");
    assertThat(written.header().getMode() & 07777).isEqualTo(0644);
    assertThat(written.header().getLongUserId()).isZero();
    assertThat(written.header().getLongGroupId()).isZero();
    assertThat(written.content()).isEqualTo(bundle);
  }

  @Test
  void theSameCertificatesInAnotherOrderOrFromSeveralCallsGiveAByteIdenticalArchive() throws Exception {
    Path abc = file("abc.pem", pem("a") + pem("b") + pem("c"));
    Path cbaa = file("cbaa.pem", pem("c") + "comment\n" + pem("b") + pem("a") + pem("a"));
    Path c = file("c.pem", pem("c"));
    Path ab = file("ab.pem", pem("b") + pem("a"));

    Image one = Image.fromScratch().caCertificates(abc).withoutDependencyCheck();
    Image other = Image.fromScratch().caCertificates(cbaa).withoutDependencyCheck();
    Image twoCalls = Image.fromScratch().caCertificates(c).caCertificates(ab).withoutDependencyCheck();

    byte[] first = archive(one);
    assertThat(archive(other)).isEqualTo(first);
    assertThat(archive(twoCalls)).isEqualTo(first);
    assertThat(parsed(content(other, BUNDLE))).hasSize(3).doesNotHaveDuplicates();
  }

  @Test
  void keepsTheCertificatesOfABaseImagesBundle() throws Exception {
    // The base's bundle is not in canonical form (a comment, a different order): its
    // certificates must survive, re-encoded.
    Image baseImage = Image.fromScratch()
        .add(Entry.file(BUNDLE, Source.of(("# base\n" + pem("b") + pem("a")).getBytes(StandardCharsets.US_ASCII))))
        .withoutDependencyCheck();
    Path baseArchive = dir.resolve("base.tar");
    baseImage.writeTo(baseArchive);

    Image image = Image.from(baseArchive).caCertificates(file("c.pem", pem("c"))).withoutDependencyCheck();

    assertThat(image.layers()).hasSize(2);
    assertThat(new HashSet<>(parsed(content(image, BUNDLE)))).isEqualTo(der("a", "b", "c"));
    assertThat(topLayer(image)).containsKey("etc/ssl/certs/ca-certificates.crt");
    // The same set from scratch gives the same bundle bytes.
    assertThat(content(image, BUNDLE)).isEqualTo(content(
        Image.fromScratch().caCertificates(file("all.pem", pem("c") + pem("a") + pem("b"))), BUNDLE));
  }

  @Test
  void aBundleBehindTheBasesLinksIsMergedWhereTheLinksLeadAndTheLinksStay() throws Exception {
    // A Fedora-like base: the Debian path is a link to the bundle elsewhere, under a linked directory.
    Layer base = Layer.builder()
        .add(Entry.file("/etc/pki/tls/certs/ca-bundle.crt", Source.of(pem("a").getBytes(StandardCharsets.US_ASCII))))
        .addSymlink("/etc/ssl/certs", "/etc/pki/tls/certs")
        .addSymlink("/etc/pki/tls/certs/ca-certificates.crt", "ca-bundle.crt")
        .build();
    Path baseArchive = dir.resolve("base.tar");
    Image.fromScratch().add(base).withoutDependencyCheck().writeTo(baseArchive);

    Image image = Image.from(baseArchive).caCertificates(file("b.pem", pem("b")));

    Map<String, Entry> fs = image.fileSystem();
    assertThat(fs.get("/etc/ssl/certs")).isEqualTo(Entry.symlink("/etc/ssl/certs", "/etc/pki/tls/certs"));
    assertThat(fs.get("/etc/pki/tls/certs/ca-certificates.crt"))
        .isEqualTo(Entry.symlink("/etc/pki/tls/certs/ca-certificates.crt", "ca-bundle.crt"));
    assertThat(new HashSet<>(parsed(content(image, "/etc/pki/tls/certs/ca-bundle.crt")))).isEqualTo(der("a", "b"));
    assertThat(image.layers().get(1).entries()).extracting(Entry::path)
        .contains("/etc/pki/tls/certs/ca-bundle.crt").doesNotContain("/etc/ssl/certs/ca-certificates.crt");
  }

  @Test
  void theCertificatesOfAnotherBundleThatSslCertFileNamedAreKept() throws Exception {
    // Programs read SSL_CERT_FILE first; once it names the new bundle, the old one's
    // certificates must be in it.
    Image base = Image.fromScratch()
        .add(Entry.file("/opt/app/trust.pem", Source.of(pem("a").getBytes(StandardCharsets.US_ASCII))))
        .env("SSL_CERT_FILE", "/opt/app/trust.pem");

    Image image = base.caCertificates(file("b.pem", pem("b")));

    assertThat(image.config().env("SSL_CERT_FILE")).contains(BUNDLE);
    assertThat(new HashSet<>(parsed(content(image, BUNDLE)))).isEqualTo(der("a", "b"));
    assertThat(content(image, "/opt/app/trust.pem")).isEqualTo(pem("a").getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void aMalformedBundleInTheBaseIsRefusedRatherThanReplaced() throws Exception {
    String broken = pem("a") + "-----BEGIN CERTIFICATE-----\nMIIB!!!!\n-----END CERTIFICATE-----\n";
    Image base = Image.fromScratch().add(Entry.file(BUNDLE, Source.of(broken.getBytes(StandardCharsets.US_ASCII))));
    Path pemB = file("b.pem", pem("b"));

    assertThatThrownBy(() -> base.caCertificates(pemB))
        .isInstanceOf(UncheckedIOException.class)
        .hasCauseInstanceOf(ImageFormatException.class)
        .hasMessageContaining("the image's " + BUNDLE)
        .hasMessageContaining("certificate 2 (lines 12-14) is not valid base64");
  }

  @Test
  void readsEveryTrustedCertificateEntryOfAKeyStore() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("first", certificate("c"));
    store.setCertificateEntry("second", certificate("a"));

    Image image = Image.fromScratch().caCertificates(store);

    assertThat(new HashSet<>(parsed(content(image, BUNDLE)))).isEqualTo(der("a", "c"));
    assertThat(content(image, BUNDLE))
        .isEqualTo(content(Image.fromScratch().caCertificates(file("ac.pem", pem("a") + pem("c"))), BUNDLE));
    assertThat(image.config().env()).contains("SSL_CERT_FILE=" + BUNDLE);
  }

  @Test
  void aKeyStoreThatIsNotLoadedOrHasNoTrustedCertificateIsRefused() throws Exception {
    KeyStore unloaded = KeyStore.getInstance("PKCS12");
    assertThatThrownBy(() -> Image.fromScratch().caCertificates(unloaded))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loaded");
    KeyStore empty = KeyStore.getInstance("PKCS12");
    empty.load(null, null);
    assertThatThrownBy(() -> Image.fromScratch().caCertificates(empty))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no trusted-certificate entry");
  }

  @Test
  void aCorruptCertificateIsNamedByFileNumberAndLine() throws Exception {
    // Certificate 2 starts on line 12 (a.pem has 11 lines) and its DER is cut short.
    byte[] whole = certificate("b").getEncoded();
    byte[] der = java.util.Arrays.copyOf(whole, whole.length - 10);
    String bad = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END CERTIFICATE-----\n";
    Path input = file("bad.pem", pem("a") + bad + pem("c"));
    Image before = Image.fromScratch();

    assertThatThrownBy(() -> before.caCertificates(input))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(input.toString())
        .hasMessageContaining("certificate 2 (lines 12-")
        .hasMessageContaining("is not an X.509 certificate");
    assertThat(before.layers()).isEmpty();
    assertThat(before.config().env()).isEmpty();
  }

  @Test
  void badPemStructureIsNamed() throws Exception {
    Path notBase64 = file("b64.pem", pem("a") + "-----BEGIN CERTIFICATE-----\nnot*base64\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> Image.fromScratch().caCertificates(notBase64))
        .hasMessageContaining(notBase64 + ": certificate 2 (lines 12-14) is not valid base64");

    Path unterminated = file("open.pem", pem("a") + pem("b").replace("-----END CERTIFICATE-----\n", ""));
    assertThatThrownBy(() -> Image.fromScratch().caCertificates(unterminated))
        .hasMessageContaining(unterminated + ": certificate 2 (line 12) has no END line");

    Path twoBegins = file("twice.pem", pem("a").replace("-----END CERTIFICATE-----\n", "") + pem("b"));
    assertThatThrownBy(() -> Image.fromScratch().caCertificates(twoBegins))
        .hasMessageContaining("certificate 1 (line 1) has no END line before line 11");

    Path trailing = file("trailing.pem", "-----BEGIN CERTIFICATE-----\n" + Base64.getEncoder().encodeToString(
        concat(certificate("a").getEncoded(), new byte[] {1, 2, 3})) + "\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> Image.fromScratch().caCertificates(trailing))
        .hasMessageContaining("certificate 1 (lines 1-3) holds 3 bytes after the certificate");

    Path trusted = file("trusted.pem", pem("a").replace("CERTIFICATE", "TRUSTED CERTIFICATE"));
    assertThatThrownBy(() -> Image.fromScratch().caCertificates(trusted))
        .hasMessageContaining("line 1 begins a TRUSTED CERTIFICATE");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void aFileWithoutCertificatesIsRefused() throws Exception {
    Path key = file("key.pem", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> Image.fromScratch().caCertificates(key))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(key + " holds no certificate");
  }

  @Test
  void aMissingFileIsAnUncheckedIoException() {
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> Image.fromScratch().caCertificates(missing))
        .isInstanceOf(UncheckedIOException.class)
        .hasCauseInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void aDirectoryAtTheBundlesPathIsRefused() throws Exception {
    Image image = Image.fromScratch().add(Entry.directory(BUNDLE));
    Path a = file("a.pem", pem("a"));
    assertThatThrownBy(() -> image.caCertificates(a))
        .isInstanceOf(InvalidEntryException.class)
        .hasMessageContaining(BUNDLE + " is a directory");
  }
}
