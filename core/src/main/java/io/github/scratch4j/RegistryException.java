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

  private final int status;

  /** A failure with the HTTP status the registry answered, or -1 when it gave none. */
  public RegistryException(String message, int status) {
    super(message);
    this.status = status;
  }

  /** A failure without an HTTP status, with its cause. */
  public RegistryException(String message, Throwable cause) {
    super(message, cause);
    this.status = -1;
  }

  /** The HTTP status the registry answered, when it answered at all. */
  public OptionalInt status() {
    return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }
}
