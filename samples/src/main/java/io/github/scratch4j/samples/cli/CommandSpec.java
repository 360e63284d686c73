package io.github.scratch4j.samples.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a command accepts (its options and how many operands) and how it parses and describes
 * them. Options may come before, between or after operands; {@code --name=value} and
 * {@code --name value} are the same; {@code --} ends the options.
 */
final class CommandSpec {
  /** Every command takes these. */
  static final List<Option> COMMON = List.of(
      Option.flag("--quiet", "print no progress (results still go to standard output)", "-q"),
      Option.flag("--debug", "print the stack trace of an error"),
      Option.flag("--help", "print this help and exit", "-h"));

  private final String name;
  private final String operands;
  private final String summary;
  private final String description;
  private final int minOperands;
  private final int maxOperands;
  private final List<Option> options;
  private final Map<String, Option> byName = new HashMap<>();

  CommandSpec(String name, String operands, int minOperands, int maxOperands, String summary, String description,
      List<Option> options) {
    this.name = name;
    this.operands = operands;
    this.minOperands = minOperands;
    this.maxOperands = maxOperands;
    this.summary = summary;
    this.description = description;
    List<Option> all = new ArrayList<>(options);
    all.addAll(COMMON);
    this.options = List.copyOf(all);
    for (Option o : this.options) {
      for (String key : keys(o)) {
        if (byName.put(key, o) != null) {
          throw new IllegalStateException(name + " declares " + key + " twice");
        }
      }
    }
  }

  private static List<String> keys(Option o) {
    List<String> keys = new ArrayList<>(o.aliases());
    keys.add(o.name());
    return keys;
  }

  String name() {
    return name;
  }

  String summary() {
    return summary;
  }

  List<Option> options() {
    return options;
  }

  /**
   * Parses {@code args} (the words after the command's name).
   *
   * @throws UsageException for an unknown option, a missing value, an option given twice that
   *     may be given once, or too few or too many operands (unless {@code --help} was given)
   */
  ParsedArgs parse(List<String> args) throws UsageException {
    List<ParsedArgs.Value> values = new ArrayList<>();
    List<String> positional = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    boolean help = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--")) {
        positional.addAll(args.subList(i + 1, args.size()));
        break;
      }
      if (!arg.startsWith("-") || arg.equals("-")) {
        positional.add(arg);
        continue;
      }
      int eq = arg.startsWith("--") ? arg.indexOf('=') : -1;
      String key = eq < 0 ? arg : arg.substring(0, eq);
      Option o = byName.get(key);
      if (o == null) {
        throw new UsageException("unknown option " + key + " for " + name);
      }
      if (o.name().equals("--help")) {
        help = true;
      }
      String value = "";
      if (o.takesValue()) {
        if (eq >= 0) {
          value = arg.substring(eq + 1);
        } else if (i + 1 < args.size()) {
          value = args.get(++i);
        } else {
          throw new UsageException(key + " needs a value: " + key + " " + o.value().get());
        }
      } else if (eq >= 0) {
        throw new UsageException(key + " takes no value");
      }
      if (!o.repeatable() && !seen.add(o.name())) {
        throw new UsageException(o.name() + " is given twice; it may be given once");
      }
      values.add(new ParsedArgs.Value(o.name(), value));
    }
    if (!help) {
      if (positional.size() < minOperands) {
        throw new UsageException(name + " needs " + operands);
      }
      if (positional.size() > maxOperands) {
        throw new UsageException("unexpected argument '" + positional.get(maxOperands) + "' for " + name);
      }
    }
    return new ParsedArgs(values, positional);
  }

  /** Help lines are wrapped to fit this many columns. */
  private static final int LINE = 100;

  /** Splits {@code text} into lines of at most {@code width} characters, at spaces. */
  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.replace('\n', ' ').split(" +")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    lines.add(line.toString());
    return lines;
  }

  /** The usage text: synopsis, description, and every option with its help. */
  String usage() {
    StringBuilder b = new StringBuilder();
    b.append("Usage: scratch4j ").append(name).append(" [OPTION]...");
    if (!operands.isEmpty()) {
      b.append(' ').append(operands);
    }
    b.append("\n\n").append(description).append("\n\nOptions:\n");
    int width = 0;
    for (Option o : options) {
      width = Math.max(width, o.label().length());
    }
    width = Math.min(width, 34);
    for (Option o : options) {
      String label = o.label();
      b.append("  ").append(label);
      String help = o.help() + (o.repeatable() ? " (repeatable)" : "");
      if (label.length() > width) {
        b.append('\n').append(" ".repeat(width + 4));
      } else {
        b.append(" ".repeat(width - label.length() + 2));
      }
      b.append(String.join("\n" + " ".repeat(width + 4), wrap(help, Math.max(40, LINE - width - 4)))).append('\n');
    }
    return b.toString();
  }
}
