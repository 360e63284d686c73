package io.github.scratch4j.internal.registry;

import java.time.Duration;

/**
 * How long a transfer may take. One number, the timeout of {@code RegistryOptions}, bounds
 * every wait: connecting, an answer to begin, each pause in a body. A body of N bytes must also
 * be complete within twice the timeout plus the timeout once more for every MiB it holds: a floor
 * of 1 MiB per timeout (about 17 KiB/s with the 60-second default) after a grace of two timeouts.
 *
 * <p>The floor is meant to be low: it must not end a transfer that is slow but moving (a 1 Mbit/s
 * uplink shared by three concurrent uploads gives each about 40 KiB/s), while still ending a peer
 * that sends one byte now and then, which the idle timeout alone never would. A user on a slower
 * link raises the timeout, and the floor falls with it. The grace of two timeouts makes a body
 * that stops outright end by the idle timeout (and say so) rather than by the deadline, whatever
 * its size, as long as it had kept to the floor until then.
 */
final class Limits {
  private static final double MIB = 1 << 20;

  private Limits() {}

  /** The time allowed for {@code bytes} to move: twice the timeout, plus the timeout per MiB. */
  static Duration forBytes(Duration timeout, long bytes) {
    double nanos = timeout.toNanos() * (2 + Math.max(0, bytes) / MIB);
    // Capped far beyond any real transfer, so that adding it to System.nanoTime() cannot overflow.
    return Duration.ofNanos((long) Math.min(nanos, Long.MAX_VALUE / 4.0));
  }

  /** A duration for messages: "250 ms", "3 s", "2.5 s", "17 min 4 s". */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    long s = Math.round(ms / 1000.0);
    return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
  }
}
