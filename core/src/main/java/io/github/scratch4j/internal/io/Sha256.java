package io.github.scratch4j.internal.io;

import io.github.scratch4j.Digest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers. */
public final class Sha256 {
  private Sha256() {}

  /** A new SHA-256 message digest (every Java platform has one). */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** The digest of the given bytes. */
  public static Digest of(byte[] bytes) {
    return toDigest(newDigest().digest(bytes));
  }

  /** Wraps a raw 32-byte SHA-256 value. */
  public static Digest toDigest(byte[] raw) {
    return new Digest("sha256", HexFormat.of().formatHex(raw));
  }
}
