package io.github.scratch4j.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.internal.json.Shape.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** One table of fields drives the writer and the reader of an object. */
class ShapeTest {
  private record Pet(String name, List<String> tags, List<String> toys) {}

  private static final class Read {
    final List<String> seen = new ArrayList<>();
    Map<String, String> others = Map.of();
  }

  /** The pet's fields: what each is written from, and what reading one records. */
  private static final class PetFields implements Shape.Access<Pet, Read> {
    @Override
    public Object get(String name, Pet p) {
      return switch (name) {
        case "name" -> p.name();
        case "tags" -> p.tags();
        case "toys" -> p.toys();
        default -> throw new IllegalStateException(name);
      };
    }

    @Override
    public void set(String name, Read r, Object v, String what) {
      r.seen.add(name + "=" + v);
    }

    @Override
    public Map<String, String> others(Pet p) {
      return new TreeMap<>(Map.of("zz", "1", "aa", "{}"));
    }

    @Override
    public void others(Read r, Map<String, String> m) {
      r.others = m;
    }
  }

  private static final Shape<Pet, Read> PET = Shape.of(new PetFields(),
      Field.required("name", JsonType.STRING),
      Field.optional("tags", JsonType.STRINGS),
      Field.always("toys", JsonType.STRINGS))
      .keepingOthers();

  private static Read read(String json) throws ImageFormatException {
    Read r = new Read();
    PET.read(JsonReader.parse(json.getBytes(StandardCharsets.UTF_8), "pet"), r, "pet");
    return r;
  }

  @Test
  void writesFieldsInTableOrderLeavingOutOnlyEmptyOptionalOnesThenTheOthersByName() {
    String json = new String(PET.toJson(new Pet("rex", List.of(), List.of())), StandardCharsets.UTF_8);

    assertThat(json).isEqualTo("{\"name\":\"rex\",\"toys\":[],\"aa\":{},\"zz\":1}");
  }

  @Test
  void readsEveryFieldInTableOrderWithAbsentOrNullOnesEmptyAndKeepsTheOthersAsText() throws Exception {
    Read r = read("{\"toys\":null,\"x\":[1, 2],\"name\":\"rex\"}");

    assertThat(r.seen).containsExactly("name=rex", "tags=[]", "toys=[]");
    assertThat(r.others).containsExactly(Map.entry("x", "[1,2]"));
  }

  @Test
  void refusesAnObjectWithoutARequiredFieldOrWithANullOne() {
    assertThatThrownBy(() -> read("{}")).hasMessage("pet has no name");
    assertThatThrownBy(() -> read("{\"name\":null}")).hasMessage("pet has no name");
    assertThatThrownBy(() -> read("{\"name\":\"rex\",\"tags\":[3]}")).hasMessage("pet tags holds a value that is not a string");
  }

  @Test
  void refusesATableThatNamesAFieldTwice() {
    assertThatThrownBy(() -> Shape.of(new PetFields(),
        Field.optional("tags", JsonType.STRINGS),
        Field.optional("tags", JsonType.STRINGS)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("field tags is described twice");
  }
}
