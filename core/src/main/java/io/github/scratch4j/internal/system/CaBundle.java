package io.github.scratch4j.internal.system;

import io.github.scratch4j.DirectoryEntry;
import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.HardlinkEntry;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.InvalidEntryException;
import io.github.scratch4j.Layer;
import io.github.scratch4j.Source;
import io.github.scratch4j.SymlinkEntry;
import io.github.scratch4j.internal.EntryPaths;
import io.github.scratch4j.internal.plan.LinkResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A set of CA certificates and the PEM bundle that holds them in an image. The same certificates
 * make the same bytes, whatever their order or source: each is written once (by its DER
 * encoding), in the unsigned byte order of the DER encodings, as canonical PEM (RFC 7468's strict
 * form: 64 base64 characters a line, no text between blocks).
 */
public final class CaBundle {
  /** Where the bundle goes: Debian's path, the first that Go, OpenSSL-based and musl-based tools try. */
  public static final String PATH = "/etc/ssl/certs/ca-certificates.crt";

  /**
   * Where hosts keep their bundle, tried in order: Debian and Ubuntu, Fedora and RHEL (two
   * paths), Alpine and the BSDs, openSUSE. The same list Go's crypto/x509 searches on Linux,
   * less its Android-era and Plan 9 entries.
   */
  public static final List<Path> HOST_BUNDLES = List.of(
      Path.of("/etc/ssl/certs/ca-certificates.crt"),
      Path.of("/etc/pki/tls/certs/ca-bundle.crt"),
      Path.of("/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"),
      Path.of("/etc/ssl/cert.pem"),
      Path.of("/etc/ssl/ca-bundle.pem"));

  /**
   * The largest PEM file read: a bundle of every public CA is about 220 KB, so this leaves room
   * for private ones and keeps a wrong file (or a hostile base) from filling the heap.
   */
  public static final int MAX_BYTES = 16 << 20;

  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String DASHES = "-----";

  /** DER encodings, each once, in unsigned byte order. */
  private final List<byte[]> certificates;

  private CaBundle(Collection<byte[]> der) {
    TreeSet<byte[]> set = new TreeSet<>(Arrays::compareUnsigned);
    set.addAll(der);
    List<byte[]> copies = new ArrayList<>(set.size());
    set.forEach(d -> copies.add(d.clone()));
    this.certificates = Collections.unmodifiableList(copies);
  }

  /** The certificates of the given DER encodings, each once. */
  public static CaBundle of(Collection<byte[]> der) {
    return new CaBundle(der);
  }

  /** The DER encodings, each once, in unsigned byte order. */
  public List<byte[]> der() {
    List<byte[]> out = new ArrayList<>(certificates.size());
    certificates.forEach(d -> out.add(d.clone()));
    return out;
  }

  /** How many certificates. */
  public int size() {
    return certificates.size();
  }

  /** These certificates and {@code other}'s, each once. */
  public CaBundle with(CaBundle other) {
    List<byte[]> all = new ArrayList<>(certificates);
    all.addAll(other.certificates);
    return new CaBundle(all);
  }

