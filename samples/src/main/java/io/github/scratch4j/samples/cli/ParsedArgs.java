package io.github.scratch4j.samples.cli;

import java.util.List;
import java.util.Optional;

/** The options of a command line, in the order given, and its operands. */
record ParsedArgs(List<Value> values, List<String> operands) {
  /** One option as given: its long name and its value (empty for a switch). */
  record Value(String option, String value) {}

  ParsedArgs {
    values = List.copyOf(values);
    operands = List.copyOf(operands);
  }

  boolean has(String option) {
    return values.stream().anyMatch(v -> v.option().equals(option));
  }

  Optional<String> value(String option) {
    return values.stream().filter(v -> v.option().equals(option)).map(Value::value).reduce((a, b) -> b);
  }

  List<String> all(String option) {
    return values.stream().filter(v -> v.option().equals(option)).map(Value::value).toList();
  }
}
