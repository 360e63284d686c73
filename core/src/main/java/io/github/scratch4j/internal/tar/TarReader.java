package io.github.scratch4j.internal.tar;

import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.internal.io.ArrayReadInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a tar stream defensively: every header's checksum is verified, pax and GNU long-name
 * headers are capped before anything is allocated, numbers are checked for overflow, and a stream
 * that ends before its end-of-archive blocks is an error, not an empty or short archive. Reads
 * POSIX ustar/pax, GNU, star and v7 headers (POSIX.1-2008, pax, "ustar Interchange Format" and
 * "pax Header Block"; GNU tar manual, "Basic Tar Format"), and GNU sparse files in all four of
 * their forms (old GNU, pax 0.0, 0.1 and 1.0), whose content reads expanded. Content is streamed,
 * never buffered.
 *
 * <p>Where Go's archive/tar (which Docker and containerd use) and GNU tar agree, this reader
 * agrees with them: a later pax or GNU long-name header for the same entry replaces an earlier
 * one, pax numbers may have leading zeros, an empty pax value leaves the header's value, extended
 * headers followed by the end of the archive are ignored, and a directory's declared size is not
 * content. Where they disagree, the entry is refused rather than read one of the two ways: a
 * symbolic link, device or pipe that declares content, and an entry with both a pax path and a
 * different GNU long name.
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
   * @param maxSparseSegments most data segments all sparse files of the tar may have together;
   *     each costs 16 bytes of memory for as long as its entry is kept
   * @param maxSparseBytes most bytes all sparse files of the tar may expand to together: a hole
   *     costs the tar nothing, so this bounds what reading the expanded files can cost
   */
  public record Limits(int maxPaxHeaderBytes, int maxLongNameBytes, long maxEntries, boolean requireEndMarker,
      long maxSparseSegments, long maxSparseBytes) {
    /** Limits with a million sparse data segments and no limit on what sparse files expand to. */
    public Limits(int maxPaxHeaderBytes, int maxLongNameBytes, long maxEntries, boolean requireEndMarker) {
      this(maxPaxHeaderBytes, maxLongNameBytes, maxEntries, requireEndMarker, DEFAULT_SPARSE_SEGMENTS,
          Long.MAX_VALUE);
    }

    /**
     * 1 MiB pax headers, 64 KiB GNU long-name headers, ten million entries, end marker required,
     * a million sparse data segments, no limit on what sparse files expand to.
     */
    public static Limits defaults() {
      return new Limits(1 << 20, 64 << 10, 10_000_000, true);
    }

    /** A copy that accepts at most {@code n} entries. */
    public Limits withMaxEntries(long n) {
      return new Limits(maxPaxHeaderBytes, maxLongNameBytes, n, requireEndMarker, maxSparseSegments, maxSparseBytes);
    }

    /** A copy whose sparse files may expand to at most {@code n} bytes together. */
    public Limits withMaxSparseBytes(long n) {
      return new Limits(maxPaxHeaderBytes, maxLongNameBytes, maxEntries, requireEndMarker, maxSparseSegments, n);
    }

    /** A copy that requires, or not, the end-of-archive blocks. */
    public Limits withEndMarkerRequired(boolean required) {
      return new Limits(maxPaxHeaderBytes, maxLongNameBytes, maxEntries, required, maxSparseSegments, maxSparseBytes);
    }
  }

  /** A million sparse data segments: 16 MiB of offsets and lengths at most. */
  private static final long DEFAULT_SPARSE_SEGMENTS = 1_000_000;

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
  private static final Set<String> NUMERIC_KEYS = Set.of("size", "uid", "gid", "mtime", "atime", "ctime");
  /** The numbers of GNU tar's pax sparse records (GNU tar manual, "GNU PAX sparse formats"). */
  private static final Set<String> SPARSE_NUMERIC_KEYS = Set.of("GNU.sparse.size", "GNU.sparse.realsize",
      "GNU.sparse.numblocks", "GNU.sparse.offset", "GNU.sparse.numbytes", "GNU.sparse.major", "GNU.sparse.minor");
  /** pax keys whose values are names, capped as paths are. */
  private static final Set<String> NAME_KEYS = Set.of("path", "linkpath", "GNU.sparse.name");
  /** Other pax keys whose values must not hold a NUL (as in Go's archive/tar). */
  private static final Set<String> TEXT_KEYS = Set.of("uname", "gname");

  private final InputStream in;
  private final String what;
  private final Limits limits;
  private final byte[] block = new byte[BLOCK];
  private long position;
  private long remaining;
  private long padding;
  private long entries;
  private long sparseSegments;
  private long sparseBytes;
  private boolean ended;
  private boolean endMarker;
  private InputStream content = InputStream.nullInputStream();
  /** The stored bytes of the current entry; an older entry's stream reads nothing once this changes. */
  private Content current;

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

  /** The records of one pax extended header, and the pairs of a pax 0.0 sparse map in their order. */
  private record Pax(Map<String, String> records, List<String> sparsePairs) {}

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
    // As in Go's archive/tar and GNU tar, a later extended header of a kind replaces an earlier one.
    Pax pax = null;
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
        ended = true;
        if (limits.requireEndMarker()) {
          throw error(headerAt, "the archive ends without its end-of-archive blocks: it was cut short");
        }
        // Extended headers with no entry after them describe nothing; Go and GNU tar ignore them.
        return Optional.empty();
      }
      if (n < BLOCK) {
        throw error(headerAt, "the archive is cut inside a header (" + n + " of 512 bytes)");
      }
      if (isZero(block)) {
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
        case TarType.PAX, TarType.PAX_SOLARIS -> {
          pax = parsePax(readCapped(size, limits.maxPaxHeaderBytes(), headerAt, "pax extended header"), headerAt);
          continue;
        }
        case TarType.PAX_GLOBAL -> {
          // Global pax headers are validated and otherwise ignored, as Docker and containerd ignore them.
          parsePax(readCapped(size, limits.maxPaxHeaderBytes(), headerAt, "pax global header"), headerAt);
          continue;
        }
        case TarType.GNU_LONG_NAME -> {
          longName = name(cString(readCapped(size, limits.maxLongNameBytes(), headerAt, "GNU long name")),
              headerAt, "GNU long name");
          continue;
        }
        case TarType.GNU_LONG_LINK -> {
          longLink = name(cString(readCapped(size, limits.maxLongNameBytes(), headerAt, "GNU long link name")),
              headerAt, "GNU long link name");
          continue;
        }
        case TarType.GNU_MULTI_VOLUME -> throw error(headerAt, "GNU multi-volume archives are not supported: this entry continues a"
            + " file that began in another volume");
        default -> { }
      }
      if (++entries > limits.maxEntries()) {
        throw error(headerAt, "more than " + limits.maxEntries() + " entries");
      }
      return Optional.of(entry(type, size, pax, longName, longLink, first, headerAt));
    }
  }

  /** The current entry's content: exactly its size in bytes (a sparse file expanded), then end of stream. */
  public InputStream content() {
    return content;
  }

  private TarEntry entry(char typeFlag, long headerSize, Pax extended, String longName,
      String longLink, long first, long headerAt) throws IOException {
    Map<String, String> pax = extended == null ? Map.of() : extended.records();
    boolean ustar = block[257] == 'u' && block[258] == 's' && block[259] == 't' && block[260] == 'a'
        && block[261] == 'r';
    boolean gnu = ustar && block[262] == ' ';
    // star keeps times in the end of the prefix field and "tar\0" in its last bytes (Go's archive/tar, format.go).
    boolean star = ustar && !gnu && block[508] == 't' && block[509] == 'a' && block[510] == 'r' && block[511] == 0;
    String name = string(0, 100);
    if (ustar && !gnu && block[345] != 0) {
      name = string(345, star ? 131 : 155) + "/" + name;
    }
    if (gnu && block[345] != 0 && (!isNumber(345, 12, headerAt) || !isNumber(357, 12, headerAt))
        && isAscii(345, 155)) {
      // Go before 1.8 wrote a ustar prefix into a GNU header, where atime and ctime belong, and Go's
      // archive/tar still reads such a field as a name prefix; GNU tar reads the bare name.
      throw error(headerAt, "entry '" + abbreviate(name) + "' has a GNU header whose atime and ctime fields hold"
          + " text ('" + abbreviate(string(345, 155)) + "'): Go's archive/tar reads it as the start of the"
          + " name, GNU tar does not");
    }
    String link = string(157, 100);
    long size = headerSize;
    long uid = number(108, 8, headerAt, "uid");
    long gid = number(116, 8, headerAt, "gid");
    long mtime = number(136, 12, headerAt, "mtime");
    int mode = (int) (number(100, 8, headerAt, "mode") & 07777);
    String user = ustar ? string(265, 32) : "";
    String group = ustar ? string(297, 32) : "";
    int major = ustar ? device(number(329, 8, headerAt, "devmajor"), headerAt, "devmajor") : 0;
    int minor = ustar ? device(number(337, 8, headerAt, "devminor"), headerAt, "devminor") : 0;
    // GNU tar lets a pax path win over a GNU long name, Go's archive/tar the long name: refuse the
    // entry rather than read, and check, the name one of them would not extract.
    if (longName != null && pax.containsKey("path") && !longName.equals(pax.get("path"))) {
      throw error(headerAt, "entry has both a GNU long name '" + abbreviate(longName) + "' and a different pax"
          + " path '" + abbreviate(pax.get("path")) + "'; tar readers disagree on which one counts");
    }
    if (longLink != null && pax.containsKey("linkpath") && !longLink.equals(pax.get("linkpath"))) {
      throw error(headerAt, "entry has both a GNU long link name '" + abbreviate(longLink) + "' and a different"
          + " pax linkpath '" + abbreviate(pax.get("linkpath")) + "'; tar readers disagree on which one counts");
    }
    if (longName != null) {
      name = longName;
    }
    if (longLink != null) {
      link = longLink;
    }
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
    if (size > MAX_SIZE) {
      throw error(headerAt, "entry '" + abbreviate(name) + "' declares " + size + " bytes of content, more than a tar can hold");
    }
    TarType type = TarType.ofFlag(typeFlag);
    if (type == TarType.FILE && name.endsWith("/") && typeFlag == '\0') {
      type = TarType.DIRECTORY; // v7 archives mark directories by a trailing slash only
    }
    // Read the sparse map now: an old GNU map ends in the header block and goes on in blocks after it.
    SparseHeader sparse = typeFlag == TarType.GNU_SPARSE ? oldGnuSparse(size, headerAt)
        : sparseFromPax(extended, size, headerAt);
    if (sparse != null) {
      if (type != TarType.FILE) {
        throw error(headerAt, "entry '" + abbreviate(name) + "' has GNU sparse file records but is a " + type);
      }
      name = sparse.name().orElse(name);
    }
    if (name.isEmpty()) {
      throw error(headerAt, "an entry has an empty name");
    }
    if (mtime < MIN_SECONDS || mtime > MAX_SECONDS) {
      throw error(headerAt, "entry '" + abbreviate(name) + "' has modification time " + mtime
          + " s, outside the times that can be represented (" + MIN_SECONDS + " to " + MAX_SECONDS + ")");
    }
    long dataSize = size;
    switch (type) {
      case HARDLINK, SYMLINK, CHAR_DEVICE, BLOCK_DEVICE, FIFO -> {
        // Go's archive/tar reads no content for these whatever their size; GNU tar skips the size
        // for some of them: a size would make the two see different entries after this one.
        if (size != 0) {
          throw error(headerAt, "entry '" + abbreviate(name) + "' is a " + type + " but declares " + size
              + " bytes of content; tar readers disagree on whether that is content or the next header");
        }
      }
      // A directory's size is not content for Go's archive/tar or GNU tar: the next header follows.
      case DIRECTORY -> dataSize = 0;
      default -> { }
    }
    remaining = dataSize;
    padding = (BLOCK - dataSize % BLOCK) % BLOCK;
    Optional<SparseMap> map = Optional.empty();
    if (sparse != null) {
      map = Optional.of(sparse.map() != null ? sparse.map() : readSparseMap1(sparse, name, headerAt));
    }
    long dataOffset = position;
    String entryName = name;
    Content raw = new Content(entryName);
    current = raw;
    content = map.isPresent() ? map.get().expand(raw, what + " entry '" + abbreviate(entryName) + "'") : raw;
    long entrySize = map.isPresent() ? map.get().realSize() : type == TarType.FILE ? size : 0;
    return new TarEntry(name, type, mode, uid, gid, entrySize, mtime, link, major, minor, user, group, first,
        dataOffset, map);
  }

  /**
   * What the headers say about a sparse file: its real name (pax 0.1 and 1.0 give the header a
   * made-up one) and size, and its map, unless (pax 1.0) the map is at the start of the content.
   */
  private record SparseHeader(Optional<String> name, long realSize, long storedSize, SparseMap map) {}

  /**
   * An old GNU sparse file's map (GNU tar manual, "Old GNU Format"): four segments in the header,
   * then 21 in each extension block for as long as the previous block says one follows; an offset
   * field starting with NUL ends the list. {@code size} is the bytes stored.
   */
  private SparseHeader oldGnuSparse(long size, long headerAt) throws IOException {
    long realSize = block[483] != 0 ? number(483, 12, headerAt, "sparse real size") : size;
    Longs segments = new Longs();
    sparseEntries(386, 4, segments, headerAt);
    boolean extended = block[482] != 0;
    while (extended) {
      long blockAt = position;
      int n = readBlock();
      if (n < BLOCK) {
        throw error(blockAt, "the archive is cut inside a GNU sparse map extension block");
      }
      sparseEntries(0, 21, segments, blockAt);
      extended = block[504] != 0;
    }
    return new SparseHeader(Optional.empty(), realSize, size,
        sparseMap(SparseMap.Format.OLD_GNU, segments.from(0), realSize, size, headerAt));
  }

  /**
   * Adds the old GNU sparse entries of the block at {@code offset}, up to {@code count} of them;
   * an entry whose offset field starts with NUL ends the block's list (as GNU tar and Go's
   * archive/tar read it; an extension block may still follow).
   */
  private void sparseEntries(int offset, int count, Longs segments, long at) throws ImageFormatException {
    for (int i = 0; i < count; i++) {
      int at0 = offset + 24 * i;
      if (block[at0] == 0) {
        return;
      }
      chargeSegment(at);
      segments.add(number(at0, 12, at, "sparse offset"));
      segments.add(number(at0 + 12, 12, at, "sparse length"));
    }
  }

  private void chargeSegment(long at) throws ImageFormatException {
    if (++sparseSegments > limits.maxSparseSegments()) {
      throw error(at, "the sparse files of the archive have more than " + limits.maxSparseSegments()
          + " data segments together");
    }
  }

  /** The pax sparse records of the GNU formats 0.0, 0.1 and 1.0, or null for a file that is not sparse. */
  private SparseHeader sparseFromPax(Pax extended, long size, long headerAt) throws ImageFormatException {
    if (extended == null) {
      return null;
    }
    Map<String, String> pax = extended.records();
    boolean anySparse = !extended.sparsePairs().isEmpty();
    for (String key : pax.keySet()) {
      anySparse |= key.startsWith("GNU.sparse.");
    }
    if (!anySparse) {
      return null;
    }
    String major = pax.get("GNU.sparse.major");
    String minor = pax.get("GNU.sparse.minor");
    boolean version1;
    if (major == null && minor == null) {
      version1 = false; // 0.0 and 0.1 name no version
    } else if ("0".equals(major) && ("0".equals(minor) || "1".equals(minor))) {
      version1 = false;
    } else if ("1".equals(major) && "0".equals(minor)) {
      version1 = true;
    } else {
      // Read as a plain file (as Go's archive/tar does), it would show its map as content.
      throw error(headerAt, "GNU sparse format " + abbreviate(String.valueOf(major)) + "."
          + abbreviate(String.valueOf(minor))
          + " is not one scratch4j reads (0.0, 0.1 and 1.0)");
    }
    Optional<String> name = Optional.ofNullable(pax.get("GNU.sparse.name"));
    long realSize = paxNumber(pax, "GNU.sparse.size", paxNumber(pax, "GNU.sparse.realsize", size, headerAt),
        headerAt);
    if (version1) {
      return new SparseHeader(name, realSize, size, null);
    }
    long count = paxNumber(pax, "GNU.sparse.numblocks", -1, headerAt);
    if (count < 0) {
      throw error(headerAt, "a GNU sparse file of format 0.x has no GNU.sparse.numblocks record");
    }
    List<String> values;
    if (!extended.sparsePairs().isEmpty()) {
      if (pax.containsKey("GNU.sparse.map")) {
        throw error(headerAt, "a GNU sparse file has both GNU.sparse.map and GNU.sparse.offset records");
      }
      values = extended.sparsePairs();
    } else {
      String map = pax.getOrDefault("GNU.sparse.map", "");
      values = map.isEmpty() ? List.of() : List.of(map.split(",", -1));
    }
    if (values.size() % 2 != 0 || values.size() / 2 != count) {
      throw error(headerAt, "GNU.sparse.numblocks says " + count + " data segments but the map has "
          + values.size() + " numbers");
    }
    Longs segments = new Longs();
    for (String v : values) {
      if (segments.size() % 2 == 0) {
        chargeSegment(headerAt);
      }
      segments.add(decimal(v, headerAt, "a GNU sparse map number"));
    }
    SparseMap.Format format = extended.sparsePairs().isEmpty() ? SparseMap.Format.PAX_0_1 : SparseMap.Format.PAX_0_0;
    return new SparseHeader(name, realSize, size, sparseMap(format, segments.from(0), realSize, size, headerAt));
  }

  /**
   * Reads the map a pax 1.0 sparse file keeps at the start of its content: decimal numbers, each
   * followed by a newline (the count, then offset and length of each segment), in whole blocks;
   * the rest of the last block is padding. Leaves the reader at the first stored data byte.
   */
  private SparseMap readSparseMap1(SparseHeader header, String name, long headerAt) throws IOException {
    long mapAt = position;
    Longs numbers = new Longs();
    long wanted = 1;
    long value = 0;
    int digits = 0;
    byte[] chunk = new byte[BLOCK];
    while (numbers.size() < wanted) {
      if (remaining < BLOCK) {
        throw error(mapAt, "the sparse map of '" + abbreviate(name) + "' runs past the " + header.storedSize()
            + " bytes the entry stores");
      }
      int n = in.readNBytes(chunk, 0, BLOCK);
      position += n;
      remaining -= n;
      if (n < BLOCK) {
        throw error(position, "the archive is cut inside the sparse map of '" + abbreviate(name) + "'");
      }
      for (int i = 0; i < BLOCK && numbers.size() < wanted; i++) {
        byte c = chunk[i];
        if (c == '\n') {
          if (digits == 0) {
            throw error(position - BLOCK + i, "the sparse map of '" + abbreviate(name) + "' has an empty number");
          }
          numbers.add(value);
          if (numbers.size() == 1) {
            if (value > limits.maxSparseSegments() || value > (Long.MAX_VALUE - 1) / 2) {
              throw error(mapAt, "the sparse map of '" + abbreviate(name) + "' declares " + value
                  + " data segments, more than the " + limits.maxSparseSegments() + " accepted");
            }
            wanted = 1 + 2 * value;
          } else if (numbers.size() % 2 == 0) {
            chargeSegment(mapAt);
          }
          value = 0;
          digits = 0;
        } else if (c >= '0' && c <= '9') {
          if (value > (Long.MAX_VALUE - (c - '0')) / 10) {
            throw error(position - BLOCK + i, "a number in the sparse map of '" + abbreviate(name) + "' overflows");
          }
          value = value * 10 + (c - '0');
          digits++;
        } else {
          throw error(position - BLOCK + i, "the sparse map of '" + abbreviate(name)
              + "' has a byte that is not a decimal digit or a newline: 0x" + Integer.toHexString(c & 0xff));
        }
      }
    }
    long stored = header.storedSize() - (position - mapAt);
    return sparseMap(SparseMap.Format.PAX_1_0, numbers.from(1), header.realSize(), stored, headerAt);
  }

  /**
   * Checks a sparse map, as Go's archive/tar and BSD tar do and more: every segment inside the
   * real size, in increasing order without overlap (a zero-length one may share its offset), the
   * lengths adding up to exactly the bytes stored; and the expanded size within the limit.
   */
  private SparseMap sparseMap(SparseMap.Format format, long[] numbers, long realSize, long stored, long headerAt)
      throws ImageFormatException {
    if (realSize > MAX_SIZE) {
      throw error(headerAt, "a sparse file declares a real size of " + realSize + " bytes, more than a tar can hold");
    }
    long[] segments = numbers;
    long end = 0;
    long sum = 0;
    for (int i = 0; i < segments.length; i += 2) {
      long offset = segments[i];
      long length = segments[i + 1];
      if (offset < end) {
        throw error(headerAt, "sparse data segment " + (i / 2) + " (offset " + offset + ") starts before the end of"
            + " the one before it (" + end + "): segments must be in order and must not overlap");
      }
      if (length > realSize || offset > realSize - length) {
        throw error(headerAt, "sparse data segment " + (i / 2) + " (offset " + offset + ", " + length
            + " bytes) ends past the file's real size of " + realSize + " bytes");
      }
      end = offset + length;
      sum += length;
    }
    if (sum != stored) {
      throw error(headerAt, "the sparse map's data segments hold " + sum + " bytes but the entry stores " + stored);
    }
    sparseBytes += realSize;
    if (sparseBytes < 0 || sparseBytes > limits.maxSparseBytes()) {
      throw error(headerAt, "the sparse files of the archive expand to more than " + limits.maxSparseBytes()
          + " bytes together, the most one layer may hold (ReadOptions.maxLayerSize)");
    }
    return new SparseMap(format, segments, realSize, stored);
  }

  /** The current entry's content, bounded by its size. */
  private final class Content extends ArrayReadInputStream {
    private final String name;

    Content(String name) {
      this.name = name;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (remaining <= 0 || current != this) {
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
      if (current != this) {
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

  private String string(int offset, int length) {
    int end = offset;
    while (end < offset + length && block[end] != 0) {
      end++;
    }
    return TarNames.decode(block, offset, end - offset);
  }

  /** A GNU long name: C strings, so the name ends at the first NUL, as GNU and BSD tar read it. */
  private static String cString(byte[] data) {
    int end = 0;
    while (end < data.length && data[end] != 0) {
      end++;
    }
    return TarNames.decode(data, 0, end);
  }

  /**
   * Parses pax records, "LEN key=value\n", where LEN counts the whole record. A later record for
   * a key replaces an earlier one; an empty value removes the key, so that the header's own value
   * counts (POSIX.1-2008, pax, "pax Extended Header"). GNU.sparse.offset and GNU.sparse.numbytes
   * (sparse format 0.0) repeat, and are kept in their order.
   */
  private Pax parsePax(byte[] data, long headerAt) throws ImageFormatException {
    Map<String, String> out = new HashMap<>();
    List<String> sparsePairs = new ArrayList<>();
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
      for (int k = space + 1; k < eq; k++) {
        if (data[k] == 0) {
          // GNU tar, BSD tar and Go's archive/tar refuse it: an archive carrying it would not load.
          throw error(headerAt, "pax record at byte " + i + " has a NUL character in its key");
        }
      }
      String key = TarNames.decode(data, space + 1, eq - space - 1);
      int valueLength = end - 1 - eq - 1;
      boolean isName = NAME_KEYS.contains(key);
      if (isName && valueLength > MAX_NAME_BYTES) {
        throw error(headerAt, "pax " + key + " of " + valueLength + " bytes is longer than the " + MAX_NAME_BYTES
            + " bytes a path can have");
      }
      if ((NUMERIC_KEYS.contains(key) || SPARSE_NUMERIC_KEYS.contains(key)) && valueLength > 40) {
        throw error(headerAt, "pax " + key + " of " + valueLength + " bytes is not a number any header can hold");
      }
      String value = TarNames.decode(data, eq + 1, valueLength);
      if ((isName || TEXT_KEYS.contains(key)) && value.indexOf('\0') >= 0) {
        throw error(headerAt, "pax " + key + " contains a NUL character");
      }
      if (key.equals("GNU.sparse.offset") || key.equals("GNU.sparse.numbytes")) {
        boolean offsetExpected = sparsePairs.size() % 2 == 0;
        if (offsetExpected != key.equals("GNU.sparse.offset")) {
          throw error(headerAt, "pax record at byte " + i + ": GNU.sparse.offset and GNU.sparse.numbytes records"
              + " must alternate, starting with an offset");
        }
        sparsePairs.add(value);
      } else if (value.isEmpty()) {
        out.remove(key);
      } else {
        out.put(key, value);
      }
      i = end;
    }
    if (sparsePairs.size() % 2 != 0) {
      throw error(headerAt, "a GNU.sparse.offset record has no GNU.sparse.numbytes after it");
    }
    return new Pax(out, sparsePairs);
  }

  private long paxNumber(Map<String, String> pax, String key, long fallback, long headerAt) throws ImageFormatException {
    String v = pax.get(key);
    return v == null ? fallback : decimal(v, headerAt, "pax " + key);
  }

  /**
   * A non-negative decimal number, leading zeros allowed (Go's archive/tar and GNU tar take
   * them, and Go's own test archives have a 24-digit pax size), at most {@link Long#MAX_VALUE}.
   * The caller has capped the text's length, so this is linear in a bounded input.
   */
  private long decimal(String v, long headerAt, String what) throws ImageFormatException {
    if (v.isEmpty()) {
      throw error(headerAt, what + " is empty, not a number");
    }
    long value = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        throw error(headerAt, what + " is not a non-negative decimal number: '" + abbreviate(v) + "'");
      }
      if (value > (Long.MAX_VALUE - (c - '0')) / 10) {
        throw error(headerAt, what + " overflows: '" + abbreviate(v) + "'");
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** Whole seconds of a pax time, "[-]SECONDS[.FRACTION]"; the fraction is dropped. */
  private long paxTime(String v, long headerAt) throws ImageFormatException {
    int dot = v.indexOf('.');
    String whole = dot < 0 ? v : v.substring(0, dot);
    String fraction = dot < 0 ? "" : v.substring(dot + 1);
    boolean negative = whole.startsWith("-");
    String digits = negative ? whole.substring(1) : whole;
    for (int i = 0; i < fraction.length(); i++) {
      if (fraction.charAt(i) < '0' || fraction.charAt(i) > '9') {
        throw error(headerAt, "pax mtime is not a number of seconds: '" + abbreviate(v) + "'");
      }
    }
    if (digits.isEmpty() || digits.startsWith("-")) {
      throw error(headerAt, "pax mtime is not a number of seconds: '" + abbreviate(v) + "'");
    }
    long seconds;
    try {
      seconds = decimal(digits, headerAt, "pax mtime");
    } catch (ImageFormatException e) {
      throw error(headerAt, "pax mtime is not a number of seconds that fits 64 bits: '" + abbreviate(v) + "'");
    }
    return negative ? -seconds : seconds;
  }

  private static String abbreviate(String s) {
    return TarNames.printable(s, 80);
  }

  /** Refuses a GNU long name or link target longer than a path can be. */
  private String name(String value, long headerAt, String kind) throws ImageFormatException {
    // Each char is at least one UTF-8 byte, so the char count is a lower bound on the byte count.
    if (value.length() > MAX_NAME_BYTES || TarNames.encode(value).length > MAX_NAME_BYTES) {
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

  /** Whether the field is empty or a number {@link #number} reads. */
  private boolean isNumber(int offset, int length, long headerAt) {
    try {
      number(offset, length, headerAt, "time");
      return true;
    } catch (ImageFormatException e) {
      return false;
    }
  }

  /** Whether the field holds only ASCII bytes (as Go's archive/tar checks before reading a prefix). */
  private boolean isAscii(int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if ((block[i] & 0x80) != 0) {
        return false;
      }
    }
    return true;
  }

  /** A growing array of longs: a sparse map's numbers, without a box for each. */
  private static final class Longs {
    private long[] values = new long[8];
    private int size;

    void add(long v) {
      if (size == values.length) {
        values = java.util.Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    int size() {
      return size;
    }

    /** The values from {@code start} on, as an array of their own. */
    long[] from(int start) {
      return java.util.Arrays.copyOfRange(values, start, size);
    }
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
