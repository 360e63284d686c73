package io.github.scratch4j.internal.tar;

import io.github.scratch4j.ImageFormatException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a tar stream defensively: every header's checksum is verified, pax and GNU long-name
 * headers are capped before anything is allocated, numbers are checked for overflow, and a stream
 * that ends before its end-of-archive blocks is an error, not an empty or short archive. Reads
 * POSIX ustar/pax, GNU and v7 headers (POSIX.1-2008, pax, "ustar Interchange Format" and "pax
 * Header Block"; GNU tar manual, "Basic Tar Format"). Content is streamed, never buffered.
 */
public final class TarReader implements Closeable {
  private static final int BLOCK = 512;

  /**
   * Caps on what a header can make the reader hold.
   *
   * @param maxPaxHeaderBytes largest pax extended header accepted
   * @param maxLongNameBytes largest GNU long name or long link accepted
   * @param maxEntries most entries accepted
   * @param requireEndMarker whether a stream must end with the zero blocks; a caller that checks
   *     the stream's digest and size itself may accept one without
   */
  public record Limits(int maxPaxHeaderBytes, int maxLongNameBytes, long maxEntries, boolean requireEndMarker) {
    /** 1 MiB pax headers, 64 KiB GNU long-name headers, ten million entries, end marker required. */
    public static Limits defaults() {
      return new Limits(1 << 20, 64 << 10, 10_000_000, true);
    }

    /** A copy that accepts at most {@code n} entries. */
    public Limits withMaxEntries(long n) {
      return new Limits(maxPaxHeaderBytes, maxLongNameBytes, n, requireEndMarker);
    }
  }

  /**
   * The longest name or link target accepted, in bytes: a path Linux accepts (PATH_MAX, 4096 with
   * its NUL) plus a leading {@code ./} and a trailing {@code /}, as tar writers add. Checked before
   * a name is decoded or looked at, so that no later step spends more than this per entry.
   */
  public static final int MAX_NAME_BYTES = 4095 + 3;

  /** The earliest and latest modification times accepted: those {@link java.time.Instant} can hold. */
  private static final long MIN_SECONDS = java.time.Instant.MIN.getEpochSecond();
  private static final long MAX_SECONDS = java.time.Instant.MAX.getEpochSecond();
  /** The largest content size whose padded end still fits a long. */
  private static final long MAX_SIZE = Long.MAX_VALUE - BLOCK;

  /** pax keys whose values are numbers (POSIX.1-2008, pax, "pax Extended Header Keywords"). */
  private static final java.util.Set<String> NUMERIC_KEYS =
      java.util.Set.of("size", "uid", "gid", "mtime", "atime", "ctime");

  private final InputStream in;
  private final String what;
  private final Limits limits;
  private final byte[] block = new byte[BLOCK];
  private long position;
  private long remaining;
  private long padding;
  private long entries;
  private boolean ended;
  private boolean endMarker;
  private InputStream content = InputStream.nullInputStream();

  /** Reads {@code in}, naming it {@code what} in messages, with default limits. */
  public TarReader(InputStream in, String what) {
    this(in, what, Limits.defaults());
  }

  /** Reads {@code in}, naming it {@code what} in messages. */
  public TarReader(InputStream in, String what, Limits limits) {
    this.in = in;
    this.what = what;
    this.limits = limits;
  }

  /** Whether the end-of-archive zero blocks were present. */
  public boolean endMarkerSeen() {
    return endMarker;
  }

  /**
   * The next entry, skipping what is left of the current one's content; empty at the end of the
   * archive.
   *
   * @throws ImageFormatException for a malformed, truncated or hostile archive
   */
  public Optional<TarEntry> next() throws IOException {
    if (ended) {
      return Optional.empty();
    }
    skipFully(remaining + padding);
    remaining = 0;
    padding = 0;
    Map<String, String> pax = null;
    String longName = null;
    String longLink = null;
    long first = -1;
    while (true) {
      long headerAt = position;
      if (first < 0) {
        first = headerAt;
      }
      int n = readBlock();
      if (n == 0) {
        if (pax != null || longName != null || longLink != null) {
          throw error(headerAt, "the archive ends after an extended header, before its entry");
        }
        ended = true;
        if (limits.requireEndMarker()) {
          throw error(headerAt, "the archive ends without its end-of-archive blocks: it was cut short");
        }
        return Optional.empty();
      }
      if (n < BLOCK) {
        throw error(headerAt, "the archive is cut inside a header (" + n + " of 512 bytes)");
      }
      if (isZero(block)) {
        if (pax != null || longName != null || longLink != null) {
          throw error(headerAt, "the archive ends after an extended header, before its entry");
        }
        int m = readBlock();
        if (m == BLOCK && !isZero(block)) {
          throw error(headerAt, "a zero block is followed by more entries");
        }
        if (m > 0 && m < BLOCK) {
          throw error(position - m, "the archive is cut inside its end-of-archive blocks");
        }
        ended = true;
        endMarker = true;
        return Optional.empty();
      }
      verifyChecksum(headerAt);
      char type = (char) block[156];
      long size = number(124, 12, headerAt, "size");
      switch (type) {
        case 'x', 'X' -> {
          if (pax != null) {
            throw error(headerAt, "two pax extended headers for one entry");
          }
          pax = parsePax(readCapped(size, limits.maxPaxHeaderBytes(), headerAt, "pax extended header"), headerAt);
          continue;
        }
        case 'g' -> {
          // Global pax headers are validated and otherwise ignored: no archive we read needs them.
          parsePax(readCapped(size, limits.maxPaxHeaderBytes(), headerAt, "pax global header"), headerAt);
          continue;
        }
        case 'L' -> {
          if (longName != null) {
            throw error(headerAt, "two GNU long names for one entry");
          }
          longName = name(cString(readCapped(size, limits.maxLongNameBytes(), headerAt, "GNU long name"), headerAt),
              headerAt, "GNU long name");
          continue;
        }
        case 'K' -> {
          if (longLink != null) {
            throw error(headerAt, "two GNU long link names for one entry");
          }
          longLink = name(cString(readCapped(size, limits.maxLongNameBytes(), headerAt, "GNU long link name"),
              headerAt), headerAt, "GNU long link name");
          continue;
        }
        case 'S' -> throw error(headerAt, "GNU sparse files are not supported");
        case 'M' -> throw error(headerAt, "GNU multi-volume archives are not supported");
        default -> { }
      }
      if (++entries > limits.maxEntries()) {
        throw error(headerAt, "more than " + limits.maxEntries() + " entries");
      }
      return Optional.of(entry(type, size, pax, longName, longLink, first, headerAt));
    }
  }

  /** The current entry's content: exactly its size in bytes, then end of stream. */
  public InputStream content() {
    return content;
  }

  private TarEntry entry(char typeFlag, long headerSize, Map<String, String> pax, String longName,
      String longLink, long first, long headerAt) throws IOException {
    boolean ustar = block[257] == 'u' && block[258] == 's' && block[259] == 't' && block[260] == 'a'
        && block[261] == 'r';
    boolean gnu = ustar && block[262] == ' ';
    String name = string(0, 100, headerAt);
    if (ustar && !gnu && block[345] != 0) {
      name = string(345, 155, headerAt) + "/" + name;
    }
    String link = string(157, 100, headerAt);
    long size = headerSize;
    long uid = number(108, 8, headerAt, "uid");
    long gid = number(116, 8, headerAt, "gid");
    long mtime = number(136, 12, headerAt, "mtime");
    int mode = (int) (number(100, 8, headerAt, "mode") & 07777);
    String user = ustar ? string(265, 32, headerAt) : "";
    String group = ustar ? string(297, 32, headerAt) : "";
    int major = ustar ? device(number(329, 8, headerAt, "devmajor"), headerAt, "devmajor") : 0;
    int minor = ustar ? device(number(337, 8, headerAt, "devminor"), headerAt, "devminor") : 0;
    if (longName != null) {
      name = longName;
    }
    if (longLink != null) {
      link = longLink;
    }
    if (pax != null) {
      name = pax.getOrDefault("path", name);
      link = pax.getOrDefault("linkpath", link);
      size = paxNumber(pax, "size", size, headerAt);
      uid = paxNumber(pax, "uid", uid, headerAt);
      gid = paxNumber(pax, "gid", gid, headerAt);
      if (pax.containsKey("mtime")) {
        mtime = paxTime(pax.get("mtime"), headerAt);
      }
      user = pax.getOrDefault("uname", user);
      group = pax.getOrDefault("gname", group);
    }
    if (name.isEmpty()) {
      throw error(headerAt, "an entry has an empty name");
    }
    if (mtime < MIN_SECONDS || mtime > MAX_SECONDS) {
      throw error(headerAt, "entry '" + abbreviate(name) + "' has modification time " + mtime
          + " s, outside the times that can be represented (" + MIN_SECONDS + " to " + MAX_SECONDS + ")");
    }
    if (size > MAX_SIZE) {
      throw error(headerAt, "entry '" + abbreviate(name) + "' declares " + size + " bytes of content, more than a tar can hold");
    }
    TarEntry.Type type = switch (typeFlag) {
      case '0', '\0', '7' -> TarEntry.Type.FILE;
      case '1' -> TarEntry.Type.HARDLINK;
      case '2' -> TarEntry.Type.SYMLINK;
      case '3' -> TarEntry.Type.CHAR_DEVICE;
      case '4' -> TarEntry.Type.BLOCK_DEVICE;
      case '5' -> TarEntry.Type.DIRECTORY;
      case '6' -> TarEntry.Type.FIFO;
      default -> TarEntry.Type.OTHER;
    };
    if (type == TarEntry.Type.FILE && name.endsWith("/") && typeFlag == '\0') {
      type = TarEntry.Type.DIRECTORY; // v7 archives mark directories by a trailing slash only
    }
    long dataSize = size;
    switch (type) {
      case HARDLINK, SYMLINK, CHAR_DEVICE, BLOCK_DEVICE, FIFO -> {
        // These carry no content; GNU tar and Go's archive/tar agree that their size must be 0.
        if (size != 0) {
          throw error(headerAt, "entry '" + name + "' is a " + type + " but declares " + size + " bytes of content");
        }
      }
      default -> { }
    }
    long dataOffset = position;
    remaining = dataSize;
    padding = (BLOCK - dataSize % BLOCK) % BLOCK;
    String entryName = name;
    content = new Content(entryName);
    return new TarEntry(name, type, mode, uid, gid, type == TarEntry.Type.FILE ? size : 0, mtime, link,
        major, minor, user, group, first, dataOffset);
  }

  /** The current entry's content, bounded by its size. */
  private final class Content extends InputStream {
    private final String name;

    Content(String name) {
      this.name = name;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (remaining <= 0 || content != this) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n < 0) {
        throw error(position, "the archive is cut inside the content of '" + name + "' (" + remaining
            + " bytes missing)");
      }
      position += n;
      remaining -= n;
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      if (content != this) {
        return 0;
      }
      long k = Math.min(n, remaining);
      skipFully(k);
      remaining -= k;
      return k;
    }

    @Override
    public int available() {
      return 0;
    }

    @Override
    public void close() {
      // The archive stays open; next() skips what was not read.
    }
  }

  private int readBlock() throws IOException {
    int n = in.readNBytes(block, 0, BLOCK);
    position += n;
    return n;
  }

  private void skipFully(long n) throws IOException {
    long left = n;
    while (left > 0) {
      long k = in.skip(left);
      if (k <= 0) {
        if (in.read() < 0) {
          throw error(position, "the archive is cut inside an entry's content or padding (" + left
              + " bytes missing)");
        }
        k = 1;
      }
      left -= k;
      position += k;
    }
  }

  private byte[] readCapped(long size, int cap, long headerAt, String kind) throws IOException {
    if (size < 0 || size > cap) {
      throw error(headerAt, kind + " of " + size + " bytes is larger than the " + cap + " accepted");
    }
    byte[] data = in.readNBytes((int) size);
    position += data.length;
    if (data.length < size) {
      throw error(position, "the archive is cut inside a " + kind);
    }
    skipFully((BLOCK - size % BLOCK) % BLOCK);
    return data;
  }

  private void verifyChecksum(long headerAt) throws ImageFormatException {
    long stored = number(148, 8, headerAt, "checksum");
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      byte b = (i >= 148 && i < 156) ? (byte) ' ' : block[i];
      unsigned += b & 0xff;
      signed += b;
    }
    // Some historical writers summed signed bytes; GNU tar accepts either, and so do we.
    if (stored != unsigned && stored != signed) {
      throw error(headerAt, "header checksum mismatch: the header says " + stored + ", its bytes sum to " + unsigned
          + " (the header is corrupt or not a tar header)");
    }
  }

  /** Parses an octal field (NUL- or space-terminated, leading spaces allowed) or GNU base-256. */
  private long number(int offset, int length, long headerAt, String field) throws ImageFormatException {
    if ((block[offset] & 0x80) != 0) {
      if ((block[offset] & 0xff) == 0xff) {
        throw error(headerAt, "negative base-256 " + field);
      }
      long v = block[offset] & 0x3f;
      for (int i = 1; i < length; i++) {
        if (v > (Long.MAX_VALUE >>> 8)) {
          throw error(headerAt, "base-256 " + field + " overflows");
        }
        v = (v << 8) | (block[offset + i] & 0xff);
      }
      return v;
    }
    int i = offset;
    int end = offset + length;
    while (i < end && (block[i] == ' ' || block[i] == 0)) {
      i++;
    }
    long v = 0;
    boolean digits = false;
    for (; i < end; i++) {
      byte c = block[i];
      if (c == 0 || c == ' ') {
        break;
      }
      if (c < '0' || c > '7') {
        throw error(headerAt, field + " field has a character that is not an octal digit: 0x"
            + Integer.toHexString(c & 0xff));
      }
      if (v > (Long.MAX_VALUE >>> 3)) {
        throw error(headerAt, field + " field overflows");
      }
      v = (v << 3) | (c - '0');
      digits = true;
    }
    for (; i < end; i++) {
      if (block[i] != 0 && block[i] != ' ') {
        throw error(headerAt, field + " field has characters after its terminator");
      }
    }
    return digits ? v : 0;
  }

  private String string(int offset, int length, long headerAt) throws ImageFormatException {
    int end = offset;
    while (end < offset + length && block[end] != 0) {
      end++;
    }
    return utf8(block, offset, end - offset, headerAt);
  }

  private String cString(byte[] data, long headerAt) throws ImageFormatException {
    int end = 0;
    while (end < data.length && data[end] != 0) {
      end++;
    }
    return utf8(data, 0, end, headerAt);
  }

  private String utf8(byte[] data, int offset, int length, long headerAt) throws ImageFormatException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(data, offset, length))
          .toString();
    } catch (CharacterCodingException e) {
      // Names from other systems may be in another encoding; keep them readable rather than fail.
      return new String(data, offset, length, StandardCharsets.ISO_8859_1);
    }
  }

  /** Parses pax records, "LEN key=value\n", where LEN counts the whole record. */
  private Map<String, String> parsePax(byte[] data, long headerAt) throws ImageFormatException {
    Map<String, String> out = new HashMap<>();
    int i = 0;
    while (i < data.length) {
      int space = i;
      while (space < data.length && data[space] >= '0' && data[space] <= '9' && space - i < 10) {
        space++;
      }
      if (space == i || space >= data.length || data[space] != ' ') {
        throw error(headerAt, "malformed pax record length at byte " + i + " of the pax header");
      }
      long len = Long.parseLong(new String(data, i, space - i, StandardCharsets.US_ASCII));
      if (len <= space - i + 1 || i + len > data.length) {
        throw error(headerAt, "pax record length " + len + " at byte " + i + " does not fit the pax header");
      }
      int end = (int) (i + len);
      if (data[end - 1] != '\n') {
        throw error(headerAt, "pax record at byte " + i + " does not end with a newline");
      }
      int eq = space + 1;
      while (eq < end - 1 && data[eq] != '=') {
        eq++;
      }
      if (eq >= end - 1 || eq == space + 1) {
        throw error(headerAt, "pax record at byte " + i + " has no key=value");
      }
      String key = utf8(data, space + 1, eq - space - 1, headerAt);
      int valueLength = end - 1 - eq - 1;
      boolean isName = key.equals("path") || key.equals("linkpath");
      if (isName && valueLength > MAX_NAME_BYTES) {
        throw error(headerAt, "pax " + key + " of " + valueLength + " bytes is longer than the " + MAX_NAME_BYTES
            + " bytes a path can have");
      }
      if (!isName && NUMERIC_KEYS.contains(key) && valueLength > 40) {
        throw error(headerAt, "pax " + key + " of " + valueLength + " bytes is not a number any header can hold");
      }
      String value = utf8(data, eq + 1, valueLength, headerAt);
      if (isName && value.indexOf('\0') >= 0) {
        throw error(headerAt, "pax " + key + " contains a NUL character");
      }
      out.put(key, value);
      i = end;
    }
    return out;
  }

  private long paxNumber(Map<String, String> pax, String key, long fallback, long headerAt) throws ImageFormatException {
    String v = pax.get(key);
    if (v == null) {
      return fallback;
    }
    if (!v.matches("[0-9]{1,19}")) {
      throw error(headerAt, "pax " + key + " is not a non-negative number of at most 19 digits: '" + abbreviate(v) + "'");
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw error(headerAt, "pax " + key + " overflows: '" + v + "'");
    }
  }

  private long paxTime(String v, long headerAt) throws ImageFormatException {
    if (!v.matches("-?[0-9]{1,19}(\\.[0-9]{0,19})?")) {
      throw error(headerAt, "pax mtime is not a number of seconds: '" + abbreviate(v) + "'");
    }
    String whole = v.contains(".") ? v.substring(0, v.indexOf('.')) : v;
    try {
      return Long.parseLong(whole);
    } catch (NumberFormatException e) {
      throw error(headerAt, "pax mtime overflows: '" + v + "'");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "... (" + s.length() + " characters)";
  }

  /** Refuses a GNU long name or link target longer than a path can be. */
  private String name(String value, long headerAt, String kind) throws ImageFormatException {
    // Each char is at least one UTF-8 byte, so the char count is a lower bound on the byte count.
    if (value.length() > MAX_NAME_BYTES
        || value.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw error(headerAt, kind + " is longer than the " + MAX_NAME_BYTES + " bytes a path can have");
    }
    return value;
  }

  /** A device number, which Linux keeps in 32 bits. */
  private int device(long value, long headerAt, String field) throws ImageFormatException {
    if (value > Integer.MAX_VALUE) {
      throw error(headerAt, field + " " + value + " is out of range");
    }
    return (int) value;
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private ImageFormatException error(long offset, String message) {
    return new ImageFormatException(what + ": " + message + " (at byte offset " + offset + ")");
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

}
