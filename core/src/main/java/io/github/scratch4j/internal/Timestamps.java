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
}
