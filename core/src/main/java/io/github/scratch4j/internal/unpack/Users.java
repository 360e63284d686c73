package io.github.scratch4j.internal.unpack;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Resolves an image's user ({@code name}, {@code uid}, {@code name:group}, {@code uid:gid}) to
 * numbers with the image's own {@code /etc/passwd} and {@code /etc/group}, as Docker does: a name
 * must be in them, a number is taken as it is; without a group, the user's primary group from
 * {@code /etc/passwd} (0 for a number it does not list); the groups that list the user as a member
 * are its additional groups.
 */
final class Users {
  /** A resolved user. */
  record Ids(long uid, long gid, List<Long> groups) {}

  private Users() {}

  static Ids resolve(String user, Function<String, Optional<String>> files) {
    if (user.isEmpty()) {
      return new Ids(0, 0, List.of());
    }
    int colon = user.indexOf(':');
    String u = colon < 0 ? user : user.substring(0, colon);
    Optional<String> g = colon < 0 ? Optional.empty() : Optional.of(user.substring(colon + 1));
    List<String[]> passwd = table(files, "/etc/passwd", 7);
    List<String[]> group = table(files, "/etc/group", 4);
    String[] entry = null;
    long uid;
    if (isNumber(u)) {
      uid = Long.parseLong(u);
      for (String[] p : passwd) {
        if (isNumber(p[2]) && Long.parseLong(p[2]) == uid) {
          entry = p;
          break;
        }
      }
    } else {
      for (String[] p : passwd) {
        if (p[0].equals(u)) {
          entry = p;
          break;
        }
      }
      if (entry == null || !isNumber(entry[2])) {
        throw new IllegalStateException("user '" + u + "' is not in the image's /etc/passwd"
            + (passwd.isEmpty() ? " (the image has none)" : ""));
      }
      uid = Long.parseLong(entry[2]);
    }
    long gid;
    if (g.isPresent()) {
      gid = groupId(g.get(), group);
    } else {
      gid = entry != null && isNumber(entry[3]) ? Long.parseLong(entry[3]) : 0;
    }
    List<Long> groups = new ArrayList<>();
    String name = entry != null ? entry[0] : u;
    for (String[] line : group) {
      if (isNumber(line[2]) && List.of(line[3].split(",")).contains(name)) {
        long id = Long.parseLong(line[2]);
        if (id != gid && !groups.contains(id)) {
          groups.add(id);
        }
      }
    }
    return new Ids(uid, gid, List.copyOf(groups));
  }

  private static long groupId(String g, List<String[]> group) {
    if (isNumber(g)) {
      return Long.parseLong(g);
    }
    for (String[] line : group) {
      if (line[0].equals(g) && isNumber(line[2])) {
        return Long.parseLong(line[2]);
      }
    }
    throw new IllegalStateException("group '" + g + "' is not in the image's /etc/group"
        + (group.isEmpty() ? " (the image has none)" : ""));
  }

  /** The file's lines split at colons, those with at least {@code fields} fields (comments and junk skipped). */
  private static List<String[]> table(Function<String, Optional<String>> files, String path, int fields) {
    List<String[]> out = new ArrayList<>();
    for (String line : files.apply(path).orElse("").split("\n")) {
      String[] f = line.split(":", -1);
      if (f.length >= fields && !line.startsWith("#")) {
        out.add(f);
      }
    }
    return out;
  }

  private static boolean isNumber(String s) {
    return !s.isEmpty() && s.length() <= 10 && s.chars().allMatch(c -> c >= '0' && c <= '9')
        && Long.parseLong(s) <= 0xFFFF_FFFEL;
  }
}
