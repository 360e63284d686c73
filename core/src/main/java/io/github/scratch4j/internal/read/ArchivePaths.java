package io.github.scratch4j.internal.read;

/** Names inside archives, which come from outside and must stay inside. */
final class ArchivePaths {
  private ArchivePaths() {}

  /**
   * The name without leading {@code ./}, duplicate or trailing slashes, or null when it is
   * absolute, has a {@code ..} component, a NUL, or is empty.
   */
  static String normalize(String name) {
    if (name.isEmpty() || name.startsWith("/") || name.indexOf('\0') >= 0) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    for (String part : name.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        return null;
      }
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(part);
    }
    return out.length() == 0 ? "." : out.toString();
  }

  /** A name for a message: NUL shown as {@code \0}, and cut short when long. */
  static String printable(String name) {
    return io.github.scratch4j.internal.tar.TarNames.printable(name, 120);
  }
}
