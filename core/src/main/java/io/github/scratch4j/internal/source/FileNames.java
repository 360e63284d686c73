package io.github.scratch4j.internal.source;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The names of files as the disk has them. A Linux file name is bytes; the JDK decodes them with
 * the encoding of the locale it started in ({@code sun.jnu.encoding}) and puts U+FFFD where they
 * do not decode, so two different invalid names can read as one, and under the POSIX locale every
 * non-ASCII name reads wrong. A layer's names are UTF-8, so a name is read here as UTF-8 from its
 * bytes whenever the JDK's reading may differ from that.
 */
final class FileNames {
  /** Whether the JDK decodes file names as UTF-8 (then only U+FFFD betrays a bad name). */
  static final boolean JNU_UTF8 = isUtf8(System.getProperty("sun.jnu.encoding"));

  private FileNames() {}

  private static boolean isUtf8(String name) {
    try {
      return name != null && Charset.forName(name).equals(StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Whether the JDK's reading of a name may not be its UTF-8 reading: it has U+FFFD, or the JDK
   * decodes with another encoding and the name is not plain ASCII. A cheap test, for every name.
   */
  static boolean suspect(String name) {
    if (JNU_UTF8) {
      return name.indexOf('\uFFFD') >= 0;
    }
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) >= 0x80) {
        return true;
      }
    }
    return false;
  }

  /**
   * The bytes of a path as the file system has them. {@link Path#toUri()} percent-encodes every
   * byte of the path that is not a plain URI character, whatever the locale, so this needs no
   * internal API. The path is made absolute (a relative one against the current directory).
   */
  static byte[] rawBytes(Path path) {
    String uri = path.toUri().getRawPath();
    ByteArrayOutputStream out = new ByteArrayOutputStream(uri.length());
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '%' && i + 2 < uri.length()) {
        out.write(Integer.parseInt(uri, i + 1, i + 3, 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    byte[] bytes = out.toByteArray();
    // toUri appends a slash to a directory's path; a name never holds one.
    int end = bytes.length;
    if (end > 1 && bytes[end - 1] == '/') {
      end--;
    }
    return java.util.Arrays.copyOf(bytes, end);
  }

  /** The bytes of the last component of {@code path}. */
  static byte[] rawName(Path path) {
    byte[] bytes = rawBytes(path);
    int slash = bytes.length - 1;
    while (slash >= 0 && bytes[slash] != '/') {
      slash--;
    }
    return java.util.Arrays.copyOfRange(bytes, slash + 1, bytes.length);
  }

  /**
   * The bytes of a link's target as stored. A relative target is made absolute against the root
   * (not the current directory, whose name the JDK itself encodes with the locale) and cut again.
   */
  static byte[] rawTarget(Path target) {
    if (target.isAbsolute()) {
      return rawBytes(target);
    }
    byte[] bytes = rawBytes(target.getFileSystem().getRootDirectories().iterator().next().resolve(target));
    return java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
  }

  /** The bytes read as UTF-8, if they are valid UTF-8. */
  static Optional<String> utf8(byte[] bytes) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /** The bytes read as UTF-8, each invalid sequence replaced with U+FFFD. */
  static String utf8Replacing(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /**
   * The bytes as text for a message: valid UTF-8 as it reads, every other byte and every control
   * character as {@code \xNN}, and a backslash doubled, so that different names print differently.
   */
  static String escape(byte[] bytes) {
    StringBuilder s = new StringBuilder(bytes.length + 8);
    int i = 0;
    while (i < bytes.length) {
      int b = bytes[i] & 0xff;
      int length = sequenceLength(bytes, i);
      if (length > 1) {
        s.append(new String(bytes, i, length, StandardCharsets.UTF_8));
        i += length;
      } else if (b < 0x20 || b >= 0x7f) {
        s.append(String.format("\\x%02x", b));
        i++;
      } else {
        s.append(b == '\\' ? "\\\\" : String.valueOf((char) b));
        i++;
      }
    }
    return s.toString();
  }

  /** The length of the valid UTF-8 sequence of two or more bytes at {@code i}, else 1. */
  private static int sequenceLength(byte[] bytes, int i) {
    int b = bytes[i] & 0xff;
    int length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 1;
    if (length == 1 || i + length > bytes.length) {
      return 1;
    }
    return utf8(java.util.Arrays.copyOfRange(bytes, i, i + length)).isPresent() ? length : 1;
  }
}
