package io.github.scratch4j.samples.cli;

import io.github.scratch4j.samples.HelloImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** {@code scratch4j hello}: the README's first image, a static hello world in a scratch image. */
final class Hello implements Command {
  private static final CommandSpec SPEC = new CommandSpec("hello", "[STATIC_BINARY] [OUTPUT.tar]", 0, 2,
      "write a runnable hello-world image (the README's first example)",
      """
      Writes a scratch image holding STATIC_BINARY as its entrypoint, or without one a 165-byte (x86-64)
      static hello world that needs no compiler, to OUTPUT.tar (default hello.tar), and prints how
      to load and run it.""",
      List.of(Option.single("--tag", "NAME[:TAG]", "name the image (default hello:latest)", "-t")));

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public int run(ParsedArgs args, Io io) throws UsageException, IOException {
    List<String> operands = args.operands();
    String tag = args.value("--tag").orElse("hello:latest");
    Shared.reference("--tag", tag);
    Optional<Path> binary = operands.isEmpty() ? Optional.empty() : Optional.of(Path.of(operands.get(0)));
    Path output = Path.of(operands.size() > 1 ? operands.get(1) : "hello.tar");
    HelloImage.build(binary, output, tag, io.out());
    return 0;
  }
}
