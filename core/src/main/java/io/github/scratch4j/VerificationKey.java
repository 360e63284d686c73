package io.github.scratch4j;

import io.github.scratch4j.internal.io.AtomicFile;
import io.github.scratch4j.internal.sign.CosignKeyFiles;
import io.github.scratch4j.internal.sign.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import java.util.Objects;

/**
 * The public half of a {@link SigningKey}: an ECDSA P-256 public key, read and written as cosign's
 * {@code cosign.pub} (PEM {@code PUBLIC KEY}, which {@code openssl dgst -verify} also reads).
 * Immutable.
 */
public final class VerificationKey {
  private final ECPublicKey key;

  private VerificationKey(ECPublicKey key) {
    this.key = key;
  }

  static VerificationKey of(ECPublicKey key) {
    return new VerificationKey(key);
  }

  /**
   * Reads a public key file.
   *
   * @param file a PEM file holding a {@code PUBLIC KEY} block
   * @return the key
   * @throws IOException if it cannot be read, or holds no ECDSA P-256 public key
   */
  public static VerificationKey read(Path file) throws IOException {
    return fromPem(Files.readAllBytes(file), file.toString());
  }

  /**
   * Reads a public key from PEM text.
   *
   * @param pem the PEM, holding a {@code PUBLIC KEY} block
   * @return the key
   * @throws IOException if it holds no ECDSA P-256 public key
   */
  public static VerificationKey fromPem(byte[] pem) throws IOException {
    return fromPem(pem, "public key");
  }

  private static VerificationKey fromPem(byte[] pem, String what) throws IOException {
    Pem.Block block = Pem.decode(pem, what, List.of(CosignKeyFiles.PUBLIC_LABEL));
    PublicKey k;
    try {
      k = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(block.bytes()));
    } catch (GeneralSecurityException e) {
      throw new IOException(what + ": the PUBLIC KEY is not an EC public key: " + e.getMessage(), e);
    }
    ECPublicKey ec = (ECPublicKey) k;
    if (!SigningKey.isP256(ec.getParams())) {
      throw new IOException(what + ": the key is on a curve of " + ec.getParams().getCurve().getField().getFieldSize()
          + " bits; cosign's keys are P-256");
    }
    return new VerificationKey(ec);
  }

  /**
   * The key as PEM ({@code PUBLIC KEY}, X.509 SubjectPublicKeyInfo).
   *
   * @return the PEM bytes
   */
  public byte[] toPem() {
    return Pem.encode(CosignKeyFiles.PUBLIC_LABEL, key.getEncoded());
  }

  /**
   * Writes the key as PEM to a file, replacing it.
   *
   * @param file where to write
   * @throws IOException if it cannot be written
   */
  public void write(Path file) throws IOException {
    byte[] pem = toPem();
    AtomicFile.write(file, channel -> channel.write(java.nio.ByteBuffer.wrap(pem)));
  }

  /**
   * Whether {@code signature} is this key's ECDSA signature over the SHA-256 of {@code payload}.
   *
   * @param payload the signed bytes
   * @param signature the signature, ASN.1 DER as cosign and OpenSSL write it
   * @return true if it verifies; false for another key's signature, altered bytes or a malformed signature
   */
  public boolean verifies(byte[] payload, byte[] signature) {
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(signature, "signature");
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initVerify(key);
      s.update(payload);
      return s.verify(signature);
    } catch (java.security.SignatureException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no SHA256withECDSA", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerificationKey v && java.util.Arrays.equals(key.getEncoded(), v.key.getEncoded());
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(key.getEncoded());
  }

  @Override
  public String toString() {
    return "VerificationKey[ECDSA P-256]";
  }
}
