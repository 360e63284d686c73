package io.github.scratch4j;

import java.io.IOException;
import java.util.OptionalInt;

/**
 * Thrown when a registry refuses or fails a request, after any retries. The message names the
 * registry, the request and the registry's own error codes; it never holds credentials or tokens.
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
