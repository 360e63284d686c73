package io.github.scratch4j.internal.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One challenge of a {@code WWW-Authenticate} header: a scheme and its parameters (RFC 7235
 * section 4.1; parameters are {@code name=token} or {@code name="quoted string"}, RFC 7230
 * section 3.2.6).
 */
record Challenge(String scheme, Map<String, String> params) {

  Optional<String> param(String name) {
    return Optional.ofNullable(params.get(name));
  }

  /** Parses every challenge in the header values; malformed parts end the parse, keeping what was read. */
  static List<Challenge> parse(List<String> headers) {
    List<Challenge> out = new ArrayList<>();
    for (String h : headers) {
      new Parser(h).all(out);
    }
    return out;
  }

  /** The first challenge with this scheme (compared without case). */
  static Optional<Challenge> find(List<Challenge> all, String scheme) {
    return all.stream().filter(c -> c.scheme.equalsIgnoreCase(scheme)).findFirst();
  }

  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    void all(List<Challenge> out) {
      while (true) {
        skip(" \t,");
        String scheme = token();
        if (scheme.isEmpty()) {
          return;
        }
        Map<String, String> params = new LinkedHashMap<>();
        while (true) {
          skip(" \t");
          int mark = i;
          String name = token();
          skip(" \t");
          if (name.isEmpty() || i >= s.length() || s.charAt(i) != '=') {
            i = mark; // the next challenge's scheme, or the end
            break;
          }
          i++;
          skip(" \t");
          String value;
          if (i < s.length() && s.charAt(i) == '"') {
            value = quoted();
            if (value == null) {
              out.add(new Challenge(scheme, Map.copyOf(params)));
              return;
            }
          } else {
            value = token();
          }
          params.putIfAbsent(name.toLowerCase(Locale.ROOT), value);
          skip(" \t");
          if (i < s.length() && s.charAt(i) == ',') {
            i++;
          }
        }
        out.add(new Challenge(scheme, Map.copyOf(params)));
      }
    }

    private void skip(String chars) {
      while (i < s.length() && chars.indexOf(s.charAt(i)) >= 0) {
        i++;
      }
    }

    private String token() {
      int start = i;
      while (i < s.length() && isTokenChar(s.charAt(i))) {
        i++;
      }
      return s.substring(start, i);
    }

    private static boolean isTokenChar(char c) {
      return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={} \t".indexOf(c) < 0;
    }

    private String quoted() {
      StringBuilder b = new StringBuilder();
      i++;
      while (i < s.length()) {
        char c = s.charAt(i++);
        if (c == '"') {
          return b.toString();
        }
        if (c == '\\' && i < s.length()) {
          c = s.charAt(i++);
        }
        b.append(c);
      }
      return null;
    }
  }
}
