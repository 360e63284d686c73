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
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The fields of one JSON object of an image document, in the order they are written (the order
 * the OCI image-spec lists them): each field's name, JSON type, where its value comes from when
 * the document is written and where it goes when it is read. The writer and the reader both go
 * through this table, so each field is named once.
 *
 * @param <T> what a written object is made from
 * @param <A> what reading an object fills in
 */
public final class Shape<T, A> {
  private final List<Part<T, A>> parts;
  private final Set<String> names;
  private final Function<T, Map<String, String>> othersToWrite;
  private final BiConsumer<A, Map<String, String>> othersRead;

  private Shape(List<Part<T, A>> parts, Function<T, Map<String, String>> othersToWrite,
      BiConsumer<A, Map<String, String>> othersRead) {
    this.parts = List.copyOf(parts);
    Set<String> known = new LinkedHashSet<>();
    for (Part<T, A> p : parts) {
      if (p instanceof Field<T, A, ?> f && !known.add(f.name)) {
        throw new IllegalArgumentException("field " + f.name + " is described twice");
      }
    }
    this.names = Set.copyOf(known);
    this.othersToWrite = othersToWrite;
    this.othersRead = othersRead;
  }

  /**
   * An object of these fields, written in this order; reading goes through them in the same
   * order, running the checks where they stand. Fields it does not list are ignored when read.
   */
  @SafeVarargs
  public static <T, A> Shape<T, A> of(Part<T, A>... parts) {
    return new Shape<>(Arrays.asList(parts), null, null);
  }

  /** A field, or a check of the object as a whole. */
  public sealed interface Part<T, A> permits Field, Check {}

  /** A rule about the whole object that reading checks where it stands among the fields; nothing is written. */
  public record Check<T, A>(ObjectCheck check) implements Part<T, A> {}

  /** Refuses an object. */
  public interface ObjectCheck {
    void check(JsonNode object, String what) throws ImageFormatException;
  }

  /** A check of the whole object, at its place among the fields. */
  public static <T, A> Check<T, A> check(ObjectCheck check) {
    return new Check<>(check);
  }

  /**
   * This shape, keeping the fields it does not list as raw JSON text by name: read into
   * {@code read} (sorted by name), and written back from {@code toWrite} after the listed fields,
   * in the order of its map.
   */
  public Shape<T, A> keepingOthers(Function<T, Map<String, String>> toWrite, BiConsumer<A, Map<String, String>> read) {
    return new Shape<>(parts, toWrite, read);
  }

  /** The names of the listed fields. */
  public Set<String> names() {
    return names;
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
        f.write(g, value);
      }
    }
    if (othersToWrite != null) {
      for (Map.Entry<String, String> f : othersToWrite.apply(value).entrySet()) {
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
        f.readInto(node, into, what);
      } else if (p instanceof Check<T, A> c) {
        c.check().check(node, what);
      }
    }
    if (othersRead != null) {
      Map<String, String> others = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (!names.contains(f.getKey())) {
          others.put(f.getKey(), JsonReader.compact(f.getValue()));
        }
      }
      othersRead.accept(into, others);
    }
  }

  /** Where a field's value goes when it is read; {@code what} names the object, for a refusal. */
  public interface Setter<A, V> {
    void set(A into, V value, String what) throws ImageFormatException;
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
    private final Function<T, V> get;
    private final Setter<A, V> set;
    private final Function<String, String> missing;
    private final String separator;

    private Field(String name, Use use, JsonType<V> type, Shape<V, A> inline, Function<T, V> get,
        Setter<A, V> set, Function<String, String> missing, String separator) {
      this.name = name;
      this.use = use;
      this.type = type;
      this.inline = inline;
      this.get = get;
      this.set = set;
      this.missing = missing;
      this.separator = separator;
    }

    /** A field every object has: reading one without it fails with "{@code <what>} has no {@code <name>}". */
    public static <T, A, V> Field<T, A, V> required(String name, JsonType<V> type, Function<T, V> get, Setter<A, V> set) {
      return new Field<>(name, Use.REQUIRED, type, null, get, set, what -> what + " has no " + name, " ");
    }

    /** A field left out when its value is empty, and read as empty when absent or null. */
    public static <T, A, V> Field<T, A, V> optional(String name, JsonType<V> type, Function<T, V> get, Setter<A, V> set) {
      return new Field<>(name, Use.OPTIONAL, type, null, get, set, null, " ");
    }

    /** A field written even when its value is empty, and read as empty when absent or null. */
    public static <T, A, V> Field<T, A, V> always(String name, JsonType<V> type, Function<T, V> get, Setter<A, V> set) {
      return new Field<>(name, Use.ALWAYS, type, null, get, set, null, " ");
    }

    /**
     * A nested object whose fields fill in the same {@code A} as the object around it (the
     * config's {@code config} and {@code rootfs}). When {@code required}, reading refuses an
     * object without it; otherwise an absent or null one is skipped.
     */
    public static <T, A, V> Field<T, A, V> inline(String name, boolean required, Shape<V, A> shape, Function<T, V> get) {
      return new Field<>(name, required ? Use.REQUIRED : Use.ALWAYS, null, shape, get, null,
          what -> what + " has no " + name, " ");
    }

    /**
     * A field that is written but not read: reading a document neither checks it nor keeps it.
     */
    public static <T, A, V> Field<T, A, V> writtenOnly(String name, JsonType<V> type, Function<T, V> get) {
      return new Field<>(name, Use.OPTIONAL, type, null, get, null, null, " ");
    }

    /** This field, read only to be checked: its value goes nowhere. */
    public static <T, A, V> Setter<A, V> checkedOnly() {
      return (into, value, what) -> { };
    }

    /** This field with another message when it is missing, made from the object's name. */
    public Field<T, A, V> whenMissing(Function<String, String> message) {
      return new Field<>(name, use, type, inline, get, set, message, separator);
    }

    /** This field, named in messages as {@code <what><separator><name>} rather than with a space. */
    public Field<T, A, V> namedWith(String newSeparator) {
      return new Field<>(name, use, type, inline, get, set, missing, newSeparator);
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
          throw new ImageFormatException(missing.apply(what));
        }
        return type.empty();
      }
      return type.read(n, what, what + separator + name);
    }

    void readInto(JsonNode object, A into, String what) throws ImageFormatException {
      if (inline == null && set == null) {
        return;
      }
      if (inline == null) {
        set.set(into, read(object, what), what);
        return;
      }
      JsonNode n = object.get(name);
      if (n == null || (n.isNull() && use != Use.REQUIRED)) {
        if (use == Use.REQUIRED) {
          throw new ImageFormatException(missing.apply(what));
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

    void write(JsonWriter g, T from) {
      V value = get.apply(from);
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
