package io.github.scratch4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Thrown when a Docker daemon cannot be reached or refuses an image. The message names the
 * daemon's socket and says why, in the daemon's own words where it gave any.
 */
public class DaemonException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The daemon's socket; not serialized, as a {@code Path} is not serializable. */
  private final transient Path socket;
  /** What the daemon said, or {@code null} when it said nothing. */
  private final String daemonMessage;

  /**
   * Creates the exception.
   *
   * @param message what failed, naming the socket
   * @param socket the daemon's socket
   * @param daemonMessage the daemon's own error message, or {@code null} when it gave none
   * @param cause the underlying failure, or {@code null}
   */
  public DaemonException(String message, Path socket, String daemonMessage, Throwable cause) {
    super(message, cause);
    this.socket = Objects.requireNonNull(socket, "socket");
    this.daemonMessage = daemonMessage;
  }

  /**
   * The socket of the daemon that failed.
   *
   * @return the socket's path
   */
  public Path socket() {
    return socket;
  }

  /**
   * What the daemon itself said, if it answered with an error.
   *
   * @return the daemon's message, or empty when it gave none (it could not be reached, or closed
   *     the connection)
   */
  public Optional<String> daemonMessage() {
    return Optional.ofNullable(daemonMessage);
  }
}
