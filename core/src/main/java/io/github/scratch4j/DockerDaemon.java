package io.github.scratch4j;

import io.github.scratch4j.internal.daemon.DaemonLoad;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Docker Engine, or podman's Docker-compatible service, reached over its Unix socket: images
 * are loaded into it as {@code docker load} would, without the docker command and without a
 * temporary file (the archive is generated into the request). Making one readies the JDK's
 * Unix-socket support in the background, so that a load soon after starts sooner; no connection
 * is made until a load.
 *
 * <pre>{@code
 * LoadedImages loaded = DockerDaemon.fromEnvironment().load(image.tag("app:test"));
 * }</pre>
 */
public final class DockerDaemon {
  /** Where Docker listens when {@code DOCKER_HOST} is not set. */
  public static final Path DEFAULT_SOCKET = Path.of("/var/run/docker.sock");

  private final Path socket;

  private DockerDaemon(Path socket) {
    this.socket = socket;
    DaemonLoad.prepare();
  }

  /**
   * The daemon that the docker command would use: {@code DOCKER_HOST} when it is a
   * {@code unix://} address, else {@link #DEFAULT_SOCKET}. No connection is made yet.
   *
   * @return the daemon
   * @throws IllegalStateException if {@code DOCKER_HOST} names a daemon that is not reached over a
   *     Unix socket ({@code tcp://}, {@code ssh://}, {@code npipe://}), which this class does not
   *     speak
   */
  public static DockerDaemon fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  static DockerDaemon fromEnvironment(Map<String, String> environment) {
    String host = environment.getOrDefault("DOCKER_HOST", "");
    if (host.isEmpty()) {
      return new DockerDaemon(DEFAULT_SOCKET);
    }
    if (host.startsWith("unix://") && host.length() > "unix://".length()) {
      return new DockerDaemon(Path.of(host.substring("unix://".length())));
    }
    throw new IllegalStateException("DOCKER_HOST=" + host + " is not a unix:// socket; scratch4j loads images only "
        + "over a Unix socket: set DOCKER_HOST=unix:///path/to/docker.sock, or use DockerDaemon.at(socket)");
  }

  /**
   * The daemon listening on the given Unix socket, such as podman's
   * {@code $XDG_RUNTIME_DIR/podman/podman.sock}. No connection is made yet.
   *
   * @param socket the path of the socket
   * @return the daemon
   * @throws NullPointerException if {@code socket} is null
   */
  public static DockerDaemon at(Path socket) {
    return new DockerDaemon(Objects.requireNonNull(socket, "socket"));
  }

  /**
   * The daemon's socket.
   *
   * @return the path of the Unix socket this daemon is reached at
   */
  public Path socket() {
    return socket;
  }

  /**
   * Loads an image, under its tags, as {@code docker load} of its archive would.
   *
   * @param image the image; it is checked and generated as {@link Image#writeTo(java.io.OutputStream)}
   *     does, straight into the request, as the docker-archive side of that archive only (the
   *     {@code manifest.json} a daemon reads), so that each layer goes out as it is read
   * @return the names and IDs the daemon reported
   * @throws ImageCheckException if the image would not run (nothing is sent)
   * @throws DaemonException if the daemon cannot be reached or refuses the archive; the message
   *     names the socket and gives the daemon's own words
   * @throws IOException if a source cannot be read or changes while it is sent
   */
  public LoadedImages load(Image image) throws IOException {
    Objects.requireNonNull(image, "image");
    return DaemonLoad.load(socket, out -> List.of(image.writeForDaemon(out)));
  }

  /**
   * Loads every image of an archive under its tags. Docker 20.10 reads only the
   * {@code manifest.json} side of an archive: of an {@link ImageIndex} it loads the first image.
   *
   * @param archive the images
   * @return the names and IDs the daemon reported
   * @throws ImageCheckException if an image would not run (nothing is sent)
   * @throws DaemonException if the daemon cannot be reached or refuses the archive
   * @throws IOException if a source cannot be read or changes while it is sent
   */
  public LoadedImages load(Archive archive) throws IOException {
    Objects.requireNonNull(archive, "archive");
    return DaemonLoad.load(socket, out -> archive.writeTo(out));
  }

  @Override
  public String toString() {
    return "DockerDaemon[unix://" + socket + "]";
  }
}
