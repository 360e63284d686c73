package io.github.scratch4j.internal.sign;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * NaCl's {@code crypto_secretbox} (XSalsa20 and Poly1305, as libsodium's {@code _easy} form lays
 * it out: the 16-byte tag, then the ciphertext). The first 32 bytes of the XSalsa20 key stream are
 * the one-time Poly1305 key; the message is encrypted with the key stream from byte 32 on. From
 * Bouncy Castle, which has both primitives; the JDK has neither.
 */
final class SecretBox {
  static final int KEY = 32;
  static final int NONCE = 24;
  static final int TAG = 16;

  private SecretBox() {}

  static byte[] seal(byte[] key, byte[] nonce, byte[] message) {
    XSalsa20Engine stream = stream(key, nonce);
    byte[] polyKey = keyStream(stream);
    byte[] out = new byte[TAG + message.length];
    stream.processBytes(message, 0, message.length, out, TAG);
    tag(polyKey, out, TAG, message.length, out, 0);
    return out;
  }

  /** The message, or empty when the tag does not match (a wrong key, or altered bytes). */
  static Optional<byte[]> open(byte[] key, byte[] nonce, byte[] box) {
    if (box.length < TAG) {
      return Optional.empty();
    }
    XSalsa20Engine stream = stream(key, nonce);
    byte[] polyKey = keyStream(stream);
    byte[] expected = new byte[TAG];
    tag(polyKey, box, TAG, box.length - TAG, expected, 0);
    if (!MessageDigest.isEqual(expected, Arrays.copyOf(box, TAG))) {
      return Optional.empty();
    }
    byte[] message = new byte[box.length - TAG];
    stream.processBytes(box, TAG, message.length, message, 0);
    return Optional.of(message);
  }

  private static XSalsa20Engine stream(byte[] key, byte[] nonce) {
    if (key.length != KEY || nonce.length != NONCE) {
      throw new IllegalArgumentException("secretbox takes a 32-byte key and a 24-byte nonce");
    }
    XSalsa20Engine e = new XSalsa20Engine();
    e.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
    return e;
  }

  private static byte[] keyStream(XSalsa20Engine stream) {
    byte[] polyKey = new byte[KEY];
    stream.processBytes(new byte[KEY], 0, KEY, polyKey, 0);
    return polyKey;
  }

  private static void tag(byte[] polyKey, byte[] data, int off, int len, byte[] out, int outOff) {
    Poly1305 mac = new Poly1305();
    mac.init(new KeyParameter(polyKey));
    mac.update(data, off, len);
    mac.doFinal(out, outOff);
  }
}
