package io.github.scratch4j.internal;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Levenshtein distances, for the "did you mean" of messages. */
public final class EditDistance {
  private EditDistance() {}

  /** The distance of two strings, or {@code limit + 1} as soon as it is known to exceed {@code limit}. */
  public static int of(String a, String b, int limit) {
    if (Math.abs(a.length() - b.length()) > limit) {
      return limit + 1;
    }
    int[] previous = new int[b.length() + 1];
    int[] row = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      row[0] = i;
      int best = row[0];
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        row[j] = Math.min(Math.min(row[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
        best = Math.min(best, row[j]);
      }
      if (best > limit) {
        return limit + 1;
      }
      int[] t = previous;
      previous = row;
      row = t;
    }
    return previous[b.length()];
  }

  /** Up to {@code n} candidates nearest to {@code wanted}, nearest first, then in string order. */
  public static List<String> nearest(String wanted, Collection<String> candidates, int n) {
    int limit = Math.max(3, wanted.length() / 2);
    record Scored(String candidate, int distance) {}
    return candidates.stream()
        .map(c -> new Scored(c, of(wanted, c, limit)))
        .filter(s -> s.distance() <= limit)
        .sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::candidate))
        .limit(n)
        .map(Scored::candidate)
        .toList();
  }
}
