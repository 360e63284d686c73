package io.github.scratch4j.internal.tar;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes one tar entry's header: a POSIX ustar block, preceded by a pax extended header when a
 * value does not fit ustar (POSIX.1-2008, pax "ustar Interchange Format" and "pax Extended Header").
 *
 * <p>Deterministic by construction: the same entry gives the same bytes on every machine. Names
 * are UTF-8 (but for bytes a name read from a base layer had that were not, which {@link TarNames}
 * keeps); the pax header carries the exact name whenever ustar cannot hold it, or it is not ASCII.
 */
public final class TarHeader {
  /** The size of a tar block. */
  public static final int BLOCK = 512;

  /** Largest value of an 11-digit octal field (size, mtime): 8 GiB - 1. */
  static final long MAX_OCTAL_11 = 077777777777L;
  /** Largest value of a 7-digit octal field (uid, gid, mode, devices). */
  static final long MAX_OCTAL_7 = 07777777L;

  private static final int NAME_LEN = 100;
  private static final int PREFIX_LEN = 155;

  private TarHeader() {}

  /**
   * Everything a header says about an entry.
   *
   * @param name path without a leading slash; directories end with '/'
   * @param linkName symlink or hardlink target, or "" for other types
   * @param mtimeSeconds seconds since the epoch; negative values go to pax
   */
  public record Fields(
      String name,
      TarType type,
      int mode,
      long uid,
      long gid,
      long size,
      long mtimeSeconds,
      String linkName,
      int devMajor,
      int devMinor) {
    /** Refuses {@link TarType#OTHER}, which only a read can find. */
    public Fields {
      if (type == TarType.OTHER) {
        throw new IllegalArgumentException("a tar entry of another type cannot be written: " + name);
      }
    }
  }

  /** Returns the bytes of the header (one block, or more when a pax header is needed). */
  public static byte[] encode(Fields f) {
    return encode(f, false);
  }

  /**
   * The number of bytes {@link #encode(Fields)} returns for {@code f}: one block when ustar holds
   * every field, which is checked without building the header.
   */
  public static int length(Fields f) {
    if (fitsUstar(f.name()) && fitsUstar(f.linkName()) && f.size() <= MAX_OCTAL_11
        && f.uid() <= MAX_OCTAL_7 && f.gid() <= MAX_OCTAL_7
        && f.mtimeSeconds() >= 0 && f.mtimeSeconds() <= MAX_OCTAL_11) {
      return BLOCK;
    }
    return encode(f).length;
  }

