package io.github.scratch4j.internal.tar;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Names in tar headers as text, without losing a byte. Valid UTF-8 reads as itself; each byte
 * that is not part of a valid UTF-8 sequence reads as the lone low surrogate U+DC80..U+DCFF
 * (U+DC00 plus the byte), as Python's {@code surrogateescape} does, and is written back as that
 * byte. Valid UTF-8 never decodes to a lone surrogate, so two different byte strings never read
 * as the same name, and a name read from a base layer (such as a Latin-1 {@code caf\xe9.txt})
 * written again, in a whiteout that removes it, has the bytes it had.
 */
public final class TarNames {
  private static final char ESCAPE_FIRST = '\uDC80';
  private static final char ESCAPE_LAST = '\uDCFF';

  private TarNames() {}

  /** The bytes as text: UTF-8, with every byte of an invalid sequence escaped. */
  public static String decode(byte[] data, int offset, int length) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(data, offset, length);
    CharBuffer out = CharBuffer.allocate(length);
    while (true) {
      CoderResult r = decoder.decode(in, out, true);
      if (r.isUnderflow()) {
        decoder.flush(out);
        break;
      }
      if (r.isError()) {
        // Each byte of a malformed sequence becomes one escape; the bytes after it are read again.
        for (int i = 0; i < r.length(); i++) {
          out.put((char) (0xDC00 | (in.get() & 0xff)));
        }
      } else {
        throw new IllegalStateException("a UTF-8 decoder cannot overflow a buffer of one char per byte");
      }
    }
    out.flip();
    return out.toString();
  }

  /** Whether the text holds an escaped byte, so that it is not valid UTF-8 as stored. */
  public static boolean hasEscapes(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= ESCAPE_FIRST && c <= ESCAPE_LAST && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)))) {
        return true;
      }
    }
    return false;
  }

  /** The bytes {@link #decode} read the text from: UTF-8, escaped bytes as themselves. */
  public static byte[] encode(String s) {
    if (!hasEscapes(s)) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length() + 8);
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= ESCAPE_FIRST && c <= ESCAPE_LAST && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)))) {
        out.writeBytes(s.substring(start, i).getBytes(StandardCharsets.UTF_8));
        out.write(c & 0xff);
        start = i + 1;
      }
    }
    out.writeBytes(s.substring(start).getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /**
   * The text for a message: escaped bytes and control characters as {@code \xNN}, NUL as {@code \0}, and cut short past
   * {@code max} characters.
   */
  public static String printable(String s, int max) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 16);
    int i = 0;
    for (; i < s.length() && b.length() < max; i++) {
      char c = s.charAt(i);
      if (c == 0) {
        b.append("\\0");
      } else if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else if (c >= ESCAPE_FIRST && c <= ESCAPE_LAST && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)))) {
        b.append(String.format("\\x%02x", c & 0xff));
      } else {
        b.append(c);
      }
    }
    return i < s.length() ? b + "... (" + s.length() + " characters)" : b.toString();
  }
}
