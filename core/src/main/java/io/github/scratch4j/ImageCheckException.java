package io.github.scratch4j;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Thrown before anything is written when an image could not start, or holds what a container would
 * never see: it lists every problem the {@link ImageCheck checks} found, each with what is wrong,
 * where, and its own fix. An {@link IOException}, as every other reason a write fails is, so one
 * {@code catch (IOException e)} around {@code writeTo} or {@code pushTo} handles all of them; the
 * subclasses {@link MissingDependencyException} and {@link PlatformConflictException} are thrown
 * when every problem is of that one kind.
 */
public class ImageCheckException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * One problem: the check that found it, the path in the image it concerns (the file, or
   * {@code /etc/passwd} for an unknown user, or {@code /} for the image as a whole), why the image
   * would fail there (said of that path: "has no execute permission"), and how to fix it.
   *
   * @param check the check that found the problem
   * @param path the path in the image the problem concerns, {@code /} for the image as a whole
   * @param reason why the image would fail there, said of that path
   * @param fix how to fix it
   */
  public record Problem(ImageCheck check, String path, String reason, String fix) {
    /**
     * Creates a problem; every part is required.
     *
     * @param check the check that found the problem
     * @param path the path in the image the problem concerns, {@code /} for the image as a whole
     * @param reason why the image would fail there, said of that path
     * @param fix how to fix it
     * @throws NullPointerException if a part is null
     */
    public Problem {
      Objects.requireNonNull(check, "check");
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(fix, "fix");
    }

    @Override
    public String toString() {
      return path + " " + reason + "\n  Fix: " + fix;
    }
  }

  /** The problems, in the order the checks found them; part of the serialized form. */
  private final List<Problem> problems;

  /**
   * Creates an exception listing {@code problems}, of which there is at least one.
   *
   * @param problems the problems, in the order the checks found them; copied
   * @throws IllegalArgumentException if {@code problems} is empty
   * @throws NullPointerException if {@code problems} is null or holds null
   */
  public ImageCheckException(List<Problem> problems) {
    super(message(problems));
    this.problems = List.copyOf(problems);
  }

  /**
   * Every problem found, in the order the checks ran.
   *
   * @return an unmodifiable list of at least one problem
   */
  public List<Problem> problems() {
    return problems;
  }

  private static String message(List<Problem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an ImageCheckException needs at least one problem");
    }
    Set<ImageCheck> checks = EnumSet.noneOf(ImageCheck.class);
    List<String> lines = new ArrayList<>();
    lines.add(problems.size() == 1
        ? "the image would not work as built:"
        : "the image would not work as built (" + problems.size() + " problems):");
    for (Problem p : problems) {
      lines.add(p.toString());
      checks.add(p.check());
    }
    lines.add("To write it anyway: Image.without("
        + checks.stream().map(c -> "ImageCheck." + c).collect(Collectors.joining(", ")) + ")");
    return String.join("\n", lines);
  }
}
