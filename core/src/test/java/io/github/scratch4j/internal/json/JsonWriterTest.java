package io.github.scratch4j.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The writer gives the bytes Jackson's generator gave, which earlier archives' digests depend on. */
class JsonWriterTest {
  private static final JsonFactory JACKSON = JsonFactory.builder().build();

  private static String randomString(Random r) {
    StringBuilder b = new StringBuilder();
    for (int n = r.nextInt(12); n > 0; n--) {
      switch (r.nextInt(7)) {
        case 0 -> b.append((char) r.nextInt(0x20)); // control characters
        case 1 -> b.append("\"\\/\u007f".charAt(r.nextInt(4)));
        case 2 -> b.append((char) (0x80 + r.nextInt(0xd7ff - 0x80))); // BMP, below the surrogates
        case 3 -> b.appendCodePoint(0x10000 + r.nextInt(0x10ffff - 0x10000)); // a surrogate pair
        case 4 -> b.append((char) (0xd800 + r.nextInt(0x800))); // half of one, alone
        default -> b.append((char) (0x20 + r.nextInt(0x5f)));
      }
    }
    return b.toString();
  }

  @Test
  void writesWhatJacksonWritesForRandomDocuments() throws Exception {
    Random r = new Random(3);
    for (int doc = 0; doc < 500; doc++) {
      JsonWriter ours = new JsonWriter();
      ByteArrayOutputStream theirsOut = new ByteArrayOutputStream();
      try (JsonGenerator theirs = JACKSON.createGenerator(theirsOut)) {
        ours.writeStartObject();
        theirs.writeStartObject();
        for (int field = r.nextInt(6); field > 0; field--) {
          String name = randomString(r);
          switch (r.nextInt(5)) {
            case 0 -> {
              String v = randomString(r);
              ours.writeStringField(name, v);
              theirs.writeStringField(name, v);
            }
            case 1 -> {
              long v = r.nextLong();
              ours.writeNumberField(name, v);
              theirs.writeNumberField(name, v);
            }
            case 2 -> {
              ours.writeBooleanField(name, true);
              theirs.writeBooleanField(name, true);
            }
            case 3 -> {
              ours.writeArrayFieldStart(name);
              theirs.writeArrayFieldStart(name);
              for (int i = r.nextInt(4); i > 0; i--) {
                String v = randomString(r);
                ours.writeString(v);
                theirs.writeString(v);
                ours.writeStartObject();
                theirs.writeStartObject();
                ours.writeEndObject();
                theirs.writeEndObject();
              }
              ours.writeEndArray();
              theirs.writeEndArray();
            }
            default -> {
              ours.writeFieldName(name);
              theirs.writeFieldName(name);
              ours.writeRawValue("{\"kept\":[1,2]}");
              theirs.writeRawValue("{\"kept\":[1,2]}");
            }
          }
        }
        ours.writeEndObject();
        theirs.writeEndObject();
      }
      assertThat(new String(ours.toByteArray(), StandardCharsets.UTF_8))
          .isEqualTo(theirsOut.toString(StandardCharsets.UTF_8));
      assertThat(ours.toByteArray()).isEqualTo(theirsOut.toByteArray());
    }
  }

  @Test
  void topLevelArraysAndEscapesAsExpected() {
    JsonWriter w = new JsonWriter();
    w.writeStartArray();
    w.writeString("a\"b\\c\n\u0001é😀");
    w.writeNumber(-5);
    w.writeEndArray();
    assertThat(new String(w.toByteArray(), StandardCharsets.UTF_8))
        .isEqualTo("[\"a\\\"b\\\\c\\n\\u0001é\\uD83D\\uDE00\",-5]");
  }

  @Test
  void refusesUnbalancedDocuments() {
    JsonWriter open = new JsonWriter();
    open.writeStartObject();
    assertThatThrownBy(open::toByteArray).hasMessageContaining("unclosed");
    JsonWriter closed = new JsonWriter();
    assertThatThrownBy(closed::writeEndArray).hasMessageContaining("unbalanced");
  }
}
