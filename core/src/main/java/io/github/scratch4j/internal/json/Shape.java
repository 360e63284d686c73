package io.github.scratch4j.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.scratch4j.ImageFormatException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fields of one JSON object of an image document, in the order they are written (the order
 * the OCI image-spec lists them): each field's name, JSON type and whether it must be there. The
 * writer and the reader both go through this table, so each field is named once; where a field's
 * value comes from and where it goes is the {@link Access} of the shape, one class per object,
 * switching on the field's name (lambdas, one class each spun at first use, cost a new JVM about
 * 80 ms for these tables).
 *
 * @param <T> what a written object is made from
 * @param <A> what reading an object fills in
 */
public final class Shape<T, A> {
  private final Access<T, A> access;
  private final List<Part<T, A>> parts;
  private final Set<String> names;
  private final boolean keepingOthers;

  private Shape(Access<T, A> access, List<Part<T, A>> parts, boolean keepingOthers) {
    this.access = access;
    this.parts = List.copyOf(parts);
    Set<String> known = new LinkedHashSet<>();
    for (Part<T, A> p : parts) {
      if (p instanceof Field<T, A, ?> f && !known.add(f.name)) {
        throw new IllegalArgumentException("field " + f.name + " is described twice");
      }
    }
    this.names = Set.copyOf(known);
    this.keepingOthers = keepingOthers;
  }

  /**
   * An object of these fields, written in this order; reading goes through them in the same
   * order, running the checks where they stand. Fields it does not list are ignored when read.
   */
  @SafeVarargs
  public static <T, A> Shape<T, A> of(Access<T, A> access, Part<T, A>... parts) {
    return new Shape<>(access, Arrays.asList(parts), false);
  }

  /**
   * Where the values of a shape's fields come from and go, by field name; and what else reading
   * or writing an object of it takes.
   *
   * @param <T> what a written object is made from
   * @param <A> what reading an object fills in
   */
  public interface Access<T, A> {
    /** The value of field {@code name} of {@code from}, of the field's type. */
    Object get(String name, T from);

    /**
     * Takes the value read for field {@code name}; {@code what} names the object, for a refusal.
     * A field it does not take is read only to be checked.
     */
    default void set(String name, A into, Object value, String what) throws ImageFormatException {}

    /** What a {@link Shape#check()} of the whole object checks, where it stands among the fields. */
    default void check(JsonNode object, String what) throws ImageFormatException {}

    /** A fresh {@code A}, for an object read as a value ({@link JsonType#object(Shape)}). */
    default A start() {
      throw new UnsupportedOperationException("not read as a value");
    }

    /** The value made of what an object's fields gave ({@link JsonType#object(Shape)}). */
    default T finish(A read, String where) throws ImageFormatException {
      throw new UnsupportedOperationException("not read as a value");
    }

    /** The fields not listed, as raw JSON text by name, written after the listed ones ({@link #keepingOthers}). */
    default Map<String, String> others(T from) {
      return Map.of();
    }

    /** Takes the fields not listed, sorted by name ({@link #keepingOthers}). */
    default void others(A into, Map<String, String> read) {}
  }

  /** A field, or a check of the object as a whole. */
  public sealed interface Part<T, A> permits Field, Check {}

  /** A rule about the whole object that reading checks where it stands among the fields; nothing is written. */
  public static final class Check<T, A> implements Part<T, A> {
    private Check() {}
  }

  /** The shape's {@link Access#check}, at its place among the fields. */
  public static <T, A> Check<T, A> check() {
    return new Check<>();
  }

  /**
   * This shape, keeping the fields it does not list as raw JSON text by name: read into its
   * access's {@link Access#others(Object, Map)} and written back from {@link Access#others(Object)}.
   */
  public Shape<T, A> keepingOthers() {
    return new Shape<>(access, parts, true);
  }

  /** The names of the listed fields. */
  public Set<String> names() {
    return names;
  }

  Access<T, A> access() {
    return access;
  }

  /** The compact JSON of one object. */
  public byte[] toJson(T value) {
    JsonWriter g = new JsonWriter();
    write(g, value);
    return g.toByteArray();
  }

  void write(JsonWriter g, T value) {
    g.writeStartObject();
    for (Part<T, A> p : parts) {
      if (p instanceof Field<T, A, ?> f) {
        f.write(g, access.get(f.name, value));
      }
    }
    if (keepingOthers) {
      for (Map.Entry<String, String> f : access.others(value).entrySet()) {
        g.writeFieldName(f.getKey());
        g.writeRawValue(f.getValue());
      }
    }
    g.writeEndObject();
  }