  /** The canonical PEM text: one block per certificate, in the set's order, nothing else. */
  public byte[] pem() {
    Base64.Encoder base64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
    StringBuilder out = new StringBuilder();
    for (byte[] der : certificates) {
      out.append("-----BEGIN CERTIFICATE-----\n")
          .append(base64.encodeToString(der))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The host's bundle: the first regular file of {@code candidates}; where none exists, the JDK's
   * default trust anchors.
   *
   * @throws UncheckedIOException if the bundle found cannot be read or is malformed
   */
  public static CaBundle ofHost(List<Path> candidates) {
    Optional<Path> found = candidates.stream().filter(Files::isRegularFile).findFirst();
    return found.isPresent() ? ofPemFile(found.get(), "the host's CA bundle " + found.get()) : ofJdk();
  }

  /**
   * The trust anchors of the JDK's default {@link TrustManagerFactory}: its {@code cacerts}, or
   * the store {@code javax.net.ssl.trustStore} names.
   */
  public static CaBundle ofJdk() {
    List<byte[]> der = new ArrayList<>();
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init((KeyStore) null);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          for (X509Certificate c : x509.getAcceptedIssuers()) {
            der.add(c.getEncoded());
          }
        }
      }
    } catch (GeneralSecurityException e) {
      throw new UncheckedIOException(new IOException("cannot read the JDK's default trust anchors: " + e, e));
    }
    if (der.isEmpty()) {
      throw new UncheckedIOException(new IOException(
          "the host has no CA bundle (looked for " + HOST_BUNDLES + ") and the JDK's default trust store is empty"));
    }
    return new CaBundle(der);
  }

  /**
   * Every trusted-certificate entry of a loaded key store; key entries are not certificates to
   * trust, and are passed over.
   *
   * @throws IllegalArgumentException if the store is not loaded, holds no trusted certificate,
   *     or holds one that is not X.509
   */
  public static CaBundle ofKeyStore(KeyStore store) {
    List<byte[]> der = new ArrayList<>();
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (!store.isCertificateEntry(alias)) {
          continue;
        }
        Certificate c = store.getCertificate(alias);
        if (!(c instanceof X509Certificate)) {
          throw new IllegalArgumentException("the key store's entry '" + alias + "' holds a " + c.getType()
              + " certificate, not an X.509 one");
        }
        der.add(c.getEncoded());
      }
    } catch (KeyStoreException e) {
      throw new IllegalArgumentException("cannot read the key store (is it loaded?): " + e.getMessage(), e);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("cannot encode a certificate of the key store: " + e.getMessage(), e);
    }
    if (der.isEmpty()) {
      throw new IllegalArgumentException("the " + store.getType() + " key store holds no trusted-certificate entry");
    }
    return new CaBundle(der);
  }

  /**
   * The certificates of a PEM file given by the caller.
   *
   * @throws UncheckedIOException if it cannot be read, is larger than {@link #MAX_BYTES}, holds no
   *     certificate, or a certificate in it is malformed (the message names the file, which
   *     certificate and its line)
   */
  public static CaBundle ofPemFile(Path file) {
    return ofPemFile(file, file.toString());
  }

  private static CaBundle ofPemFile(Path file, String what) {
    byte[] content;
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new IOException(what + " has " + size + " bytes, more than the " + MAX_BYTES
            + " a CA bundle may have");
      }
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + what + ": " + e.getMessage(), e);
    }
    try {
      CaBundle parsed = parse(content, what);
      if (parsed.size() == 0) {
        throw new IOException(what + " holds no certificate (no line " + "-----BEGIN CERTIFICATE-----)");
      }
      return parsed;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The certificates of PEM text. Text outside the blocks is ignored, and so are blocks of other
   * kinds (keys, CRLs), except OpenSSL's {@code TRUSTED CERTIFICATE}, which is refused rather than
   * passed over, so that no certificate is silently left out.
   *
   * @param what the file, as messages name it
   * @throws IOException naming {@code what}, the certificate's number and its line, if a
   *     certificate block is unterminated, not base64, or not one X.509 certificate
   */
  public static CaBundle parse(byte[] content, String what) throws IOException {
    // ISO-8859-1 maps every byte, so comments in any encoding pass; PEM itself is ASCII.
    String[] lines = new String(content, StandardCharsets.ISO_8859_1).split("\n", -1);
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
    }
    List<byte[]> der = new ArrayList<>();
    int number = 0;
    String open = null;
    boolean certificate = false;
    int openedAt = 0;
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      int line = i + 1;
      String t = lines[i].strip();
      if (open == null) {
        if (t.startsWith(BEGIN) && t.endsWith(DASHES) && t.length() > BEGIN.length() + DASHES.length()) {
          open = t.substring(BEGIN.length(), t.length() - DASHES.length());
          openedAt = line;
          body.setLength(0);
          certificate = isCertificate(open);
          if (certificate) {
            number++;
          } else if (open.equals("TRUSTED CERTIFICATE")) {
            throw new IOException(what + ": line " + line + " begins a TRUSTED CERTIFICATE, OpenSSL's own form"
                + " with trust settings, which is not read; convert it with openssl x509 -in FILE -out PLAIN.pem");
          }
        } else if (t.startsWith(END) && isCertificate(label(t))) {
          throw new IOException(what + ": line " + line + " ends a certificate that no BEGIN line opened");
        }
        continue;
      }
      if (t.startsWith(BEGIN)) {
        throw new IOException(what + ": " + block(certificate, number, open, openedAt) + " has no END line before line "
            + line + ", which begins another block");
      }
      if (!t.startsWith(END)) {
        body.append(t);
        continue;
      }
      if (!label(t).equals(open)) {
        throw new IOException(what + ": " + block(certificate, number, open, openedAt) + " ends at line " + line
            + " with '" + t + "'");
      }
      if (certificate) {
        der.add(certificate(factory, body.toString(), what, number, openedAt, line));
      }
      open = null;
    }
    if (open != null) {
      throw new IOException(what + ": " + block(certificate, number, open, openedAt) + " has no END line");
    }
    return new CaBundle(der);
  }

  private static boolean isCertificate(String label) {
    // RFC 7468 section 5.1: parsers should accept the older "X509 CERTIFICATE" label too.
    return label.equals("CERTIFICATE") || label.equals("X509 CERTIFICATE");
  }

  private static String label(String endLine) {
    String rest = endLine.substring(END.length());
    return rest.endsWith(DASHES) ? rest.substring(0, rest.length() - DASHES.length()) : rest;
  }

  private static String block(boolean certificate, int number, String label, int line) {
    return certificate ? "certificate " + number + " (line " + line + ")" : "the " + label + " block at line " + line;
  }

  private static byte[] certificate(CertificateFactory factory, String base64, String what, int number, int from,
      int to) throws IOException {
    String where = what + ": certificate " + number + " (lines " + from + "-" + to + ")";
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64.replaceAll("\\s+", ""));
    } catch (IllegalArgumentException e) {
      throw new IOException(where + " is not valid base64: " + e.getMessage(), e);
    }
    if (der.length == 0) {
      throw new IOException(where + " is empty");
    }
    Certificate c;
    try {
      c = factory.generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new IOException(where + " is not an X.509 certificate: " + e.getMessage(), e);
    }
    byte[] encoded;
    try {
      encoded = c.getEncoded();
    } catch (CertificateException e) {
      throw new IOException(where + " cannot be encoded again: " + e.getMessage(), e);
    }
    if (!Arrays.equals(encoded, der)) {
      throw new IOException(where + " holds " + (der.length - encoded.length)
          + " bytes after the certificate's DER encoding");
    }
    return der;
  }

  /**
   * Writes the bundle into the layer {@code open} builds: at {@link #PATH}, followed through the
   * image's links as a program opening it would (the last component too, so that every name
   * leading to the bundle sees the new one), holding what the image already has there and
   * {@code added}; and, when {@code previous} names another bundle (the {@code SSL_CERT_FILE} the
   * image had), that one's certificates too, since programs will no longer read it.
   *
   * @param view what a container sees at a path: the layer being built over the layers below
   * @throws InvalidEntryException if something other than a file is there, or the links loop
   * @throws UncheckedIOException if a bundle already there cannot be read or is malformed
   */
  public static void addTo(Layer.Builder open, LinkResolver.View view, CaBundle added, Optional<String> previous) {
    Located bundle = locate(view, PATH);
    CaBundle merged = added.with(existing(bundle, PATH));
    if (previous.isPresent() && previous.get().startsWith("/")) {
      Located other = locate(view, previous.get());
      if (!other.path.equals(bundle.path)) {
        merged = merged.with(existing(other, "SSL_CERT_FILE " + previous.get()));
      }
    }
    if (open.get(bundle.path).isPresent()) {
      open.remove(bundle.path);
    }
    open.add(Entry.file(bundle.path, Source.of(merged.pem())));
  }

  /** Where a path leads in the image, and what is there (null for nothing). */
  private record Located(String path, Entry entry) {}

  /** Follows {@code path} through the image's links, the last component too. */
  private static Located locate(LinkResolver.View view, String path) {
    String at = path;
    List<String> followed = new ArrayList<>();
    while (true) {
      String placed = new LinkResolver(view).parentsOf(at);
      Entry e = view.get(placed);
      if (!(e instanceof SymlinkEntry link)) {
        return new Located(EntryPaths.normalize(placed), e instanceof HardlinkEntry h ? view.get(h.target()) : e);
      }
      followed.add(placed + " -> " + link.target());
      if (followed.size() > LinkResolver.MAX_LINKS) {
        throw new InvalidEntryException("cannot write the CA bundle " + path + ": following the image's links takes more"
            + " than " + LinkResolver.MAX_LINKS + " links, so they loop: " + String.join(", ", followed.subList(0, 6))
            + ", ...");
      }
      String target = link.target();
      String next = target.startsWith("/") ? target : EntryPaths.parent(placed) + "/" + target;
      String last = next.substring(next.lastIndexOf('/') + 1);
      if (last.isEmpty() || last.equals(".") || last.equals("..")) {
        throw new InvalidEntryException("cannot write the CA bundle " + path + ": the image's link " + placed
            + " -> " + target + " leads to a directory");
      }
      at = next;
    }
  }

  /** The certificates of the bundle the image has where {@code name} leads; none where nothing is. */
  private static CaBundle existing(Located at, String name) {
    String what = "the image's " + name + (at.path.equals(name) || name.endsWith(" " + at.path) ? ""
        : " (at " + at.path + ", where its links lead)");
    if (at.entry instanceof FileEntry file) {
      return read(file, what);
    } else if (at.entry instanceof DirectoryEntry) {
      throw new InvalidEntryException("cannot write the CA bundle: " + what + " is a directory");
    } else if (at.entry != null) {
      throw new InvalidEntryException("cannot write the CA bundle: " + what + " is not a regular file");
    }
    return new CaBundle(List.of());
  }

  /** The certificates of a bundle the image already has; one without any is an empty set. */
  private static CaBundle read(FileEntry file, String what) {
    Source source = file.source();
    try {
      if (source.size() > MAX_BYTES) {
        throw new ImageFormatException(what + " has " + source.size() + " bytes, more than the " + MAX_BYTES
            + " a CA bundle may have");
      }
      byte[] content;
      try (InputStream in = source.open()) {
        content = in.readNBytes((int) source.size());
      }
      try {
        return parse(content, what);
      } catch (IOException e) {
        throw new ImageFormatException(e.getMessage() + "; its certificates would be lost, so it is not replaced", e);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }
}
