package io.github.scratch4j;

import java.io.IOException;
import java.util.OptionalInt;

/**
 * Thrown when a registry refuses or fails a request, after any retries. The message names the
 * registry with its host and port, the request (method and path, without a query string), how
 * many attempts were made, and the cause in words: connection refused, unknown host, a TLS
 * handshake failure with the certificate's subject, a time-out with the time allowed, or the
 * HTTP status with the registry's own error codes and messages. It never holds credentials or
 * tokens.
 */
public class RegistryException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status the registry answered, or -1 when it gave none. */
  private final int status;

  /**
   * A failure with the HTTP status the registry answered, or -1 when it gave none.
   *
   * @param message what failed: the registry, the request, the attempts and the cause in words
   * @param status the HTTP status, or -1 when the registry gave none
   */
  public RegistryException(String message, int status) {
    super(message);
    this.status = status;
  }

  /**
   * A failure without an HTTP status, with its cause.
   *
   * @param message what failed: the registry, the request, the attempts and the cause in words
   * @param cause the failure underneath, such as a connection or TLS error
   */
  public RegistryException(String message, Throwable cause) {
    super(message, cause);
    this.status = -1;
  }

  /**
   * The HTTP status the registry answered, when it answered at all.
   *
   * @return the status, or empty when the failure came before an answer (or from elsewhere, such
   *     as a credential helper)
   */
  public OptionalInt status() {
    return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }
}
