package io.github.scratch4j;

/**
 * A check made before an image is written, which refuses an image that could not start or that
 * holds what a container would never see. Every check is on by default; {@link Image#without}
 * turns one off for an image that is meant to be that way.
 */
public enum ImageCheck {
  /**
   * A dynamically linked ELF executable the image adds (or its entrypoint) has its program
   * interpreter and libraries in the image, and a {@code #!} script its interpreter.
   */
  DEPENDENCIES,
  /**
   * The program the container starts, the first word of the entrypoint (else of the command), is
   * found as the runtime looks it up (an absolute path; a relative one from the working directory;
   * a bare name through the image's {@code PATH}), links followed inside the image; it is a regular
   * file, not a command line in one string, and the image's user may execute it and search every
   * directory on its way. A working directory the image lacks is created instead, as Docker does.
   */
  ENTRYPOINT,
  /**
   * A named user or group in the configuration's {@code User} is in the image's
   * {@code /etc/passwd} or {@code /etc/group}; numeric ids must be in range.
   */
  USER,
  /**
   * Every ELF executable the image adds, and its entrypoint, is built for the image's architecture:
   * the one set with {@link Image#platform}, else the base image's, else the entrypoint's.
   */
  PLATFORM,
  /**
   * The image adds nothing where the runtime mounts its own: under {@code /proc}, {@code /sys} or
   * {@code /dev}, or at {@code /etc/hosts}, {@code /etc/resolv.conf} or {@code /etc/hostname}.
   */
  RUNTIME_PATHS,
  /**
   * An image with no layers, no entrypoint and no command is not written: it is what
   * {@code Image.fromScratch()} gives when the images returned by {@code add} and
   * {@code entrypoint} were ignored.
   */
  EMPTY
}
