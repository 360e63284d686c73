package io.github.scratch4j;

import java.io.IOException;
import java.util.Objects;

/**
 * Thrown when an image has no signature that a key verifies for it. {@link #reason()} says which
 * check failed; the message names the image and what each signature found gave.
 */
public class SignatureVerificationException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Which check failed, for the signature that came closest. */
  public enum Reason {
    /** The image has no cosign signature at all. */
    NO_SIGNATURE,
    /** No signature verifies with the key (another key's, or altered bytes). */
    BAD_SIGNATURE,
    /** A signature verifies, but its payload names another manifest digest. */
    DIGEST_MISMATCH,
    /** A signature verifies and names the manifest, but for another repository. */
    IDENTITY_MISMATCH
  }

  /** Which check failed. */
  private final Reason reason;

  /**
   * Creates an exception for a failed check.
   *
   * @param reason which check failed
   * @param message the image and what each signature gave
   */
  public SignatureVerificationException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * Which check failed.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }
}
