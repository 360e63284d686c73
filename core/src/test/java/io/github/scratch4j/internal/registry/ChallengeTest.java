package io.github.scratch4j.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChallengeTest {
  @Test
  void parsesABearerChallengeWithQuotedParameters() {
    List<Challenge> all = Challenge.parse(List.of(
        "Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\",scope=\"repository:a/b:pull,push\""));
    assertThat(all).hasSize(1);
    Challenge c = all.get(0);
    assertThat(c.scheme()).isEqualTo("Bearer");
    assertThat(c.param("realm")).contains("https://auth.example.com/token");
    assertThat(c.param("service")).contains("registry.example.com");
    assertThat(c.param("scope")).contains("repository:a/b:pull,push");
  }

  @Test
  void parsesSeveralChallengesTokensEscapesAndCase() {
    List<Challenge> all = Challenge.parse(List.of(
        "Basic realm=\"Registry \\\"x\\\"\", Bearer REALM=https, error=insufficient_scope", "Negotiate"));
    assertThat(all).extracting(Challenge::scheme).containsExactly("Basic", "Bearer", "Negotiate");
    assertThat(all.get(0).param("realm")).contains("Registry \"x\"");
    assertThat(all.get(1).param("realm")).contains("https");
    assertThat(all.get(1).param("error")).contains("insufficient_scope");
    assertThat(Challenge.find(all, "bearer")).contains(all.get(1));
  }

  @Test
  void anUnterminatedQuoteKeepsWhatWasRead() {
    List<Challenge> all = Challenge.parse(List.of("Bearer service=\"s\",realm=\"https://x"));
    assertThat(all).hasSize(1);
    assertThat(all.get(0).param("service")).contains("s");
    assertThat(all.get(0).param("realm")).isEmpty();
  }

  @Test
  void emptyOrGarbageGivesNothingUsable() {
    assertThat(Challenge.parse(List.of(""))).isEmpty();
    assertThat(Challenge.parse(List.of(",,, "))).isEmpty();
  }
}
