package io.github.scratch4j.internal.tar;

/**
 * What a tar entry is: its ustar typeflag (POSIX pax, "ustar Interchange Format"), one vocabulary
 * for the reader ({@link TarEntry#type()}) and the writer ({@link TarHeader.Fields#type()}). The
 * typeflags of the headers that only describe the next entry (pax, GNU long names) are here too.
 */
public enum TarType {
  FILE('0'),
  HARDLINK('1'),
  SYMLINK('2'),
  CHAR_DEVICE('3'),
  BLOCK_DEVICE('4'),
  DIRECTORY('5'),
  FIFO('6'),
  /** A vendor type that is none of the above: read, its content is skipped; it is never written. */
  OTHER('?');

  /** Typeflag of a pax extended header, which applies to the entry after it. */
  static final char PAX = 'x';
  /** Typeflag of Solaris' pax extended header, read as {@link #PAX}. */
  static final char PAX_SOLARIS = 'X';
  /** Typeflag of a pax global header, which applies to every entry after it. */
  static final char PAX_GLOBAL = 'g';
  /** Typeflag of a GNU long name header, whose content is the name of the entry after it. */
  static final char GNU_LONG_NAME = 'L';
  /** Typeflag of a GNU long link name header, whose content is the link target of the entry after it. */
  static final char GNU_LONG_LINK = 'K';
  /** Typeflag of a GNU multi-volume continuation. */
  static final char GNU_MULTI_VOLUME = 'M';
  /** Typeflag of an old GNU sparse file. */
  static final char GNU_SPARSE = 'S';

  private final byte flag;

  TarType(char flag) {
    this.flag = (byte) flag;
  }

  /** The typeflag the writer puts in a header. */
  byte flag() {
    if (this == OTHER) {
      throw new IllegalStateException("an entry of another type is never written");
    }
    return flag;
  }

  /**
   * The type a header's typeflag says. A NUL is the old (v7) flag of a file; '7' (contiguous
   * file) is read as a file, as POSIX allows; so is a GNU sparse file.
   */
  static TarType ofFlag(char flag) {
    return switch (flag) {
      case '0', '\0', '7', GNU_SPARSE -> FILE;
      case '1' -> HARDLINK;
      case '2' -> SYMLINK;
      case '3' -> CHAR_DEVICE;
      case '4' -> BLOCK_DEVICE;
      case '5' -> DIRECTORY;
      case '6' -> FIFO;
      default -> OTHER;
    };
  }
}
