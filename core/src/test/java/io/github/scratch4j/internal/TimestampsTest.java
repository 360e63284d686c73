package io.github.scratch4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  @Test
  void defaultsToOneSecondPastTheEpoch() {
    assertThat(Timestamps.reproducible(Map.of())).isEqualTo(Instant.parse("1970-01-01T00:00:01Z"));
  }

  @Test
  void honorsSourceDateEpoch() {
    assertThat(Timestamps.reproducible(Map.of("SOURCE_DATE_EPOCH", "1700000000")))
        .isEqualTo(Instant.ofEpochSecond(1_700_000_000));
  }

  @Test
  void rejectsSourceDateEpochThatIsNotANumber() {
    assertThatThrownBy(() -> Timestamps.reproducible(Map.of("SOURCE_DATE_EPOCH", "yesterday")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SOURCE_DATE_EPOCH")
        .hasMessageContaining("yesterday");
  }
}
