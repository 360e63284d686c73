package io.github.scratch4j;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyTest {
  private static final byte[] PAYLOAD = "{\"critical\":{}}".getBytes(UTF_8);
  private static final char[] PASS = "correct horse".toCharArray();

  @TempDir Path tmp;

  /** The JSON inside the PEM, as go-securesystemslib's encrypted package writes it. */
  private static JsonNode body(byte[] pem) throws Exception {
    String text = new String(pem, US_ASCII);
    String b64 = text.substring(text.indexOf("-----\n") + 6, text.indexOf("\n-----END"));
    return new ObjectMapper().readTree(Base64.getMimeDecoder().decode(b64));
  }

  @Test
  void aSignatureVerifiesWithItsKeyOnlyAndOnlyOverItsBytes() {
    SigningKey key = SigningKey.generate();
    byte[] sig = key.sign(PAYLOAD);
    assertThat(key.verificationKey().verifies(PAYLOAD, sig)).isTrue();
    assertThat(key.verificationKey().verifies("{\"critical\":{ }}".getBytes(UTF_8), sig)).isFalse();
    assertThat(SigningKey.generate().verificationKey().verifies(PAYLOAD, sig)).isFalse();
    assertThat(key.verificationKey().verifies(PAYLOAD, new byte[] {0x30, 0x02, 0x01})).isFalse();
    assertThat(key.toString()).doesNotContain(key.verificationKey().toPem().toString());
  }

  @Test
  void theEncryptedFileIsCosignsAndReadsBackWithThePassphrase() throws Exception {
    SigningKey key = SigningKey.generate();
    Path file = tmp.resolve("cosign.key");
    key.write(file, PASS);
    byte[] pem = Files.readAllBytes(file);
    assertThat(new String(pem, US_ASCII)).startsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n")
        .endsWith("-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n");
    assertThat(Files.getPosixFilePermissions(file)).extracting(Object::toString)
        .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
    JsonNode body = body(pem);
    assertThat(body.path("kdf").path("name").asText()).isEqualTo("scrypt");
    assertThat(body.path("kdf").path("params").toString()).isEqualTo("{\"N\":65536,\"r\":8,\"p\":1}");
    assertThat(Base64.getDecoder().decode(body.path("kdf").path("salt").asText())).hasSize(32);
    assertThat(body.path("cipher").path("name").asText()).isEqualTo("nacl/secretbox");
    assertThat(Base64.getDecoder().decode(body.path("cipher").path("nonce").asText())).hasSize(24);

    SigningKey read = SigningKey.read(file, PASS);
    assertThat(read.verificationKey()).isEqualTo(key.verificationKey());
    assertThat(key.verificationKey().verifies(PAYLOAD, read.sign(PAYLOAD))).isTrue();
    // A new salt and nonce each time.
    assertThat(key.toEncryptedPem(PASS)).isNotEqualTo(pem);
    // cosign before 2.0 labelled it ENCRYPTED COSIGN PRIVATE KEY.
    byte[] old = new String(pem, US_ASCII).replace("SIGSTORE", "COSIGN").getBytes(US_ASCII);
    assertThat(SigningKey.fromEncryptedPem(old, PASS).verificationKey()).isEqualTo(key.verificationKey());
    // No passphrase at all, as cosign allows.
    assertThat(SigningKey.fromEncryptedPem(key.toEncryptedPem(new char[0]), new char[0]).verificationKey())
        .isEqualTo(key.verificationKey());
  }

  @Test
  void aWrongPassphraseOrAnAlteredFileIsNamedSo() throws Exception {
    Path file = tmp.resolve("cosign.key");
    SigningKey.generate().write(file, PASS);
    assertThatThrownBy(() -> SigningKey.read(file, "wrong".toCharArray())).isInstanceOf(WrongPassphraseException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("passphrase does not decrypt");
    JsonNode body = body(Files.readAllBytes(file));
    byte[] box = Base64.getDecoder().decode(body.path("ciphertext").asText());
    box[box.length - 1] ^= 1;
    ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("ciphertext", Base64.getEncoder().encodeToString(box));
    byte[] altered = ("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(body.toString().getBytes(UTF_8))
        + "\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n").getBytes(US_ASCII);
    assertThatThrownBy(() -> SigningKey.fromEncryptedPem(altered, PASS)).isInstanceOf(WrongPassphraseException.class);
  }

  @Test
  void parametersChosenByTheFilesWriterAreBoundedAndOtherFilesRefused() throws Exception {
    byte[] pem = SigningKey.generate().toEncryptedPem(PASS);
    JsonNode body = body(pem);
    ((com.fasterxml.jackson.databind.node.ObjectNode) body.path("kdf").path("params")).put("N", 1 << 24);
    byte[] costly = ("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(body.toString().getBytes(UTF_8))
        + "\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n").getBytes(US_ASCII);
    assertThatThrownBy(() -> SigningKey.fromEncryptedPem(costly, PASS)).hasMessageContaining("N=16777216")
        .isNotInstanceOf(WrongPassphraseException.class);
    assertThatThrownBy(() -> SigningKey.fromEncryptedPem("not a key".getBytes(US_ASCII), PASS))
        .hasMessageContaining("no PEM block labelled ENCRYPTED SIGSTORE PRIVATE KEY or ENCRYPTED COSIGN PRIVATE KEY");
    assertThatThrownBy(() -> VerificationKey.fromPem(SigningKey.generate().toEncryptedPem(PASS)))
        .hasMessageContaining("no PEM block labelled PUBLIC KEY");
  }

  @Test
  void thePublicKeyIsAPemThatReadsBack() throws Exception {
    VerificationKey key = SigningKey.generate().verificationKey();
    Path file = tmp.resolve("cosign.pub");
    key.write(file);
    assertThat(Files.readString(file)).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
    assertThat(VerificationKey.read(file)).isEqualTo(key).hasSameHashCodeAs(key);
  }
}
