package io.github.scratch4j.internal;

import io.github.scratch4j.InvalidEntryException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/** Normalizes and orders the paths of layer entries. */
public final class EntryPaths {
  /** Longest path a Linux system call accepts, without its NUL (PATH_MAX 4096). */
  public static final int MAX_PATH_BYTES = 4095;
  /** Longest file name component on Linux file systems (NAME_MAX). */
  public static final int MAX_NAME_BYTES = 255;

  /**
   * Orders paths component by component, so that a directory sorts directly before its contents
   * ({@code /a}, {@code /a/b}, {@code /a-b}), which is the order extraction needs.
   */
  public static final Comparator<String> ORDER = EntryPaths::compare;

  private EntryPaths() {}

  /**
   * Returns the path as {@code /a/b}: leading slash, no empty or {@code .} components, no trailing
   * slash. Rejects empty paths, the root itself, {@code ..} components, NUL characters and paths
   * longer than Linux accepts.
   */
  public static String normalize(String path) {
    return isNormal(path) ? path : normalizeFully(path);
  }

  /** {@link #normalize} without the fast path for paths that are already normal. */
  static String normalizeFully(String path) {
    if (path.isEmpty()) {
      throw new InvalidEntryException("entry path is empty");
    }
    if (path.indexOf('\0') >= 0) {
      throw new InvalidEntryException("entry path contains a NUL character: '" + printable(path) + "'");
    }
    StringBuilder out = new StringBuilder(path.length() + 1);
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new InvalidEntryException(
            "entry path '" + path + "' contains '..': entry paths must stay inside the image root");
      }
      if (part.startsWith(".wh.")) {
        throw new InvalidEntryException(
            "entry path '" + path + "' has a name starting with '.wh.', which OCI layers reserve"
                + " for whiteouts; use Whiteout to delete a path");
      }
      if (part.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
        throw new InvalidEntryException(
            "entry path '" + path + "' has a component longer than " + MAX_NAME_BYTES + " bytes");
      }
      out.append('/').append(part);
    }
    if (out.length() == 0) {
      throw new InvalidEntryException("entry path '" + path + "' is the image root itself");
    }
    String normalized = out.toString();
    if (normalized.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw new InvalidEntryException(
          "entry path is longer than " + MAX_PATH_BYTES + " bytes: '" + normalized.substring(0, 64) + "...'");
    }
    return normalized;
  }

  /**
   * Whether {@link #normalize} would return {@code path} unchanged, checked in one pass without
   * allocating (a tree walk normalizes every path it makes). Anything unusual, such as a
   * surrogate or a reserved name, is left to the full check.
   */
  private static boolean isNormal(String path) {
    int n = path.length();
    if (n < 2 || n > MAX_PATH_BYTES || path.charAt(0) != '/') {
      return false;
    }
    int total = 0;
    int start = 1;
    int bytes = 0;
    for (int i = 1; i <= n; i++) {
      char c = i < n ? path.charAt(i) : '/';
      if (c == '/') {
        int len = i - start;
        if (len == 0 || bytes > MAX_NAME_BYTES
            || (path.charAt(start) == '.' && (len <= 2 && (len == 1 || path.charAt(start + 1) == '.')
                || path.startsWith(".wh.", start)))) {
          return false;
        }
        total += bytes + 1;
        start = i + 1;
        bytes = 0;
      } else if (c < 0x80) {
        if (c == 0) {
          return false;
        }
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isSurrogate(c)) {
        return false;
      } else {
        bytes += 3;
      }
    }
    return total <= MAX_PATH_BYTES;
  }

  /** The parent of a normalized path, or "" for a top-level entry. */
  public static String parent(String normalized) {
    return normalized.substring(0, normalized.lastIndexOf('/'));
  }

  /** The last component of a normalized path. */
  public static String fileName(String normalized) {
    return normalized.substring(normalized.lastIndexOf('/') + 1);
  }

  /** The prefix of whiteout file names (OCI image-spec, layer.md, "Whiteouts"). */
  public static final String WHITEOUT_PREFIX = ".wh.";
  /** The name of the opaque whiteout marker inside a directory. */
  public static final String OPAQUE_MARKER = ".wh..wh..opq";

  /**
   * The path an entry occupies in a layer's tar: its own path, or for a whiteout the marker file
   * that stands for it ({@code /a/.wh.b} deletes {@code /a/b}; {@code /a/.wh..wh..opq} makes
   * {@code /a} opaque).
   */
  public static String key(io.github.scratch4j.Entry entry) {
    if (entry instanceof io.github.scratch4j.Whiteout w) {
      return w.opaque()
          ? w.path() + "/" + OPAQUE_MARKER
          : parent(w.path()) + "/" + WHITEOUT_PREFIX + fileName(w.path());
    }
    return entry.path();
  }

  /**
   * Returns the entries sorted by {@link #key} in {@link #ORDER}. Each key is turned once into a
   * string whose plain {@code String} order is that order, so sorting n entries costs n small
   * allocations and n log n intrinsic string comparisons rather than n log n walks through
   * components (measured on a 10,000-file layer).
   */
  public static java.util.List<io.github.scratch4j.Entry> sorted(
      java.util.Collection<? extends io.github.scratch4j.Entry> entries) {
    Keyed[] keyed = new Keyed[entries.size()];
    int i = 0;
    for (io.github.scratch4j.Entry e : entries) {
      keyed[i++] = new Keyed(sortKey(key(e)), e);
    }
    java.util.Arrays.sort(keyed);
    java.util.List<io.github.scratch4j.Entry> out = new java.util.ArrayList<>(keyed.length);
    for (Keyed k : keyed) {
      out.add(k.entry);
    }
    return out;
  }

  private record Keyed(String key, io.github.scratch4j.Entry entry) implements Comparable<Keyed> {
    @Override
    public int compareTo(Keyed o) {
      return key.compareTo(o.key);
    }
  }

  /**
   * A string that sorts, by {@link String#compareTo}, as {@code path} does in {@link #ORDER}: each
   * component becomes NUL, a rank character ({@code \1} opaque marker, {@code \2} whiteout,
   * {@code \3} other) and its name. NUL is below every character a name may hold, so a component
   * sorts before any longer one it begins, as in the component comparison.
   */
  static String sortKey(String path) {
    StringBuilder s = new StringBuilder(path.length() + 16);
    int i = 1;
    int n = path.length();
    while (i <= n) {
      int end = path.indexOf('/', i);
      end = end < 0 ? n : end;
      s.append('\0').append((char) (1 + rank(path, i, end))).append(path, i, end);
      i = end + 1;
    }
    return s.toString();
  }

  /**
   * Compares component by component; within one directory, the opaque marker comes first, then
   * other whiteouts, then everything else by name, as OCI layer.md asks whiteouts to precede their
   * siblings.
   */
  private static int compare(String a, String b) {
    // Component by component, without allocating: this runs n log n times for a layer of n files.
    // The components before the first differing character are equal, so start at the component
    // that holds it: sibling paths share most of their length.
    int n = Math.min(a.length(), b.length());
    int k = 0;
    while (k < n && a.charAt(k) == b.charAt(k)) {
      k++;
    }
    if (k == a.length() && k == b.length()) {
      return 0;
    }
    int i = Math.max(1, a.lastIndexOf('/', k - 1) + 1);
    int j = i;
    while (true) {
      boolean aDone = i > a.length();
      boolean bDone = j > b.length();
      if (aDone || bDone) {
        return aDone == bDone ? 0 : aDone ? -1 : 1;
      }
      int ae = a.indexOf('/', i);
      int be = b.indexOf('/', j);
      ae = ae < 0 ? a.length() : ae;
      be = be < 0 ? b.length() : be;
      int c = Integer.compare(rank(a, i, ae), rank(b, j, be));
      if (c == 0) {
        c = compareRegions(a, i, ae, b, j, be);
      }
      if (c != 0) {
        return c;
      }
      i = ae + 1;
      j = be + 1;
    }
  }

  /** As {@link String#compareTo} on {@code a[i, ae)} and {@code b[j, be)}. */
  private static int compareRegions(String a, int i, int ae, String b, int j, int be) {
    int n = Math.min(ae - i, be - j);
    for (int k = 0; k < n; k++) {
      char x = a.charAt(i + k);
      char y = b.charAt(j + k);
      if (x != y) {
        return x - y;
      }
    }
    return (ae - i) - (be - j);
  }

  private static int rank(String s, int from, int to) {
    if (to - from == OPAQUE_MARKER.length() && s.startsWith(OPAQUE_MARKER, from)) {
      return 0;
    }
    return to - from >= WHITEOUT_PREFIX.length() && s.startsWith(WHITEOUT_PREFIX, from) ? 1 : 2;
  }

  private static String printable(String s) {
    return s.replace("\0", "\\0");
  }
}
