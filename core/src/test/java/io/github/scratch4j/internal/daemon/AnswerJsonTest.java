package io.github.scratch4j.internal.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnswerJsonTest {
  @Test
  void readsTheDaemonsMessagesWithEscapes() {
    Object v = AnswerJson.parse("{\"stream\":\"Loaded image: a:1\\n\",\"n\":-1.5e3,\"ok\":true,\"x\":null,"
        + "\"list\":[1,\"\\u00e9\\\"\\\\\\/\"],\"errorDetail\":{\"message\":\"tab\\there\"}}").orElseThrow();
    assertThat(AnswerJson.string(v, "stream")).contains("Loaded image: a:1\n");
    assertThat(((Map<?, ?>) v).get("n")).isEqualTo("-1.5e3");
    assertThat(((Map<?, ?>) v).get("ok")).isEqualTo(Boolean.TRUE);
    assertThat(((Map<?, ?>) v).get("x")).isEqualTo(AnswerJson.Null.NULL);
    assertThat(((Map<?, ?>) v).get("list")).isEqualTo(List.of("1", "é\"\\/"));
    assertThat(AnswerJson.object(v, "errorDetail").flatMap(d -> AnswerJson.string(d, "message"))).contains("tab\there");
    assertThat(AnswerJson.string(v, "missing")).isEmpty();
    assertThat(AnswerJson.string(v, "ok")).as("not a string").isEmpty();
  }

  @Test
  void anythingButOneJsonValueIsEmpty() {
    for (String bad : new String[] {"", "{", "{\"a\":1", "{\"a\" 1}", "{a:1}", "[1,]x", "{\"a\":1} {}", "\"\u0001\"",
        "\"\\x\"", "tru", "{\"a\":\"\\u12\"}", "[".repeat(40) + "]".repeat(40)}) {
      assertThat(AnswerJson.parse(bad)).as(bad).isEmpty();
    }
    assertThat(AnswerJson.parse(" [ ] ")).contains(List.of());
  }
}
