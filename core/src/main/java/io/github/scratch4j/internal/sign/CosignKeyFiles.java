package io.github.scratch4j.internal.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.scratch4j.WrongPassphraseException;
import io.github.scratch4j.internal.json.EncryptedKeyJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * cosign's key files. The public key is a PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo, as
 * sigstore's cryptoutils writes it). The private key is a PEM {@code ENCRYPTED SIGSTORE PRIVATE
 * KEY} (cosign before 2.0 wrote {@code ENCRYPTED COSIGN PRIVATE KEY}; both are read), whose body is
 * go-securesystemslib's encrypted JSON: the PKCS#8 key sealed with NaCl's secretbox under a key
 * derived from the passphrase with scrypt. The PEM labels are cosign's ({@code pkg/cosign/keys.go},
 * {@code CosignPrivateKeyPemType}, {@code SigstorePrivateKeyPemType}); the JSON and its parameters
 * are go-securesystemslib's ({@code encrypted/encrypted.go}).
 */
public final class CosignKeyFiles {
  public static final String PRIVATE_LABEL = "ENCRYPTED SIGSTORE PRIVATE KEY";
  public static final String OLD_PRIVATE_LABEL = "ENCRYPTED COSIGN PRIVATE KEY";
  public static final String PUBLIC_LABEL = "PUBLIC KEY";
  /** go-securesystemslib's "standard" scrypt parameters, which cosign writes: N 2^16, r 8, p 1. */
  static final int N = 1 << 16;
  static final int R = 8;
  static final int P = 1;
  /** The parameter sets go-securesystemslib accepts (legacy, standard, OWASP): no others are read. */
  private static final List<int[]> ACCEPTED = List.of(new int[] {1 << 15, 8, 1}, new int[] {1 << 16, 8, 1},
      new int[] {1 << 17, 8, 1});
  private static final int SALT = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private CosignKeyFiles() {}

  /** The PEM of an encrypted private key: {@code pkcs8} sealed under {@code passphrase}. */
  public static byte[] encrypt(byte[] pkcs8, char[] passphrase) {
    Bc.require("writing an encrypted cosign key");
    byte[] salt = new byte[SALT];
    byte[] nonce = new byte[SecretBox.NONCE];
    RANDOM.nextBytes(salt);
    RANDOM.nextBytes(nonce);
    byte[] key = derive(passphrase, salt, N, R, P);
    byte[] box = SecretBox.seal(key, nonce, pkcs8);
    Arrays.fill(key, (byte) 0);
    return Pem.encode(PRIVATE_LABEL, EncryptedKeyJson.write(N, R, P, salt, nonce, box));
  }

  /**
   * The PKCS#8 key an encrypted private key PEM holds.
   *
   * @param what names the key file in messages
   * @throws WrongPassphraseException if the passphrase does not open it
   * @throws IOException if it is not a cosign private key file
   */
  public static byte[] decrypt(byte[] pem, char[] passphrase, String what) throws IOException {
    Pem.Block block = Pem.decode(pem, what, List.of(PRIVATE_LABEL, OLD_PRIVATE_LABEL));
    JsonNode doc;
    try {
      doc = new ObjectMapper().readTree(block.bytes());
    } catch (IOException e) {
      throw new IOException(what + ": the " + block.label() + " is not JSON: " + e.getMessage(), e);
    }
    String kdf = doc.path("kdf").path("name").asText();
    String cipher = doc.path("cipher").path("name").asText();
    if (!kdf.equals("scrypt") || !cipher.equals("nacl/secretbox")) {
      throw new IOException(what + ": encrypted with " + kdf + " and " + cipher + "; cosign's keys use scrypt and"
          + " nacl/secretbox");
    }
    JsonNode params = doc.path("kdf").path("params");
    int n = params.path("N").asInt(-1);
    int r = params.path("r").asInt(-1);
    int p = params.path("p").asInt(-1);
    // As go-securesystemslib checks: parameters chosen by whoever wrote the file could make the
    // derivation take any time and memory.
    if (ACCEPTED.stream().noneMatch(a -> a[0] == n && a[1] == r && a[2] == p)) {
      throw new IOException(what + ": scrypt parameters N=" + n + " r=" + r + " p=" + p + " are not one of the sets"
          + " cosign writes (N 2^15, 2^16 or 2^17, r 8, p 1)");
    }
    byte[] salt = base64(doc.path("kdf").path("salt"), "kdf.salt", what);
    byte[] nonce = base64(doc.path("cipher").path("nonce"), "cipher.nonce", what);
    byte[] box = base64(doc.path("ciphertext"), "ciphertext", what);
    if (nonce.length != SecretBox.NONCE) {
      throw new IOException(what + ": the nonce has " + nonce.length + " bytes, secretbox's has 24");
    }
    Bc.require("reading an encrypted cosign key");
    byte[] key = derive(passphrase, salt, n, r, p);
    Optional<byte[]> opened = SecretBox.open(key, nonce, box);
    Arrays.fill(key, (byte) 0);
    return opened.orElseThrow(() -> new WrongPassphraseException(what + ": the passphrase does not decrypt this "
        + block.label() + " (its Poly1305 tag does not match: a wrong passphrase, or an altered file)"));
  }

  private static byte[] base64(JsonNode node, String field, String what) throws IOException {
    if (!node.isTextual()) {
      throw new IOException(what + ": the encrypted key has no " + field);
    }
    try {
      return Base64.getDecoder().decode(node.asText());
    } catch (IllegalArgumentException e) {
      throw new IOException(what + ": " + field + " is not base64", e);
    }
  }

  private static byte[] derive(char[] passphrase, byte[] salt, int n, int r, int p) {
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    try {
      return org.bouncycastle.crypto.generators.SCrypt.generate(bytes, salt, n, r, p, SecretBox.KEY);
    } finally {
      Arrays.fill(bytes, (byte) 0);
      if (encoded.hasArray()) {
        Arrays.fill(encoded.array(), (byte) 0);
      }
    }
  }
}
