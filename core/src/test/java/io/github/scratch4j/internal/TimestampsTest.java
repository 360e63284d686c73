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

  @Test
  void formatsAsInstantToStringDoes() {
    java.util.Random random = new java.util.Random(17);
    java.util.List<Instant> instants = new java.util.ArrayList<>(java.util.List.of(
        Instant.EPOCH, Timestamps.DEFAULT, Instant.ofEpochSecond(-1), Instant.parse("0000-01-01T00:00:00Z"),
        Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("2000-02-29T12:00:00.5Z"),
        Instant.parse("2024-06-01T01:02:03.000004Z"), Instant.parse("-0001-12-31T23:59:59Z"),
        Instant.parse("+10000-01-01T00:00:00Z"), Instant.MIN, Instant.MAX));
    for (int i = 0; i < 10_000; i++) {
      long second = random.nextLong() % 400_000_000_000L;
      int nano = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1000;
        default -> random.nextInt(1_000_000_000);
      };
      instants.add(Instant.ofEpochSecond(second, nano));
    }
    for (Instant t : instants) {
      assertThat(Timestamps.format(t)).as("%s", t).isEqualTo(t.toString());
    }
  }
}
