package io.github.scratch4j.samples.cli;

import java.util.List;
import java.util.Optional;

/**
 * One option of a command: its long name, short aliases, the name of its value (empty for a
 * switch), whether it may be given more than once, and its one-line help.
 */
record Option(String name, List<String> aliases, Optional<String> value, boolean repeatable, String help) {
  static Option flag(String name, String help, String... aliases) {
    return new Option(name, List.of(aliases), Optional.empty(), false, help);
  }

  static Option single(String name, String value, String help, String... aliases) {
    return new Option(name, List.of(aliases), Optional.of(value), false, help);
  }

  static Option repeated(String name, String value, String help, String... aliases) {
    return new Option(name, List.of(aliases), Optional.of(value), true, help);
  }

  boolean takesValue() {
    return value.isPresent();
  }

  /** How the option appears in a usage list: {@code -o, --output FILE}. */
  String label() {
    StringBuilder b = new StringBuilder();
    for (String a : aliases) {
      b.append(a).append(", ");
    }
    b.append(name);
    value.ifPresent(v -> b.append(' ').append(v));
    return b.toString();
  }
}
