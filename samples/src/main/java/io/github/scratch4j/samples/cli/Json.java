package io.github.scratch4j.samples.cli;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * Writes strings, numbers, lists and maps as JSON (RFC 8259), for {@code inspect --json}: a few
 * lines here rather than a dependency of the command line on the library's JSON parser.
 */
final class Json {
  private Json() {}

  /** {@code value}: a String, Number, Boolean, null, Collection or Map with String keys, as JSON. */
  static String write(Object value) {
    StringBuilder b = new StringBuilder();
    write(b, value);
    return b.toString();
  }

  private static void write(StringBuilder b, Object value) {
    if (value == null) {
      b.append("null");
    } else if (value instanceof Number || value instanceof Boolean) {
      b.append(value);
    } else if (value instanceof Map<?, ?> map) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        b.append(first ? "" : ",");
        first = false;
        string(b, (String) e.getKey());
        b.append(':');
        write(b, e.getValue());
      }
      b.append('}');
    } else if (value instanceof Collection<?> list) {
      b.append('[');
      boolean first = true;
      for (Object o : list) {
        b.append(first ? "" : ",");
        first = false;
        write(b, o);
      }
      b.append(']');
    } else {
      string(b, value.toString());
    }
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
