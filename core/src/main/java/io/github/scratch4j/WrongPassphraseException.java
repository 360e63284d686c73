package io.github.scratch4j;

import java.io.IOException;

/** Thrown when a passphrase does not decrypt an encrypted key file. The message names the file. */
public class WrongPassphraseException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception naming the key file.
   *
   * @param message the file and what did not match
   */
  public WrongPassphraseException(String message) {
    super(message);
  }
}
