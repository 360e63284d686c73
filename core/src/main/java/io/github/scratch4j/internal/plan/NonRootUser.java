package io.github.scratch4j.internal.plan;

import io.github.scratch4j.DirectoryEntry;
import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.Layer;
import io.github.scratch4j.Source;
import io.github.scratch4j.internal.Timestamps;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A user of its own for an image's process, in distroless's shape: a line in {@code /etc/passwd}
 * ({@code nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin}), a group of the same name
 * and number in {@code /etc/group}, and a home directory owned by the user with mode {@code 0700}
 * (distroless's {@code common/BUILD.bazel} makes {@code /home/nonroot} so).
 *
 * <p>Files the image already has are merged, never replaced: their bytes are kept and only what is
 * missing is appended, at the path their links lead to. An image without them gets new ones that
 * also name {@code root}, so that {@code docker exec -u root} and tools that look up uid 0 still
 * find it. A name, uid or gid the image's files give to anyone else is refused before anything is
 * written.
 */
public final class NonRootUser {
  /** Where runc and the C libraries look up users (passwd(5)). */
  public static final String PASSWD = "/etc/passwd";
  /** Where runc and the C libraries look up groups (group(5)). */
  public static final String GROUP = "/etc/group";
  /** distroless's user: its name and its uid and gid. */
  public static final String DEFAULT_NAME = "nonroot";
  /** distroless's uid and gid for {@link #DEFAULT_NAME}. */
  public static final int DEFAULT_ID = 65532;

  /**
   * shadow's useradd default NAME_REGEX without the trailing {@code $} it allows for Samba machine
   * accounts; 32 characters at most, as useradd limits them (utmp's ut_user).
   */
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
  private static final String SHELL = "/sbin/nologin";

  private final String name;
  private final int id;

  /**
   * The user {@code name} with uid and gid {@code id}.
   *
   * @throws IllegalArgumentException if the name is not a valid user name or the id is 0 (root)
   *     or negative
   */
  public NonRootUser(String name, int id) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a valid user name: " + (name == null ? "null" : "'" + name + "'")
          + " (a lower-case letter or _, then lower-case letters, digits, _ or -, at most 32 in all)");
    }
    if (id < 1) {
      throw new IllegalArgumentException("the uid of a non-root user must be 1 to " + Integer.MAX_VALUE + ", not "
          + id);
    }
    this.name = name;
    this.id = id;
  }

  /** The configuration's {@code User}: the uid, which Kubernetes' runAsNonRoot can check without the files. */
  public String configUser() {
    return Integer.toString(id);
  }

  /** The user's line of {@code /etc/passwd}, without its newline. */
  String passwdLine() {
    return name + ":x:" + id + ":" + id + ":" + name + ":" + home() + ":" + SHELL;
  }

  /** The user's group's line of {@code /etc/group}, without its newline. */
  String groupLine() {
    return name + ":x:" + id + ":";
  }

  private String home() {
    return "/home/" + name;
  }

  /**
   * Adds what the image lacks of the user to the layer {@code builder} builds, reading the files
   * the image has through {@code places} (which must see the layers below and the builder's own
   * entries).
   *
   * @return the builder to go on with (the same one, or a new one holding the same entries and the
   *     user's)
   * @throws IllegalStateException if the image's files give the name, uid or gid to another
   *     entry, naming the file and the line; or if what is at one of the paths is not a file
   * @throws io.github.scratch4j.InvalidEntryException if the image's links on the way loop
   * @throws java.io.UncheckedIOException if a file of the image cannot be read
   */
  public Layer.Builder addTo(Layer.Builder builder, LinkResolver places) {
    LayerEdits.Found passwd = LayerEdits.file(places, PASSWD);
    LayerEdits.Found group = LayerEdits.file(places, GROUP);
    byte[] passwdBytes = passwd.file().map(f -> LayerEdits.read(f, PASSWD)).orElse(null);
    byte[] groupBytes = group.file().map(f -> LayerEdits.read(f, GROUP)).orElse(null);
    boolean hasUser = passwdBytes != null && hasUser(passwdBytes, passwd.at());
    boolean hasGroup = groupBytes != null && hasGroup(groupBytes, group.at());

    Optional<Entry> home = Optional.empty();
    if (!hasUser) {
      String at = places.directory(home());
      Entry there = places.entry(at);
      if (there == null) {
        home = Optional.of(new DirectoryEntry(at, 0700, id, id, Timestamps.reproducible()));
      } else if (!(there instanceof DirectoryEntry)) {
        throw new IllegalStateException("cannot add the user " + name + ": its home directory " + home()
            + LayerEdits.where(home(), at) + " is a file in the image, not a directory");
      }
    }

    Layer.Builder b = builder;
    if (!hasUser) {
      b = LayerEdits.put(b, merged(passwd, passwdBytes, "root:x:0:0:root:/root:" + SHELL, passwdLine()));
    }
    if (!hasGroup) {
      b = LayerEdits.put(b, merged(group, groupBytes, "root:x:0:", groupLine()));
    }
    if (home.isPresent()) {
      b = b.add(home.get());
    }
    return b;
  }

  /**
   * The file with {@code line} appended to what the image has, keeping its attributes; or, where
   * it has none, a new file of {@code rootLine} and {@code line}, mode 0644, owned by root.
   */
  private static FileEntry merged(LayerEdits.Found found, byte[] existing, String rootLine, String line) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (existing == null) {
      out.writeBytes((rootLine + "\n").getBytes(StandardCharsets.UTF_8));
    } else {
      out.writeBytes(existing);
      if (existing.length > 0 && existing[existing.length - 1] != '\n') {
        out.write('\n');
      }
    }
    out.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
    Source content = Source.of(out.toByteArray());
    return found.file()
        .map(f -> new FileEntry(found.at(), content, f.mode(), f.uid(), f.gid(), Timestamps.reproducible()))
        .orElseGet(() -> new FileEntry(found.at(), content, 0644, 0, 0, Timestamps.reproducible()));
  }

  /**
   * Whether {@code passwd} has this user's line already: the same name, uid and gid.
   *
   * @throws IllegalStateException if a line gives the name or the uid to another entry
   */
  private boolean hasUser(byte[] passwd, String at) {
    boolean found = false;
    Lines lines = new Lines(passwd);
    for (int n = 1; lines.hasNext(); n++) {
      String line = lines.next();
      String lineName = firstField(line);
      List<Accounts.User> parsed = Accounts.users(line);
      Optional<Accounts.User> u = parsed.isEmpty() ? Optional.empty() : Optional.of(parsed.get(0));
      boolean same = u.isPresent() && u.get().name().equals(name) && u.get().uid() == id && u.get().gid() == id;
      if (same) {
        found = true;
      } else if (name.equals(lineName)) {
        throw conflict(PASSWD, at, n, line, "the name " + name + " is already "
            + u.map(x -> "uid " + x.uid() + " with gid " + x.gid()).orElse("taken by a line without numeric ids"));
      } else if (u.isPresent() && u.get().uid() == id) {
        throw conflict(PASSWD, at, n, line, "the uid " + id + " is already " + u.get().name() + "'s");
      }
    }
    return found;
  }

  /**
   * Whether {@code group} has this user's group already: the same name and gid.
   *
   * @throws IllegalStateException if a line gives the name or the gid to another group
   */
  private boolean hasGroup(byte[] group, String at) {
    boolean found = false;
    Lines lines = new Lines(group);
    for (int n = 1; lines.hasNext(); n++) {
      String line = lines.next();
      String lineName = firstField(line);
      List<Accounts.Group> parsed = Accounts.groups(line);
      Optional<Accounts.Group> g = parsed.isEmpty() ? Optional.empty() : Optional.of(parsed.get(0));
      boolean same = g.isPresent() && g.get().name().equals(name) && g.get().gid() == id;
      if (same) {
        found = true;
      } else if (name.equals(lineName)) {
        throw conflict(GROUP, at, n, line, "the group " + name + " already "
            + g.map(x -> "has the gid " + x.gid()).orElse("has a line without a numeric gid"));
      } else if (g.isPresent() && g.get().gid() == id) {
        throw conflict(GROUP, at, n, line, "the gid " + id + " is already the group " + g.get().name() + "'s");
      }
    }
    return found;
  }

  private IllegalStateException conflict(String file, String at, int lineNumber, String line, String why) {
    String shown = line.length() > 200 ? line.substring(0, 200) + "..." : line;
    return new IllegalStateException("cannot add the user " + name + " (uid and gid " + id + "): " + why
        + " in the image's " + file + LayerEdits.where(file, at) + ", line " + lineNumber + ": '" + shown
        + "'; nothing was added. Choose another name and uid, or set the image's user to the existing one");
  }

  /** The first field of a line, or null for a blank or comment line (which runc skips). */
  private static String firstField(String line) {
    String l = line.strip();
    if (l.isEmpty() || l.startsWith("#")) {
      return null;
    }
    int colon = l.indexOf(':');
    return colon < 0 ? l : l.substring(0, colon);
  }

  /**
   * The lines of an account file, each byte a char (ISO 8859-1), so that a name in another
   * encoding still compares as unequal and is shown as it is.
   */
  private static final class Lines {
    private final String text;
    private int from;

    Lines(byte[] content) {
      this.text = new String(content, StandardCharsets.ISO_8859_1);
    }

    boolean hasNext() {
      return from < text.length();
    }

    String next() {
      int end = text.indexOf('\n', from);
      end = end < 0 ? text.length() : end;
      String line = text.substring(from, end);
      from = end + 1;
      return line;
    }
  }
}
