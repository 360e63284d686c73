package io.github.scratch4j.internal.registry;

import java.io.IOException;

/**
 * A request or answer that stalled, ran past its deadline or lost its connection: worth another
 * try, like a connection that failed. The client retries it and, after the last attempt, wraps it
 * in a {@link io.github.scratch4j.RegistryException} naming the registry and the request.
 */
final class TransferException extends IOException {
  private static final long serialVersionUID = 1L;

  TransferException(String message) {
    super(message);
  }

  TransferException(String message, Throwable cause) {
    super(message, cause);
  }
}
