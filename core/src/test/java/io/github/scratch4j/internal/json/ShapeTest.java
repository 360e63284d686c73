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

  private static final Shape<Pet, Read> PET = Shape.<Pet, Read>of(
      Field.required("name", JsonType.STRING, Pet::name, (r, v, w) -> r.seen.add("name=" + v)),
      Field.optional("tags", JsonType.STRINGS, Pet::tags, (r, v, w) -> r.seen.add("tags=" + v)),
      Field.always("toys", JsonType.STRINGS, Pet::toys, (r, v, w) -> r.seen.add("toys=" + v)))
      .keepingOthers(p -> new TreeMap<>(Map.of("zz", "1", "aa", "{}")), (r, m) -> r.others = m);

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
    assertThatThrownBy(() -> Shape.<Pet, Read>of(
        Field.optional("tags", JsonType.STRINGS, Pet::tags, Field.checkedOnly()),
        Field.optional("tags", JsonType.STRINGS, Pet::toys, Field.checkedOnly())))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("field tags is described twice");
  }
}
