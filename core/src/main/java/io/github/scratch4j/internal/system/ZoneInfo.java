package io.github.scratch4j.internal.system;

import io.github.scratch4j.Entry;
import io.github.scratch4j.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;

/**
 * Time zone data for an image: the compiled zone files (TZif, RFC 8536) of a host's zoneinfo
 * directory, as entries under {@link #IMAGE_DIRECTORY}, where Go's time package, glibc and musl
 * look for the zone {@code TZ} names.
 *
 * <p>Links of the host directory are followed only inside it: a link is resolved component by
 * component, {@code ..} may not climb above the directory, an absolute target counts only when it
 * names a path under the directory, and at most {@value #MAX_LINKS} links are followed (Linux's
 * MAXSYMLINKS). So a link out of the tree (Debian's {@code localtime -> /etc/localtime}) or a
 * loop is never followed.
 */
public final class ZoneInfo {
  /** Where the zones go in the image. */
  public static final String IMAGE_DIRECTORY = "/usr/share/zoneinfo";
  /** Where the host keeps them, on every Linux distribution and macOS. */
  public static final Path HOST_DIRECTORY = Path.of("/usr/share/zoneinfo");
  /** The most links followed for one name. */
  public static final int MAX_LINKS = 40;

  /** The magic number that starts every TZif file (RFC 8536, section 3.1). */
  private static final byte[] MAGIC = {'T', 'Z', 'i', 'f'};

  private final Path root;
  /** The directory as given and as the file system resolves it: absolute link targets may use either. */
  private final List<String> rootNames;

  private ZoneInfo(Path directory) {
    Path absolute = directory.toAbsolutePath().normalize();
    Path real;
    try {
      real = absolute.toRealPath();
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException("no time zone data: " + directory + " does not exist"
          + (directory.equals(HOST_DIRECTORY) ? " (on Debian and Ubuntu, install the package tzdata)" : ""), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the time zone directory " + directory + ": " + e, e);
    }
    if (!Files.isDirectory(real)) {
      throw new UncheckedIOException(new IOException("the time zone directory " + directory + " is not a directory"));
    }
    this.root = real;
    this.rootNames = List.copyOf(new LinkedHashSet<>(List.of(absolute.toString(), real.toString())));
  }

  /**
   * The entries that put {@code zones} of {@code directory} into an image, or, for no zone, the
   * whole directory; each entry's path is under {@link #IMAGE_DIRECTORY}.
   *
   * <p>A named zone becomes a regular file at the zone's path with the zone's content, also when
   * the host has it as a link (as Debian has {@code UTC -> Etc/UTC}). The whole directory keeps
   * the host's links, each rewritten as a relative link to where it leads inside the directory;
   * links that lead out of it, nowhere or round in a loop are left out. Its regular files must be
   * TZif, except for tzdata's text tables beside the zones ({@code *.tab}, {@code tzdata.zi},
   * {@code leapseconds}, {@code leap-seconds.list}, {@code +VERSION}, {@code SECURITY}).
   *
   * @throws IllegalArgumentException if a zone name is empty, absolute or has {@code ..} or
   *     {@code .} components, or the directory has no such zone (naming close ones)
   * @throws UncheckedIOException if the directory or a file in it cannot be read, or a zone file
   *     (of the named ones, or any in the directory) is not TZif
   */
  public static List<Entry> entries(Path directory, List<String> zones) {
    for (String zone : zones) {
      checkName(zone);
    }
    ZoneInfo info = new ZoneInfo(directory);
    return zones.isEmpty() ? info.all() : info.named(new LinkedHashSet<>(zones));
  }

  private static void checkName(String zone) {
    if (zone.isEmpty()) {
      throw new IllegalArgumentException("time zone name '' is empty");
    }
    if (zone.startsWith("/")) {
      throw new IllegalArgumentException("time zone '" + zone + "' is absolute; name it inside the zone directory,"
          + " such as Asia/Tokyo");
    }
    for (String part : zone.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("time zone '" + zone + "' has "
            + (part.isEmpty() ? "an empty component" : "a '" + part + "' component")
            + "; a zone name is a path inside the zone directory, such as Asia/Tokyo");
      }
      if (part.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("time zone '" + zone.replace('\0', '?') + "' has a NUL character");
      }
    }
  }

  private List<Entry> named(Set<String> zones) {
    List<Entry> out = new ArrayList<>();
    for (String zone : zones) {
      Resolved r = resolve(zone);
      if (r.outcome != Outcome.FOUND) {
        throw unknown(zone, r);
      }
      if (r.attributes.isDirectory()) {
        throw new IllegalArgumentException("time zone '" + zone + "' is a directory of zones in " + root
            + ", not a zone; name the zones in it, such as " + zone + "/" + firstZoneIn(r.path));
      }
      if (!r.attributes.isRegularFile()) {
        throw new UncheckedIOException(new IOException("time zone " + zone + " in " + root + " is not a regular file"));
      }
      Path file = host(r.path);
      checkTzif(file, zone);
      out.add(Entry.file(IMAGE_DIRECTORY + "/" + zone, Source.of(file)));
    }
    return out;
  }

