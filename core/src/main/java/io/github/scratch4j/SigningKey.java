package io.github.scratch4j;

import io.github.scratch4j.internal.io.AtomicFile;
import io.github.scratch4j.internal.sign.CosignKeyFiles;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Objects;

/**
 * An ECDSA P-256 key pair that signs, read and written as cosign's {@code cosign.key}: the PKCS#8
 * private key encrypted under a passphrase with scrypt and NaCl's secretbox, in a PEM
 * {@code ENCRYPTED SIGSTORE PRIVATE KEY} (the older {@code ENCRYPTED COSIGN PRIVATE KEY} is read
 * too). Reading and writing the encrypted file needs Bouncy Castle ({@code
 * org.bouncycastle:bcprov-jdk18on}) on the class path; signing needs only the JDK. Immutable; its
 * {@link #toString} shows no secret.
 */
public final class SigningKey {
  private static final BigInteger P256_ORDER =
      new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);

  private final ECPrivateKey key;
  private final VerificationKey verificationKey;

  private SigningKey(ECPrivateKey key, ECPublicKey publicKey) {
    this.key = key;
    this.verificationKey = VerificationKey.of(publicKey);
  }

  /**
   * Makes a new key pair from the JDK's secure random source.
   *
   * @return the key
   */
  public static SigningKey generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = g.generateKeyPair();
      return new SigningKey((ECPrivateKey) pair.getPrivate(), (ECPublicKey) pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make a P-256 key pair", e);
    }
  }

  /**
   * Reads a cosign private key file.
   *
   * @param file the {@code cosign.key} file
   * @param passphrase the passphrase it was encrypted under (empty if none was given)
   * @return the key
   * @throws WrongPassphraseException if the passphrase does not decrypt it
   * @throws IOException if it cannot be read, is not a cosign private key, or holds no P-256 key
   * @throws IllegalStateException if Bouncy Castle is not on the class path
   */
  public static SigningKey read(Path file, char[] passphrase) throws IOException {
    return fromEncryptedPem(Files.readAllBytes(file), passphrase, file.toString());
  }

  /**
   * Reads a cosign private key from its PEM text.
   *
   * @param pem the PEM, holding an {@code ENCRYPTED SIGSTORE PRIVATE KEY} or {@code ENCRYPTED
   *     COSIGN PRIVATE KEY} block
   * @param passphrase the passphrase it was encrypted under
   * @return the key
   * @throws WrongPassphraseException if the passphrase does not decrypt it
   * @throws IOException if it is not a cosign private key or holds no P-256 key
   * @throws IllegalStateException if Bouncy Castle is not on the class path
   */
  public static SigningKey fromEncryptedPem(byte[] pem, char[] passphrase) throws IOException {
    return fromEncryptedPem(pem, passphrase, "private key");
  }

  private static SigningKey fromEncryptedPem(byte[] pem, char[] passphrase, String what) throws IOException {
    byte[] pkcs8 = CosignKeyFiles.decrypt(pem, Objects.requireNonNull(passphrase, "passphrase"), what);
    try {
      PrivateKey k = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      ECPrivateKey ec = (ECPrivateKey) k;
      if (!isP256(ec.getParams())) {
        throw new IOException(what + ": the key is not on P-256, the curve cosign's keys use");
      }
      return new SigningKey(ec, publicOf(ec));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IOException(what + ": the decrypted key is not a PKCS#8 EC private key: " + e.getMessage(), e);
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  /**
   * The private key as cosign's encrypted PEM, under a passphrase (scrypt N 2^16, r 8, p 1, as
   * cosign writes it; a new random salt and nonce each time).
   *
   * @param passphrase the passphrase; empty for none, as {@code cosign generate-key-pair} allows
   * @return the PEM bytes
   * @throws IllegalStateException if Bouncy Castle is not on the class path
   */
  public byte[] toEncryptedPem(char[] passphrase) {
    byte[] pkcs8 = key.getEncoded();
    try {
      return CosignKeyFiles.encrypt(pkcs8, Objects.requireNonNull(passphrase, "passphrase"));
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  /**
   * Writes the private key as cosign's encrypted PEM to a file readable by its owner only,
   * replacing it.
   *
   * @param file where to write ({@code cosign.key})
   * @param passphrase the passphrase to encrypt it under
   * @throws IOException if it cannot be written
   * @throws IllegalStateException if Bouncy Castle is not on the class path
   */
  public void write(Path file, char[] passphrase) throws IOException {
    byte[] pem = toEncryptedPem(passphrase);
    AtomicFile.write(file, channel -> {
      channel.write(java.nio.ByteBuffer.wrap(pem));
      return null;
    });
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // A file system without POSIX permissions: nothing to narrow.
    }
  }

  /**
   * The public half, to verify with.
   *
   * @return the verification key
   */
  public VerificationKey verificationKey() {
    return verificationKey;
  }

  /**
   * Signs bytes: ECDSA over their SHA-256, as cosign signs a payload.
   *
   * @param payload the bytes to sign
   * @return the signature, ASN.1 DER (what {@code openssl dgst -sha256 -sign} writes)
   */
  public byte[] sign(byte[] payload) {
    Objects.requireNonNull(payload, "payload");
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(key);
      s.update(payload);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot sign with SHA256withECDSA", e);
    }
  }

  @Override
  public String toString() {
    return "SigningKey[ECDSA P-256]";
  }

  /** Whether an EC key is on NIST P-256 (secp256r1), told by its group order and field size. */
  static boolean isP256(ECParameterSpec params) {
    return params.getOrder().equals(P256_ORDER) && params.getCurve().getField().getFieldSize() == 256;
  }

  /** The public point d·G of a private key, which PKCS#8 may not carry. */
  private static ECPublicKey publicOf(ECPrivateKey k) throws GeneralSecurityException {
    ECParameterSpec params = k.getParams();
    ECPoint q = io.github.scratch4j.internal.sign.Points.p256PublicPoint(k.getS());
    return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(q, params));
  }
}
