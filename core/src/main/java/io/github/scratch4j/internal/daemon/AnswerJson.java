package io.github.scratch4j.internal.daemon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parses the daemon's JSON messages (RFC 8259) into maps, lists, strings, numbers as text,
 * booleans and {@code null}. Loading Jackson for these few lines was measured at about a third
 * of a whole {@code build --load} of a small image (about 400 classes), so the answer is read by
 * this small parser; it refuses anything that is not one JSON value, and nests at most 32 deep.
 */
final class AnswerJson {
  private static final int MAX_DEPTH = 32;

  private final String text;
  private int at;

  private AnswerJson(String text) {
    this.text = text;
  }

  /** The value {@code text} holds, or empty when it is not exactly one JSON value. */
  static Optional<Object> parse(String text) {
    AnswerJson p = new AnswerJson(text);
    try {
      Object v = p.value(0);
      p.space();
      return p.at == text.length() ? Optional.of(v == null ? Null.NULL : v) : Optional.empty();
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return Optional.empty();
    }
  }

  /** A JSON {@code null}, so that a value is never Java's null. */
  enum Null {
    NULL
  }

  /** The string at {@code key} of an object, if {@code value} is an object that has one. */
  static Optional<String> string(Object value, String key) {
    if (value instanceof Map<?, ?> m && m.get(key) instanceof String s) {
      return Optional.of(s);
    }
    return Optional.empty();
  }

  /** The object at {@code key} of an object, if there is one. */
  static Optional<Object> object(Object value, String key) {
    if (value instanceof Map<?, ?> m && m.get(key) instanceof Map<?, ?> inner) {
      return Optional.of(inner);
    }
    return Optional.empty();
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("nested too deep");
    }
    space();
    char c = text.charAt(at);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        return word("true", Boolean.TRUE);
      case 'f':
        return word("false", Boolean.FALSE);
      case 'n':
        return word("null", Null.NULL);
      default:
        return number();
    }
  }

  private Map<String, Object> object(int depth) {
    Map<String, Object> out = new LinkedHashMap<>();
    at++;
    space();
    if (text.charAt(at) == '}') {
      at++;
      return out;
    }
    while (true) {
      space();
      if (text.charAt(at) != '"') {
        throw new IllegalArgumentException("a key must be a string");
      }
      String key = string();
      space();
      expect(':');
      out.put(key, value(depth + 1));
      space();
      char c = text.charAt(at++);
      if (c == '}') {
        return out;
      }
      if (c != ',') {
        throw new IllegalArgumentException("expected , or }");
      }
    }
  }

  private List<Object> array(int depth) {
    List<Object> out = new ArrayList<>();
    at++;
    space();
    if (text.charAt(at) == ']') {
      at++;
      return out;
    }
    while (true) {
      out.add(value(depth + 1));
      space();
      char c = text.charAt(at++);
      if (c == ']') {
        return out;
      }
      if (c != ',') {
        throw new IllegalArgumentException("expected , or ]");
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder b = new StringBuilder();
    while (true) {
      char c = text.charAt(at++);
      if (c == '"') {
        return b.toString();
      }
      if (c < 0x20) {
        throw new IllegalArgumentException("a control character in a string");
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      char e = text.charAt(at++);
      switch (e) {
        case '"', '\\', '/' -> b.append(e);
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> {
          b.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
          at += 4;
        }
        default -> throw new IllegalArgumentException("a bad escape");
      }
    }
  }

  private String number() {
    int start = at;
    while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
      at++;
    }
    if (start == at) {
      throw new IllegalArgumentException("not a value");
    }
    return text.substring(start, at);
  }

  private Object word(String word, Object value) {
    if (!text.startsWith(word, at)) {
      throw new IllegalArgumentException("not a value");
    }
    at += word.length();
    return value;
  }

  private void expect(char c) {
    if (text.charAt(at++) != c) {
      throw new IllegalArgumentException("expected " + c);
    }
  }

  private void space() {
    while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
      at++;
    }
  }
}