  private List<Entry> all() {
    List<Entry> out = new ArrayList<>();
    walk("", out);
    return out;
  }

  /** Adds the entries of the directory {@code rel} ("" for the root), in name order. */
  private void walk(String rel, List<Entry> out) {
    Path dir = host(rel);
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(children::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e, e);
    }
    children.sort(Comparator.comparing(p -> p.getFileName().toString()));
    for (Path child : children) {
      String name = child.getFileName().toString();
      String childRel = rel.isEmpty() ? name : rel + "/" + name;
      BasicFileAttributes a = attributes(child);
      if (a.isSymbolicLink()) {
        Resolved r = resolve(childRel);
        if (r.outcome == Outcome.FOUND && (r.attributes.isRegularFile() || r.attributes.isDirectory())) {
          out.add(Entry.symlink(IMAGE_DIRECTORY + "/" + childRel, relative(rel, r.path)));
        }
      } else if (a.isDirectory()) {
        walk(childRel, out);
      } else if (a.isRegularFile()) {
        if (!(rel.isEmpty() && isTable(name))) {
          checkTzif(child, childRel);
        }
        out.add(Entry.file(IMAGE_DIRECTORY + "/" + childRel, Source.of(child)));
      } else {
        throw new UncheckedIOException(new IOException(child + " in the time zone directory is neither a file, a"
            + " directory nor a symbolic link"));
      }
    }
  }

  /** Whether a top-level file is one of the text tables tzdata installs beside the zones. */
  private static boolean isTable(String name) {
    return name.endsWith(".tab") || name.equals("tzdata.zi") || name.equals("leapseconds")
        || name.equals("leap-seconds.list") || name.equals("+VERSION") || name.equals("SECURITY");
  }

  /** The link target that leads from the directory {@code fromDir} to {@code to}, both relative to the root. */
  static String relative(String fromDir, String to) {
    List<String> from = fromDir.isEmpty() ? List.of() : List.of(fromDir.split("/"));
    List<String> target = to.isEmpty() ? List.of() : List.of(to.split("/"));
    int common = 0;
    while (common < from.size() && common < target.size() && from.get(common).equals(target.get(common))) {
      common++;
    }
    List<String> parts = new ArrayList<>();
    for (int i = common; i < from.size(); i++) {
      parts.add("..");
    }
    parts.addAll(target.subList(common, target.size()));
    return parts.isEmpty() ? "." : String.join("/", parts);
  }

  private enum Outcome { FOUND, MISSING, NOT_A_DIRECTORY, OUTSIDE, LOOP }

  /** Where a name led: the path relative to the root and what is there, or why it led nowhere. */
  private record Resolved(Outcome outcome, String path, BasicFileAttributes attributes, String detail) {}

  /** Follows {@code name} from the root, through links, inside the directory only. */
  private Resolved resolve(String name) {
    Deque<String> todo = new ArrayDeque<>(List.of(name.split("/")));
    List<String> current = new ArrayList<>();
    List<String> followed = new ArrayList<>();
    BasicFileAttributes last = attributes(root);
    while (!todo.isEmpty()) {
      String part = todo.removeFirst();
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (current.isEmpty()) {
          return new Resolved(Outcome.OUTSIDE, null, null, "through " + String.join(", ", followed));
        }
        current.remove(current.size() - 1);
        last = attributes(host(String.join("/", current)));
        continue;
      }
      if (!last.isDirectory()) {
        return new Resolved(Outcome.NOT_A_DIRECTORY, String.join("/", current), null, "");
      }
      current.add(part);
      String rel = String.join("/", current);
      Path p = host(rel);
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return new Resolved(Outcome.MISSING, rel, null, "");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + p + ": " + e, e);
      }
      if (!a.isSymbolicLink()) {
        last = a;
        continue;
      }
      String target;
      try {
        target = Files.readSymbolicLink(p).toString();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the link " + p + ": " + e, e);
      }
      followed.add(rel + " -> " + target);
      if (followed.size() > MAX_LINKS) {
        return new Resolved(Outcome.LOOP, rel, null, String.join(", ", followed.subList(0, 6)) + ", ...");
      }
      current.remove(current.size() - 1);
      String rest = target;
      if (target.startsWith("/")) {
        rest = null;
        for (String rootName : rootNames) {
          if (target.startsWith(rootName + "/") || target.equals(rootName)) {
            rest = target.substring(rootName.length());
            break;
          }
        }
        if (rest == null) {
          return new Resolved(Outcome.OUTSIDE, rel, null, "through " + String.join(", ", followed));
        }
        current.clear();
        last = attributes(root);
      } else {
        last = attributes(host(String.join("/", current)));
      }
      String[] parts = rest.split("/");
      for (int i = parts.length - 1; i >= 0; i--) {
        todo.addFirst(parts[i]);
      }
    }
    return new Resolved(Outcome.FOUND, String.join("/", current), last, "");
  }

  private Path host(String rel) {
    return rel.isEmpty() ? root : root.resolve(rel);
  }

  private static BasicFileAttributes attributes(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p + ": " + e, e);
    }
  }

  /** Refuses a file that does not start with the TZif magic number. */
  private static void checkTzif(Path file, String zone) {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(MAGIC.length);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read time zone " + zone + " (" + file + "): " + e, e);
    }
    if (!java.util.Arrays.equals(head, MAGIC)) {
      throw new UncheckedIOException(new IOException("time zone " + zone + " (" + file + ") is not TZif time zone data:"
          + " it starts with " + printable(head) + " where a zone file starts with \"TZif\" (RFC 8536)"));
    }
  }

  private static String printable(byte[] bytes) {
    if (bytes.length == 0) {
      return "nothing (it is empty)";
    }
    StringBuilder s = new StringBuilder("\"");
    for (byte b : bytes) {
      int c = b & 0xff;
      s.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format(Locale.ROOT, "\\x%02x", c));
    }
    return s.append('"').toString();
  }

  private RuntimeException unknown(String zone, Resolved r) {
    String why = switch (r.outcome) {
      case OUTSIDE -> " leads out of the directory " + r.detail;
      case LOOP -> " goes through more than " + MAX_LINKS + " links, so they loop: " + r.detail;
      case NOT_A_DIRECTORY -> " is not there (" + r.path + " is a file, not a directory)";
      default -> " is not there";
    };
    if (r.outcome == Outcome.OUTSIDE || r.outcome == Outcome.LOOP) {
      return new UncheckedIOException(new IOException("time zone " + zone + " in " + root + why));
    }
    List<String> close = suggestions(zone);
    return new IllegalArgumentException("time zone " + zone + " in " + root + why
        + (close.isEmpty() ? "" : "; did you mean " + String.join(", ", close) + "?"));
  }

  private String firstZoneIn(String rel) {
    List<String> names = zoneNames();
    return names.stream().filter(n -> n.startsWith(rel + "/")).map(n -> n.substring(rel.length() + 1))
        .findFirst().orElse("...");
  }

  /** Up to three zone names of the directory close to {@code zone}, closest first. */
  List<String> suggestions(String zone) {
    String wanted = zone.toLowerCase(Locale.ROOT).replace(' ', '_');
    String wantedLast = wanted.substring(wanted.lastIndexOf('/') + 1);
    int budget = Math.max(1, Math.min(3, wanted.length() / 3));
    TreeMap<String, String> ranked = new TreeMap<>();
    for (String name : zoneNames()) {
      boolean variant = (name.startsWith("posix/") || name.startsWith("right/"))
          && !(wanted.startsWith("posix/") || wanted.startsWith("right/"));
      if (variant) {
        continue;
      }
      String lower = name.toLowerCase(Locale.ROOT);
      String lowerLast = lower.substring(lower.lastIndexOf('/') + 1);
      int rank;
      if (lower.equals(wanted)) {
        rank = 0;
      } else if (lowerLast.equals(wantedLast)) {
        rank = 1;
      } else {
        int d = io.github.scratch4j.internal.EditDistance.of(lower, wanted, budget);
        if (d > budget) {
          continue;
        }
        rank = 1 + d;
      }
      ranked.put(String.format(Locale.ROOT, "%02d %s", rank, name), name);
    }
    return ranked.values().stream().limit(3).toList();
  }

  /** The zone names of the directory (regular files and links, but not the tables), in name order. */
  private List<String> zoneNames() {
    List<String> names = new ArrayList<>();
    collectNames("", names, 0);
    names.sort(Comparator.naturalOrder());
    return names;
  }

  private void collectNames(String rel, List<String> names, int depth) {
    if (depth > 8) {
      return;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(host(rel))) {
      for (Path child : stream) {
        String name = child.getFileName().toString();
        String childRel = rel.isEmpty() ? name : rel + "/" + name;
        BasicFileAttributes a = attributes(child);
        if (a.isDirectory()) {
          collectNames(childRel, names, depth + 1);
        } else if (!(rel.isEmpty() && isTable(name)) && !name.equals("localtime")) {
          names.add(childRel);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + host(rel) + ": " + e, e);
    }
  }
}
