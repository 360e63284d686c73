package io.github.scratch4j;

/** How files from disk are copied into a layer. */
public enum CopyOption {
  /**
   * Archive the file a symbolic link points at instead of the link itself. Without it, links are
   * archived as links.
   */
  FOLLOW_LINKS,
  /**
   * Keep the exact permission bits, including setuid, setgid and sticky. Without it, files get
   * {@code 0755} when any execute bit is set and {@code 0644} otherwise, and directories
   * {@code 0755}, so that the source's umask does not change the image.
   */
  KEEP_PERMISSIONS,
  /**
   * Archive named pipes and device nodes. Without it they are refused. Sockets are always refused:
   * a tar archive cannot hold them.
   */
  INCLUDE_SPECIAL_FILES
}
