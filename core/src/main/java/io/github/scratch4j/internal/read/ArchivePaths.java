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

  /**
   * Where a symbolic link at {@code link} (a normalized name) to {@code target} leads inside the
   * archive, normalized ({@code .} for the root); or null when the target is absolute or climbs
   * above the archive's root.
   */
  static String resolve(String link, String target) {
    if (target.isEmpty() || target.startsWith("/") || target.indexOf('\0') >= 0) {
      return null;
    }
    java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
    int slash = link.lastIndexOf('/');
    if (slash > 0) {
      for (String part : link.substring(0, slash).split("/")) {
        parts.addLast(part);
      }
    }
    for (String part : target.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          return null;
        }
        parts.removeLast();
      } else {
        parts.addLast(part);
      }
    }
    return parts.isEmpty() ? "." : String.join("/", parts);
  }

  /** A name for a message: NUL shown as {@code \0}, bytes that were not UTF-8 as {@code \xNN}, cut short when long. */
  static String printable(String name) {
    return io.github.scratch4j.internal.tar.TarNames.printable(name, 120);
  }
}
