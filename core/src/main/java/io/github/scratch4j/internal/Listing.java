package io.github.scratch4j.internal;

import io.github.scratch4j.DirectoryEntry;
import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.HardlinkEntry;
import io.github.scratch4j.SpecialFileEntry;
import io.github.scratch4j.SymlinkEntry;
import io.github.scratch4j.Whiteout;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** File systems as {@code ls -l} shows them: one line per entry, its type, mode, owner and size. */
public final class Listing {
  private Listing() {}

  /** One line per entry, in the order given. */
  public static List<String> of(Collection<Entry> entries) {
    List<String> lines = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      lines.add(line(e));
    }
    return List.copyOf(lines);
  }

  /** {@code -rwxr-xr-x 0:0 165 /hello}, {@code lrwxrwxrwx 0:0 /bin -> usr/bin}, and so on. */
  public static String line(Entry e) {
    String owner = e.uid() + ":" + e.gid();
    if (e instanceof FileEntry f) {
      return "-" + permissions(f.mode()) + " " + owner + " " + f.source().size() + " " + f.path();
    }
    if (e instanceof DirectoryEntry d) {
      return "d" + permissions(d.mode()) + " " + owner + " " + d.path() + "/";
    }
    if (e instanceof SymlinkEntry s) {
      return "l" + permissions(s.mode()) + " " + owner + " " + s.path() + " -> " + s.target();
    }
    if (e instanceof HardlinkEntry h) {
      return "h" + permissions(h.mode()) + " " + owner + " " + h.path() + " (hard link to " + h.target() + ")";
    }
    if (e instanceof SpecialFileEntry s) {
      char type = switch (s.kind()) {
        case FIFO -> 'p';
        case CHARACTER_DEVICE -> 'c';
        case BLOCK_DEVICE -> 'b';
      };
      String numbers = s.kind() == SpecialFileEntry.Kind.FIFO ? "" : s.major() + "," + s.minor() + " ";
      return type + permissions(s.mode()) + " " + owner + " " + numbers + s.path();
    }
    Whiteout w = (Whiteout) e;
    return (w.opaque() ? "opaque whiteout " : "whiteout ") + w.path();
  }

  /** {@code rwxr-xr-x}, with setuid, setgid and sticky as {@code ls} shows them. */
  static String permissions(int mode) {
    char[] c = "rwxrwxrwx".toCharArray();
    for (int i = 0; i < 9; i++) {
      if ((mode & (0400 >> i)) == 0) {
        c[i] = '-';
      }
    }
    if ((mode & 04000) != 0) {
      c[2] = c[2] == 'x' ? 's' : 'S';
    }
    if ((mode & 02000) != 0) {
      c[5] = c[5] == 'x' ? 's' : 'S';
    }
    if ((mode & 01000) != 0) {
      c[8] = c[8] == 'x' ? 't' : 'T';
    }
    return new String(c);
  }
}