  /** Whether a name is printable ASCII of at most 100 characters, which needs neither pax nor a prefix. */
  private static boolean fitsUstar(String name) {
    if (name.length() > NAME_LEN) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  /**
   * The header of a blob whose size is not known until it has been written. When {@code maxSize}
   * fits ustar, it is one block; otherwise a pax header carries the size as a fixed-width
   * zero-padded number, so the placeholder and the final header have the same length whatever the
   * final size.
   */
  public static byte[] encodeBlob(String asciiName, long size, long maxSize, long mtimeSeconds) {
    Fields f = new Fields(asciiName, TarType.FILE, 0644, 0, 0, size, mtimeSeconds, "", 0, 0);
    return encode(f, maxSize > MAX_OCTAL_11);
  }

  private static byte[] encode(Fields f, boolean wideSize) {
    // A name read from a base layer that was not UTF-8 there is written back with its own bytes.
    byte[] nameBytes = TarNames.encode(f.name());
    byte[] linkBytes = TarNames.encode(f.linkName());
    Map<String, String> pax = new LinkedHashMap<>();

    int split = -1;
    boolean nameFits = isAscii(nameBytes);
    if (nameFits && nameBytes.length > NAME_LEN) {
      split = prefixSplit(nameBytes);
      nameFits = split >= 0;
    }
    if (!nameFits) {
      pax.put("path", f.name());
    }
    if (!isAscii(linkBytes) || linkBytes.length > NAME_LEN) {
      pax.put("linkpath", f.linkName());
    }
    if (wideSize) {
      pax.put("size", String.format(java.util.Locale.ROOT, "%020d", f.size()));
    } else if (f.size() > MAX_OCTAL_11) {
      pax.put("size", Long.toString(f.size()));
    }
    if (f.uid() > MAX_OCTAL_7) {
      pax.put("uid", Long.toString(f.uid()));
    }
    if (f.gid() > MAX_OCTAL_7) {
      pax.put("gid", Long.toString(f.gid()));
    }
    if (f.mtimeSeconds() < 0 || f.mtimeSeconds() > MAX_OCTAL_11) {
      pax.put("mtime", Long.toString(f.mtimeSeconds()));
    }

    byte[] block = ustar(f, f.type().flag(), nameBytes, split, linkBytes);
    if (pax.isEmpty()) {
      return block;
    }
    byte[] records = paxRecords(pax);
    int padded = padded(records.length);
    String paxName = "PaxHeaders/" + asciiTail(f.name(), NAME_LEN - "PaxHeaders/".length());
    byte[] paxBlock =
        ustar(
            new Fields(
                paxName,
                TarType.FILE,
                0644,
                0,
                0,
                records.length,
                clampMtime(f.mtimeSeconds()),
                "",
                0,
                0),
            (byte) TarType.PAX,
            paxName.getBytes(StandardCharsets.US_ASCII),
            -1,
            new byte[0]);
    byte[] out = new byte[BLOCK + padded + BLOCK];
    System.arraycopy(paxBlock, 0, out, 0, BLOCK);
    System.arraycopy(records, 0, out, BLOCK, records.length);
    System.arraycopy(block, 0, out, BLOCK + padded, BLOCK);
    return out;
  }

  /** Returns {@code n} rounded up to a whole number of blocks. */
  public static long padded(long n) {
    return (n + BLOCK - 1) & -BLOCK;
  }

  /** Returns {@code n} rounded up to a whole number of blocks. */
  public static int padded(int n) {
    return (n + BLOCK - 1) & -BLOCK;
  }

  private static byte[] ustar(Fields f, byte typeFlag, byte[] nameBytes, int split, byte[] linkBytes) {
    byte[] b = new byte[BLOCK];
    if (split >= 0) {
      System.arraycopy(nameBytes, split + 1, b, 0, nameBytes.length - split - 1);
      System.arraycopy(nameBytes, 0, b, 345, split);
    } else {
      // When pax carries the real name, ustar gets an ASCII stand-in that readers ignore.
      byte[] n = nameBytes.length <= NAME_LEN && isAscii(nameBytes)
          ? nameBytes
          : asciiTail(f.name(), NAME_LEN).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(n, 0, b, 0, n.length);
    }
    octal(b, 100, 8, f.mode() & 07777);
    octal(b, 108, 8, Math.min(f.uid(), MAX_OCTAL_7));
    octal(b, 116, 8, Math.min(f.gid(), MAX_OCTAL_7));
    octal(b, 124, 12, Math.min(f.size(), MAX_OCTAL_11));
    octal(b, 136, 12, clampMtime(f.mtimeSeconds()));
    b[156] = typeFlag;
    byte[] link = linkBytes.length <= NAME_LEN && isAscii(linkBytes)
        ? linkBytes
        : asciiTail(f.linkName(), NAME_LEN).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(link, 0, b, 157, link.length);
    // magic "ustar\0" and version "00" (POSIX ustar, not the GNU "ustar  \0" variant).
    byte[] magic = {'u', 's', 't', 'a', 'r', 0, '0', '0'};
    System.arraycopy(magic, 0, b, 257, magic.length);
    // uname and gname stay empty: numeric ids only, so no host user names leak in.
    if (f.type() == TarType.CHAR_DEVICE || f.type() == TarType.BLOCK_DEVICE) {
      octal(b, 329, 8, f.devMajor());
      octal(b, 337, 8, f.devMinor());
    }
    checksum(b);
    return b;
  }

  private static long clampMtime(long seconds) {
    return Math.max(0, Math.min(seconds, MAX_OCTAL_11));
  }

  /** Writes {@code value} as zero-padded octal digits followed by a NUL. */
  private static void octal(byte[] b, int offset, int length, long value) {
    int digits = length - 1;
    long v = value;
    for (int i = offset + digits - 1; i >= offset; i--) {
      b[i] = (byte) ('0' + (v & 7));
      v >>>= 3;
    }
    b[offset + digits] = 0;
  }

  private static void checksum(byte[] b) {
    Arrays.fill(b, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte x : b) {
      sum += x & 0xff;
    }
    // Six octal digits, NUL, space: the form every reader accepts.
    octal(b, 148, 7, sum);
    b[155] = ' ';
  }

  /** Finds a '/' that splits the name into prefix (<=155) and name (<=100), or -1. */
  private static int prefixSplit(byte[] name) {
    int limit = Math.min(PREFIX_LEN, name.length - 1);
    for (int i = limit; i > 0; i--) {
      if (name[i] == '/' && name.length - i - 1 <= NAME_LEN && name.length - i - 1 > 0) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isAscii(byte[] bytes) {
    for (byte x : bytes) {
      if (x < 0x20 || x >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** The last {@code max} characters of the name with anything but printable ASCII as '_'. */
  private static String asciiTail(String name, int max) {
    StringBuilder s = new StringBuilder();
    name.codePoints().forEach(c -> s.append(c >= 0x20 && c < 0x7f ? (char) c : '_'));
    return s.length() <= max ? s.toString() : s.substring(s.length() - max);
  }

  /**
   * Encodes pax records, each "LEN key=value\n" where LEN counts the whole record including its
   * own digits (POSIX.1-2008, pax, "pax Extended Header").
   */
  static byte[] paxRecords(Map<String, String> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Map.Entry<String, String> r : records.entrySet()) {
      ByteArrayOutputStream record = new ByteArrayOutputStream();
      record.writeBytes((" " + r.getKey() + "=").getBytes(StandardCharsets.UTF_8));
      record.writeBytes(TarNames.encode(r.getValue()));
      record.write('\n');
      byte[] body = record.toByteArray();
      int len = body.length + 1;
      while (Integer.toString(len).length() + body.length != len) {
        len = Integer.toString(len).length() + body.length;
      }
      out.writeBytes(Integer.toString(len).getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(body);
    }
    return out.toByteArray();
  }
}
