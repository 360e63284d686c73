package io.github.scratch4j.internal;

import java.time.Instant;

/** The fixed timestamp given to every entry and document that is not given one explicitly. */
public final class Timestamps {
  /**
   * One second past the epoch rather than zero, because some programs read a modification time of
   * 0 as "unknown" ({@code java.io.File.lastModified()} returns 0 for a missing file).
   */
  public static final Instant DEFAULT = Instant.ofEpochSecond(1);

  private Timestamps() {}

  /**
   * Returns {@code SOURCE_DATE_EPOCH} when it is set to a valid number of seconds
   * (reproducible-builds.org/specs/source-date-epoch), otherwise {@link #DEFAULT}.
   */
  public static Instant reproducible() {
    return reproducible(System.getenv());
  }

  /** {@link #reproducible()} for a given environment. */
  static Instant reproducible(java.util.Map<String, String> environment) {
    String epoch = environment.get("SOURCE_DATE_EPOCH");
    if (epoch == null || epoch.isBlank()) {
      return DEFAULT;
    }
    try {
      return Instant.ofEpochSecond(Long.parseLong(epoch.trim()));
    } catch (NumberFormatException | java.time.DateTimeException e) {
      throw new IllegalStateException(
          "SOURCE_DATE_EPOCH is not a number of seconds since the epoch: '" + epoch + "'", e);
    }
  }

  /**
   * The same text as {@link Instant#toString()} (RFC 3339 in UTC, the fraction of a second in
   * groups of three digits, as many as it needs), without the JDK's formatter, whose classes cost
   * a new JVM about 10 ms; a year outside 0 to 9999 goes to {@link Instant#toString()}.
   */
  public static String format(Instant instant) {
    // 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z
    if (instant.getEpochSecond() < -62_167_219_200L || instant.getEpochSecond() > 253_402_300_799L) {
      return instant.toString();
    }
    java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(
        instant.getEpochSecond(), instant.getNano(), java.time.ZoneOffset.UTC);
    StringBuilder b = new StringBuilder(30);
    digits(b, t.getYear(), 4).append('-');
    digits(b, t.getMonthValue(), 2).append('-');
    digits(b, t.getDayOfMonth(), 2).append('T');
    digits(b, t.getHour(), 2).append(':');
    digits(b, t.getMinute(), 2).append(':');
    digits(b, t.getSecond(), 2);
    int nano = t.getNano();
    if (nano != 0) {
      b.append('.');
      if (nano % 1_000_000 == 0) {
        digits(b, nano / 1_000_000, 3);
      } else if (nano % 1000 == 0) {
        digits(b, nano / 1000, 6);
      } else {
        digits(b, nano, 9);
      }
    }
    return b.append('Z').toString();
  }

  private static StringBuilder digits(StringBuilder b, int value, int width) {
    String s = Integer.toString(value);
    for (int i = s.length(); i < width; i++) {
      b.append('0');
    }
    return b.append(s);
  }
}
