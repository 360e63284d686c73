package io.github.scratch4j.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandSpecTest {
  private static final CommandSpec SPEC = new CommandSpec("demo", "SOURCE", 1, 1, "a demo", "A demo command.",
      List.of(Option.single("--platform", "P", "the platform"), Option.repeated("--env", "NAME=VALUE", "a variable"),
          Option.flag("--tmp", "add /tmp"), Option.single("--output", "FILE", "where", "-o")));

  @Test
  void theCacheLimitIsGivenInMebibytes() throws UsageException {
    ParsedArgs parsed = new Push().spec().parse(List.of("--cache-limit", "5", "src", "ref"));
    assertThat(Shared.registry(parsed, null).cacheLimit()).isEqualTo(5L << 20);
    ParsedArgs none = new Push().spec().parse(List.of("src", "ref"));
    assertThat(Shared.registry(none, null).cacheLimit()).isEqualTo(io.github.scratch4j.RegistryOptions.defaults().cacheLimit());
  }

  @Test
  void parsesEveryOptionOfBuildWithItsValue() throws UsageException {
    CommandSpec build = new Build().spec();
    List<String> args = new ArrayList<>();
    for (Option o : build.options()) {
      args.add(o.name());
      if (o.takesValue()) {
        args.add("value-of-" + o.name());
      }
    }
    ParsedArgs parsed = build.parse(args);
    for (Option o : build.options()) {
      assertThat(parsed.has(o.name())).as(o.name()).isTrue();
      if (o.takesValue()) {
        assertThat(parsed.value(o.name())).as(o.name()).contains("value-of-" + o.name());
      }
    }
    assertThat(parsed.values()).hasSize(build.options().size());
  }

  @Test
  void takesValueAfterEqualsSignOrAsNextWordEvenWhenItStartsWithDash() throws UsageException {
    ParsedArgs parsed = SPEC.parse(List.of("--platform=linux/arm64", "--env", "--not-an-option", "src"));
    assertThat(parsed.value("--platform")).contains("linux/arm64");
    assertThat(parsed.all("--env")).containsExactly("--not-an-option");
    assertThat(parsed.operands()).containsExactly("src");
  }

  @Test
  void keepsRepeatedOptionsInTheOrderGiven() throws UsageException {
    ParsedArgs parsed = SPEC.parse(List.of("--env", "B=2", "src", "--env", "A=1", "--env=C=3"));
    assertThat(parsed.all("--env")).containsExactly("B=2", "A=1", "C=3");
  }

  @Test
  void shortAliasIsTheSameOption() throws UsageException {
    assertThat(SPEC.parse(List.of("-o", "out.tar", "src")).value("--output")).contains("out.tar");
  }

  @Test
  void rejectsUnknownOptionNamingIt() {
    assertThatThrownBy(() -> SPEC.parse(List.of("--bogus", "src")))
        .isInstanceOf(UsageException.class).hasMessage("unknown option --bogus for demo");
  }

  @Test
  void rejectsOptionWithoutItsValue() {
    assertThatThrownBy(() -> SPEC.parse(List.of("src", "--platform")))
        .isInstanceOf(UsageException.class).hasMessage("--platform needs a value: --platform P");
  }

  @Test
  void rejectsValueGivenToASwitch() {
    assertThatThrownBy(() -> SPEC.parse(List.of("--tmp=yes", "src")))
        .isInstanceOf(UsageException.class).hasMessage("--tmp takes no value");
  }

  @Test
  void rejectsSingleOptionGivenTwice() {
    assertThatThrownBy(() -> SPEC.parse(List.of("--platform", "a/b", "-o", "x", "--output", "y", "src")))
        .isInstanceOf(UsageException.class).hasMessage("--output is given twice; it may be given once");
  }

  @Test
  void rejectsMissingAndExtraOperands() {
    assertThatThrownBy(() -> SPEC.parse(List.of("--tmp"))).isInstanceOf(UsageException.class)
        .hasMessage("demo needs SOURCE");
    assertThatThrownBy(() -> SPEC.parse(List.of("a", "b"))).isInstanceOf(UsageException.class)
        .hasMessage("unexpected argument 'b' for demo");
  }

  @Test
  void doubleDashMakesTheRestOperands() throws UsageException {
    assertThat(SPEC.parse(List.of("--", "--tmp")).operands()).containsExactly("--tmp");
  }

  @Test
  void helpNeedsNoOperands() throws UsageException {
    assertThat(SPEC.parse(List.of("--help")).has("--help")).isTrue();
  }

  @Test
  void usageListsEveryOptionWithItsHelpWithinTheLineWidth() {
    String usage = SPEC.usage();
    assertThat(usage).startsWith("Usage: scratch4j demo [OPTION]... SOURCE")
        .contains("--platform P", "the platform", "--env NAME=VALUE", "a variable (repeatable)", "-o, --output FILE",
            "-q, --quiet", "--debug", "-h, --help");
    assertThat(new Build().spec().usage().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(100));
  }

  @Test
  void wrapsAtSpacesWithinWidth() {
    assertThat(CommandSpec.wrap("aaa bbb ccc dddd", 7)).containsExactly("aaa bbb", "ccc", "dddd");
  }
}
