package io.github.scratch4j.internal.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The users and groups of an image's {@code /etc/passwd} and {@code /etc/group}, and the ids a
 * configured {@code User} gives a container's process, decided as runc decides them (its
 * libcontainer/user package, which Docker, Podman and containerd use).
 */
public final class Accounts {
  /** The highest uid or gid runc accepts for a numeric user or group (2^31 - 1). */
  static final long MAX_ID = Integer.MAX_VALUE;

  /** A line of {@code /etc/passwd}: {@code name:password:uid:gid:gecos:home:shell}. */
  public record User(String name, long uid, long gid, String home, String shell) {}

  /** A line of {@code /etc/group}: {@code name:password:gid:member,member}. */
  public record Group(String name, long gid, List<String> members) {}

  /** The ids a process gets: uid, primary gid, supplementary gids, and the user's name if it has one. */
  public record Ids(long uid, long gid, List<Long> supplementary, Optional<String> name) {}

  /** Why a configured user cannot be resolved, as runc would refuse it. */
  public static final class UnknownUserException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean group;
    private final String name;
    private final boolean fileMissing;
    private final boolean outOfRange;

    UnknownUserException(String message, boolean group, String name, boolean fileMissing, boolean outOfRange) {
      super(message);
      this.group = group;
      this.name = name;
      this.fileMissing = fileMissing;
      this.outOfRange = outOfRange;
    }

    /** Whether the group part of the user, not the user, is what cannot be found. */
    public boolean isGroup() {
      return group;
    }

    /** The user or group name, or the id out of range. */
    public String name() {
      return name;
    }

    /** Whether the image has no /etc/passwd (or /etc/group) at all. */
    public boolean fileMissing() {
      return fileMissing;
    }

    /** Whether a numeric id is out of range rather than a name unknown. */
    public boolean outOfRange() {
      return outOfRange;
    }
  }

  private Accounts() {}

  /** The users of a passwd file's text; blank lines, comments and lines without numeric ids are skipped. */
  public static List<User> users(String passwd) {
    List<User> out = new ArrayList<>();
    for (String line : passwd.split("\n", -1)) {
      String[] f = fields(line, 7);
      if (f == null) {
        continue;
      }
      Optional<Long> uid = id(f[2]);
      Optional<Long> gid = id(f[3]);
      if (uid.isPresent() && gid.isPresent()) {
        out.add(new User(f[0], uid.get(), gid.get(), f[5], f[6]));
      }
    }
    return out;
  }

  /** The groups of a group file's text; blank lines, comments and lines without a numeric gid are skipped. */
  public static List<Group> groups(String group) {
    List<Group> out = new ArrayList<>();
    for (String line : group.split("\n", -1)) {
      String[] f = fields(line, 4);
      if (f == null) {
        continue;
      }
      Optional<Long> gid = id(f[2]);
      if (gid.isEmpty()) {
        continue;
      }
      List<String> members = new ArrayList<>();
      for (String m : f[3].split(",")) {
        if (!m.isBlank()) {
          members.add(m.strip());
        }
      }
      out.add(new Group(f[0], gid.get(), List.copyOf(members)));
    }
    return out;
  }

  /**
   * The ids of {@code spec} ({@code user}, {@code uid}, {@code user:group}, {@code uid:gid}; empty
   * for root). A numeric user or group need not be in the files; a name must be. Without an
   * explicit group, the user's own gid applies and the groups that list the user are
   * supplementary.
   *
   * @param passwd the image's /etc/passwd, if it has one
   * @param group the image's /etc/group, if it has one
   */
  public static Ids resolve(String spec, Optional<String> passwd, Optional<String> group)
      throws UnknownUserException {
    int colon = spec.indexOf(':');
    String userPart = colon < 0 ? spec : spec.substring(0, colon);
    String groupPart = colon < 0 ? "" : spec.substring(colon + 1);
    Optional<Long> uidArg = id(userPart);
    Optional<Long> gidArg = id(groupPart);
    List<User> users = passwd.map(Accounts::users).orElse(List.of());

    long uid = 0;
    long gid = 0;
    Optional<String> name = Optional.empty();
    Optional<User> match = users.stream()
        .filter(u -> userPart.isEmpty() ? u.uid() == 0 : uidArg.map(x -> u.uid() == x).orElse(u.name().equals(userPart)))
        .findFirst();
    if (match.isPresent()) {
      uid = match.get().uid();
      gid = match.get().gid();
      name = Optional.of(match.get().name());
    } else if (!userPart.isEmpty()) {
      if (uidArg.isEmpty()) {
        throw new UnknownUserException("the user " + userPart + " is not in "
            + (passwd.isPresent() ? "the image's /etc/passwd" : "the image, which has no /etc/passwd"), false, userPart,
            passwd.isEmpty(), false);
      }
      uid = uidArg.get();
      checkRange("uid", userPart, uid);
    }

    List<Long> supplementary = List.of();
    if (!groupPart.isEmpty() || name.isPresent()) {
      List<Group> groups = group.map(Accounts::groups).orElse(List.of());
      if (!groupPart.isEmpty()) {
        Optional<Group> g = groups.stream()
            .filter(x -> gidArg.map(n -> x.gid() == n).orElse(x.name().equals(groupPart)))
            .findFirst();
        if (g.isPresent()) {
          gid = g.get().gid();
        } else if (gidArg.isPresent()) {
          gid = gidArg.get();
          checkRange("gid", groupPart, gid);
        } else {
          throw new UnknownUserException("the group " + groupPart + " is not in "
              + (group.isPresent() ? "the image's /etc/group" : "the image, which has no /etc/group"), true, groupPart,
              group.isEmpty(), false);
        }
      } else {
        String member = name.get();
        List<Long> s = new ArrayList<>();
        for (Group g : groups) {
          if (g.members().contains(member)) {
            s.add(g.gid());
          }
        }
        supplementary = List.copyOf(s);
      }
    }
    return new Ids(uid, gid, supplementary, name);
  }

  private static void checkRange(String what, String text, long value) throws UnknownUserException {
    if (value > MAX_ID) {
      throw new UnknownUserException("the " + what + " " + text + " is out of range (0 to " + MAX_ID + ")",
          what.equals("gid"), text, false, true);
    }
  }

  /** The line's fields, padded to {@code n}, or null for a blank or comment line. */
  private static String[] fields(String line, int n) {
    String l = line.strip();
    if (l.isEmpty() || l.startsWith("#")) {
      return null;
    }
    String[] parts = l.split(":", -1);
    String[] f = new String[n];
    for (int i = 0; i < n; i++) {
      f[i] = i < parts.length ? parts[i] : "";
    }
    return f;
  }

  /** A decimal id of at most 10 digits, or empty. */
  static Optional<Long> id(String text) {
    if (text.isEmpty() || text.length() > 10) {
      return Optional.empty();
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return Optional.empty();
      }
    }
    return Optional.of(Long.parseLong(text));
  }
}
