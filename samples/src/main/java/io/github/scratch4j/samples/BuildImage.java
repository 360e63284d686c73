package io.github.scratch4j.samples;

import io.github.scratch4j.samples.cli.Scratch4j;

/**
 * The command line's {@code build}, under the name the whole-process benchmarks used before
 * {@code scratch4j build} existed: {@code BuildImage ARGS} is {@code scratch4j build ARGS}.
 */
public final class BuildImage {
  private BuildImage() {}

  /** Runs {@code scratch4j build} with {@code args}. */
  public static void main(String[] args) {
    String[] build = new String[args.length + 1];
    build[0] = "build";
    System.arraycopy(args, 0, build, 1, args.length);
    System.exit(Scratch4j.run(build, System.out, System.err));
  }
}