  /**
   * Reads an object's fields into {@code into}, in the listed order.
   *
   * @param what the object, as messages name it
   */
  public void read(JsonNode node, A into, String what) throws ImageFormatException {
    JsonType.object(node, what);
    for (Part<T, A> p : parts) {
      if (p instanceof Field<T, A, ?> f) {
        f.readInto(node, into, what, access);
      } else {
        access.check(node, what);
      }
    }
    if (keepingOthers) {
      Map<String, String> others = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (!names.contains(f.getKey())) {
          others.put(f.getKey(), JsonReader.compact(f.getValue()));
        }
      }
      access.others(into, others);
    }
  }

  /**
   * One field of an object.
   *
   * @param <T> what a written object is made from
   * @param <A> what reading an object fills in
   * @param <V> the field's value
   */
  public static final class Field<T, A, V> implements Part<T, A> {
    private enum Use {
      /** Always written; reading refuses an object without it. */
      REQUIRED,
      /** Left out when empty; absent reads as empty. */
      OPTIONAL,
      /** Always written, even when empty; absent reads as empty. */
      ALWAYS
    }

    private final String name;
    private final Use use;
    private final JsonType<V> type;
    private final Shape<V, A> inline;
    private final boolean read;
    /** What follows the object's name in the message for a missing required field. */
    private final String missing;
    private final String separator;

    private Field(String name, Use use, JsonType<V> type, Shape<V, A> inline, boolean read, String missing,
        String separator) {
      this.name = name;
      this.use = use;
      this.type = type;
      this.inline = inline;
      this.read = read;
      this.missing = missing;
      this.separator = separator;
    }

    /** A field every object has: reading one without it fails with "{@code <what>} has no {@code <name>}". */
    public static <T, A, V> Field<T, A, V> required(String name, JsonType<V> type) {
      return new Field<>(name, Use.REQUIRED, type, null, true, " has no " + name, " ");
    }

    /** A field left out when its value is empty, and read as empty when absent or null. */
    public static <T, A, V> Field<T, A, V> optional(String name, JsonType<V> type) {
      return new Field<>(name, Use.OPTIONAL, type, null, true, null, " ");
    }

    /** A field written even when its value is empty, and read as empty when absent or null. */
    public static <T, A, V> Field<T, A, V> always(String name, JsonType<V> type) {
      return new Field<>(name, Use.ALWAYS, type, null, true, null, " ");
    }

    /**
     * A nested object whose fields fill in the same {@code A} as the object around it (the
     * config's {@code config} and {@code rootfs}). When {@code required}, reading refuses an
     * object without it; otherwise an absent or null one is skipped.
     */
    public static <T, A, V> Field<T, A, V> inline(String name, boolean required, Shape<V, A> shape) {
      return new Field<>(name, required ? Use.REQUIRED : Use.ALWAYS, null, shape, true, " has no " + name, " ");
    }

    /** A field that is written but not read: reading a document neither checks it nor keeps it. */
    public static <T, A, V> Field<T, A, V> writtenOnly(String name, JsonType<V> type) {
      return new Field<>(name, Use.OPTIONAL, type, null, false, null, " ");
    }

    /** This field with another message when it is missing: {@code <what>} followed by {@code suffix}. */
    public Field<T, A, V> whenMissing(String suffix) {
      return new Field<>(name, use, type, inline, read, suffix, separator);
    }

    /** This field, named in messages as {@code <what><separator><name>} rather than with a space. */
    public Field<T, A, V> namedWith(String newSeparator) {
      return new Field<>(name, use, type, inline, read, missing, newSeparator);
    }

    /** The field's name. */
    public String name() {
      return name;
    }

    /** Whether {@code object} has this field at all (even as null). */
    public boolean isIn(JsonNode object) {
      return object.has(name);
    }

    /** The field's value in {@code object} (the object {@code what} names), checked. */
    public V read(JsonNode object, String what) throws ImageFormatException {
      JsonNode n = object.get(name);
      if (n == null || n.isNull() && (use != Use.REQUIRED || type.nullIsAbsent())) {
        if (use == Use.REQUIRED) {
          throw new ImageFormatException(what + missing);
        }
        return type.empty();
      }
      return type.read(n, what, what + separator + name);
    }

    void readInto(JsonNode object, A into, String what, Access<T, A> access) throws ImageFormatException {
      if (!read) {
        return;
      }
      if (inline == null) {
        access.set(name, into, read(object, what), what);
        return;
      }
      JsonNode n = object.get(name);
      if (n == null || (n.isNull() && use != Use.REQUIRED)) {
        if (use == Use.REQUIRED) {
          throw new ImageFormatException(what + missing);
        }
        return;
      }
      String where = what + separator + name;
      try {
        inline.read(n, into, where);
      } catch (IllegalArgumentException e) {
        throw new ImageFormatException(where + ": " + e.getMessage(), e);
      }
    }

    @SuppressWarnings("unchecked")
    void write(JsonWriter g, Object got) {
      V value = (V) got;
      if (use == Use.OPTIONAL && type.isEmpty(value)) {
        return;
      }
      g.writeFieldName(name);
      if (inline != null) {
        inline.write(g, value);
      } else {
        type.write(g, value);
      }
    }
  }
}
