package io.github.scratch4j.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.scratch4j.Digest;
import io.github.scratch4j.ImageFormatException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A JSON value of the image documents, both ways: how it is written, when it counts as empty (an
 * empty value's field is left out), and how it is read back from untrusted input with the checks
 * and messages of a refusal.
 *
 * @param <V> the Java value
 */
public abstract class JsonType<V> {
  /** Writes the value (its field name is already written). */
  abstract void write(JsonWriter g, V value);

  /**
   * Reads a present, non-null node.
   *
   * @param what the object the value is in, as messages name it
   * @param where the value itself, as messages name it ({@code what} and the field name)
   */
  abstract V read(JsonNode node, String what, String where) throws ImageFormatException;

  /** The value of a field that is absent or null. */
  V empty() {
    throw new UnsupportedOperationException("a required value has no empty form");
  }

  /** Whether a field of this value is left out when it is optional. */
  boolean isEmpty(V value) {
    return false;
  }

  /** Whether a JSON null counts as absent for a required field (else the read says what is wrong). */
  boolean nullIsAbsent() {
    return true;
  }

  /** A string. */
  public static final JsonType<String> STRING = new JsonType<>() {
    @Override
    void write(JsonWriter g, String value) {
      g.writeString(value);
    }

    @Override
    String read(JsonNode node, String what, String where) throws ImageFormatException {
      if (!node.isTextual()) {
        throw new ImageFormatException(where + " is not a string");
      }
      return node.asText();
    }
  };

  /** A time, as RFC 3339 text. */
  public static final JsonType<Instant> INSTANT = new JsonType<>() {
    @Override
    void write(JsonWriter g, Instant value) {
      g.writeString(io.github.scratch4j.internal.Timestamps.format(value));
    }

    @Override
    Instant read(JsonNode node, String what, String where) throws ImageFormatException {
      String text = STRING.read(node, what, where);
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeException e) {
        throw new ImageFormatException(where + " is not an RFC 3339 time: '" + text + "'", e);
      }
    }
  };

  /** A digest as text; a malformed one is named by the object it is in. */
  public static final JsonType<Digest> DIGEST = new JsonType<>() {
    @Override
    void write(JsonWriter g, Digest value) {
      g.writeString(value.toString());
    }

    @Override
    Digest read(JsonNode node, String what, String where) throws ImageFormatException {
      return digest(STRING.read(node, what, where), what);
    }
  };

  /** A flag that is written only when true. */
  public static final JsonType<Boolean> TRUE_OR_ABSENT = new JsonType<>() {
    @Override
    void write(JsonWriter g, Boolean value) {
      g.writeBoolean(value);
    }

    @Override
    Boolean read(JsonNode node, String what, String where) throws ImageFormatException {
      if (!node.isBoolean()) {
        throw new ImageFormatException(where + " is not a boolean");
      }
      return node.asBoolean();
    }

    @Override
    Boolean empty() {
      return false;
    }

    @Override
    boolean isEmpty(Boolean value) {
      return !value;
    }
  };

  /** A byte count: a non-negative integer. */
  public static final JsonType<Long> SIZE = new JsonType<>() {
    @Override
    void write(JsonWriter g, Long value) {
      g.writeNumber(value);
    }

    @Override
    Long read(JsonNode node, String what, String where) throws ImageFormatException {
      if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0) {
        throw new ImageFormatException(invalidSize(what, node));
      }
      return node.asLong();
    }
  };

  /** The message for a descriptor's missing or invalid size. */
  static String invalidSize(String what, JsonNode size) {
    return what + " has no valid size (a non-negative integer): " + size;
  }

  /** An array of strings; empty when absent. */
  public static final JsonType<List<String>> STRINGS = new JsonType<>() {
    @Override
    void write(JsonWriter g, List<String> values) {
      g.writeStartArray();
      for (String v : values) {
        g.writeString(v);
      }
      g.writeEndArray();
    }

    @Override
    List<String> read(JsonNode node, String what, String where) throws ImageFormatException {
      List<String> out = new ArrayList<>();
      for (JsonNode e : array(node, where)) {
        if (!e.isTextual()) {
          throw new ImageFormatException(where + " holds a value that is not a string");
        }
        out.add(e.asText());
      }
      return out;
    }

    @Override
    List<String> empty() {
      return List.of();
    }

    @Override
    boolean isEmpty(List<String> value) {
      return value.isEmpty();
    }
  };

  /** An array of digests as text; a malformed one is named by the array. */
  public static final JsonType<List<Digest>> DIGESTS = new JsonType<>() {
    @Override
    void write(JsonWriter g, List<Digest> values) {
      g.writeStartArray();
      for (Digest d : values) {
        g.writeString(d.toString());
      }
      g.writeEndArray();
    }

    @Override
    List<Digest> read(JsonNode node, String what, String where) throws ImageFormatException {
      List<Digest> out = new ArrayList<>();
      for (String d : STRINGS.read(node, what, where)) {
        out.add(digest(d, where));
      }
      return out;
    }

    @Override
    List<Digest> empty() {
      return List.of();
    }

    @Override
    boolean isEmpty(List<Digest> value) {
      return value.isEmpty();
    }
  };

  /**
   * A set written as an object whose keys map to empty objects, as the config's
   * {@code ExposedPorts} and {@code Volumes} are (OCI image-spec, config.md); read back as its keys.
   */
  public static final JsonType<Collection<String>> KEYS = new JsonType<>() {
    @Override
    void write(JsonWriter g, Collection<String> keys) {
      g.writeStartObject();
      for (String k : keys) {
        g.writeObjectFieldStart(k);
        g.writeEndObject();
      }
      g.writeEndObject();
    }

    @Override
    Collection<String> read(JsonNode node, String what, String where) throws ImageFormatException {
      List<String> out = new ArrayList<>();
      for (Iterator<String> names = object(node, where).fieldNames(); names.hasNext(); ) {
        out.add(names.next());
      }
      return out;
    }

    @Override
    Collection<String> empty() {
      return List.of();
    }

    @Override
    boolean isEmpty(Collection<String> value) {
      return value.isEmpty();
    }
  };

  /** An object of strings, such as labels or annotations, written with its keys sorted. */
  public static final JsonType<Map<String, String>> STRING_MAP = new JsonType<>() {
    @Override
    void write(JsonWriter g, Map<String, String> values) {
      g.writeStartObject();
      for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    }

    @Override
    Map<String, String> read(JsonNode node, String what, String where) throws ImageFormatException {
      Map<String, String> out = new LinkedHashMap<>();
      object(node, where);
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (!f.getValue().isTextual()) {
          throw new ImageFormatException(where + " " + f.getKey() + " is not a string");
        }
        out.put(f.getKey(), f.getValue().asText());
      }
      return out;
    }

    @Override
    Map<String, String> empty() {
      return Map.of();
    }

    @Override
    boolean isEmpty(Map<String, String> value) {
      return value.isEmpty();
    }
  };

  /**
   * The integer {@code version}, the only one there is: written as it is, and on reading anything
   * else (or nothing) is refused.
   */
  public static JsonType<Integer> version(int version, String field) {
    return new JsonType<>() {
      @Override
      void write(JsonWriter g, Integer value) {
        g.writeNumber(value);
      }

      @Override
      Integer read(JsonNode node, String what, String where) throws ImageFormatException {
        if (!node.isInt() || node.asInt() != version) {
          throw new ImageFormatException(what + " has " + field + " " + node + ", expected " + version);
        }
        return version;
      }
    };
  }

  /** This type, or nothing: an absent or null field reads as empty, and an empty value is left out. */
  public JsonType<Optional<V>> optional() {
    JsonType<V> present = this;
    return new JsonType<>() {
      @Override
      void write(JsonWriter g, Optional<V> value) {
        present.write(g, value.orElseThrow());
      }

      @Override
      Optional<V> read(JsonNode node, String what, String where) throws ImageFormatException {
        return Optional.of(present.read(node, what, where));
      }

      @Override
      Optional<V> empty() {
        return Optional.empty();
      }

      @Override
      boolean isEmpty(Optional<V> value) {
        return value.isEmpty();
      }
    };
  }

  /** An array of this type; the element at {@code i} is named {@code where[i]}. */
  public JsonType<List<V>> list() {
    return list(null);
  }

  /** Decides, before an element is read, whether it is read at all. */
  public interface Keep {
    boolean test(JsonNode element, String where) throws ImageFormatException;
  }

  /**
   * An array of this type, of the elements {@code keep} accepts (all of them when it is null); the
   * others are not read any further.
   */
  public JsonType<List<V>> list(Keep keep) {
    JsonType<V> element = this;
    return new JsonType<>() {
      @Override
      void write(JsonWriter g, List<V> values) {
        g.writeStartArray();
        for (V v : values) {
          element.write(g, v);
        }
        g.writeEndArray();
      }

      @Override
      List<V> read(JsonNode node, String what, String where) throws ImageFormatException {
        List<V> out = new ArrayList<>();
        int i = 0;
        for (JsonNode e : array(node, where)) {
          String at = where + "[" + i++ + "]";
          if (keep == null || keep.test(e, at)) {
            out.add(element.read(e, at, at));
          }
        }
        return out;
      }

      @Override
      List<V> empty() {
        return List.of();
      }

      @Override
      boolean isEmpty(List<V> value) {
        return value.isEmpty();
      }
    };
  }

  /**
   * An object of {@code shape}: each value read into a fresh {@code A} of its access's {@link
   * Shape.Access#start}, which its {@link Shape.Access#finish} makes into the value. A value's
   * constructor refusing what was read ({@link IllegalArgumentException}) is the input's fault,
   * named by where the object is.
   */
  public static <V, A> JsonType<V> object(Shape<V, A> shape) {
    Shape.Access<V, A> access = shape.access();
    return new JsonType<>() {
      @Override
      void write(JsonWriter g, V value) {
        shape.write(g, value);
      }

      @Override
      V read(JsonNode node, String what, String where) throws ImageFormatException {
        A into = access.start();
        try {
          shape.read(node, into, where);
          return access.finish(into, where);
        } catch (IllegalArgumentException e) {
          throw new ImageFormatException(where + ": " + e.getMessage(), e);
        }
      }

      @Override
      boolean nullIsAbsent() {
        return false;
      }
    };
  }

  /** {@code n}, which must be an object. */
  public static JsonNode object(JsonNode n, String what) throws ImageFormatException {
    if (!n.isObject()) {
      throw new ImageFormatException(what + " is not a JSON object");
    }
    return n;
  }

  static Iterable<JsonNode> array(JsonNode n, String what) throws ImageFormatException {
    if (!n.isArray()) {
      throw new ImageFormatException(what + " is not a JSON array");
    }
    return n;
  }

  /** Parses a digest, which must be a well-formed sha256 or sha512 value. */
  public static Digest digest(String value, String what) throws ImageFormatException {
    try {
      return Digest.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ImageFormatException(what + ": " + e.getMessage(), e);
    }
  }
}
