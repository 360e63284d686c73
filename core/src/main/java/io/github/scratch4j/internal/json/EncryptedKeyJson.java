package io.github.scratch4j.internal.json;

import java.util.Base64;

/**
 * The body of cosign's encrypted private key PEM: go-securesystemslib's {@code encrypted} JSON
 * ({@code encrypted/encrypted.go}, type {@code data}), in its field order, byte arrays as standard
 * base64 as Go's encoding/json writes them.
 */
public final class EncryptedKeyJson {
  private EncryptedKeyJson() {}

  /** {@code {"kdf":{"name":"scrypt","params":{"N":..,"r":..,"p":..},"salt":..},"cipher":{"name":"nacl/secretbox","nonce":..},"ciphertext":..}}. */
  public static byte[] write(int n, int r, int p, byte[] salt, byte[] nonce, byte[] ciphertext) {
    Base64.Encoder b64 = Base64.getEncoder();
    JsonWriter w = new JsonWriter();
    w.writeStartObject();
    w.writeObjectFieldStart("kdf");
    w.writeStringField("name", "scrypt");
    w.writeObjectFieldStart("params");
    w.writeNumberField("N", n);
    w.writeNumberField("r", r);
    w.writeNumberField("p", p);
    w.writeEndObject();
    w.writeStringField("salt", b64.encodeToString(salt));
    w.writeEndObject();
    w.writeObjectFieldStart("cipher");
    w.writeStringField("name", "nacl/secretbox");
    w.writeStringField("nonce", b64.encodeToString(nonce));
    w.writeEndObject();
    w.writeStringField("ciphertext", b64.encodeToString(ciphertext));
    w.writeEndObject();
    return w.toByteArray();
  }
}
