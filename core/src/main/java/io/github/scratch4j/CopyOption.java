package io.github.scratch4j;

/** How files from disk are copied into a layer. */
public enum CopyOption {
  /**
   * Archive what a symbolic link points at instead of the link itself: a file, a directory (and
   * its content), or, with {@link #INCLUDE_SPECIAL_FILES}, a named pipe or device of the target's
   * own type and numbers. A link whose target does not exist is refused. Without it, links are
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
  INCLUDE_SPECIAL_FILES,
  /**
   * Store a file name or link target that is not valid UTF-8 with U+FFFD in place of each invalid
   * byte. Without it such a name is refused, since the names in a layer are UTF-8; with it, two
   * names that become the same are refused as duplicates.
   */
  REPLACE_INVALID_NAMES
}
