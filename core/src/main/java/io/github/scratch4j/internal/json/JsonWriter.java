package io.github.scratch4j.internal.json;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes compact JSON (RFC 8259) as UTF-8, for the few small documents an image has. Strings are
 * escaped as Jackson's generator escapes them by default (quote, backslash, the short escapes
 * {@code \b \t \n \f \r}, other control characters and each half of a surrogate pair as
 * {@code \}{@code uXXXX}, everything else as UTF-8), so the bytes, and the digests, are the same as
 * before this writer existed. It exists
 * because loading Jackson's generator was a tenth of a short build's time.
 */
final class JsonWriter {
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
  /** One bit per open container: whether it has a value yet (so the next needs a comma). */
  private long hasValue;
  private int depth;
  private boolean afterName;

  byte[] toByteArray() {
    if (depth != 0) {
      throw new IllegalStateException("unclosed JSON object or array");
    }
    return out.toByteArray();
  }

  private void beforeValue() {
    if (afterName) {
      afterName = false;
      return;
    }
    if (depth > 0) {
      long bit = 1L << (depth - 1);
      if ((hasValue & bit) != 0) {
        out.write(',');
      }
      hasValue |= bit;
    }
  }

  private void open(char c) {
    beforeValue();
    if (depth == 64) {
      throw new IllegalStateException("JSON nested deeper than 64");
    }
    out.write(c);
    depth++;
    hasValue &= ~(1L << (depth - 1));
  }

  private void close(char c) {
    if (depth == 0 || afterName) {
      throw new IllegalStateException("unbalanced JSON");
    }
    depth--;
    out.write(c);
  }

  void writeStartObject() {
    open('{');
  }

  void writeEndObject() {
    close('}');
  }

  void writeStartArray() {
    open('[');
  }

  void writeEndArray() {
    close(']');
  }

  void writeFieldName(String name) {
    if (afterName) {
      throw new IllegalStateException("a field name where a value belongs");
    }
    beforeValue();
    quoted(name);
    out.write(':');
    afterName = true;
  }

  void writeString(String value) {
    beforeValue();
    quoted(value);
  }

  void writeNumber(long value) {
    beforeValue();
    out.writeBytes(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
  }

  void writeBoolean(boolean value) {
    beforeValue();
    out.writeBytes((value ? "true" : "false").getBytes(StandardCharsets.US_ASCII));
  }

  /** A value that is already JSON text, copied as it is. */
  void writeRawValue(String json) {
    beforeValue();
    out.writeBytes(json.getBytes(StandardCharsets.UTF_8));
  }

  void writeStringField(String name, String value) {
    writeFieldName(name);
    writeString(value);
  }

  void writeNumberField(String name, long value) {
    writeFieldName(name);
    writeNumber(value);
  }

  void writeBooleanField(String name, boolean value) {
    writeFieldName(name);
    writeBoolean(value);
  }

  void writeObjectFieldStart(String name) {
    writeFieldName(name);
    writeStartObject();
  }

  void writeArrayFieldStart(String name) {
    writeFieldName(name);
    writeStartArray();
  }

  private void quoted(String s) {
    out.write('"');
    int plainFrom = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String shortEscape = switch (c) {
        case '"' -> "\\\"";
        case '\\' -> "\\\\";
        case '\b' -> "\\b";
        case '\t' -> "\\t";
        case '\n' -> "\\n";
        case '\f' -> "\\f";
        case '\r' -> "\\r";
        default -> null;
      };
      if (shortEscape == null && c >= 0x20 && !Character.isSurrogate(c)) {
        continue;
      }
      out.writeBytes(s.substring(plainFrom, i).getBytes(StandardCharsets.UTF_8));
      plainFrom = i + 1;
      if (shortEscape != null) {
        out.writeBytes(shortEscape.getBytes(StandardCharsets.US_ASCII));
      } else {
        // RFC 8259 section 7: control characters must be escaped. Jackson also escapes each half
        // of a surrogate pair rather than writing the code point's four UTF-8 bytes.
        out.write('\\');
        out.write('u');
        out.write(HEX[c >> 12]);
        out.write(HEX[(c >> 8) & 0xf]);
        out.write(HEX[(c >> 4) & 0xf]);
        out.write(HEX[c & 0xf]);
      }
    }
    out.writeBytes(s.substring(plainFrom).getBytes(StandardCharsets.UTF_8));
    out.write('"');
  }
}
