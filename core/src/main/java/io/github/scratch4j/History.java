package io.github.scratch4j;

import java.time.Instant;
import java.util.Optional;

/**
 * One step of an image's history (OCI image-spec, config.md, "history").
 *
 * @param created when the step ran
 * @param createdBy the command or tool that made the step
 * @param author who made the step
 * @param comment a free-form comment
 * @param emptyLayer whether the step made no layer (for example a configuration change)
 */
public record History(
    Optional<Instant> created,
    Optional<String> createdBy,
    Optional<String> author,
    Optional<String> comment,
    boolean emptyLayer) {

  /**
   * Checks that no component is null.
   *
   * @param created when the step ran
   * @param createdBy the command or tool that made the step
   * @param author who made the step
   * @param comment a free-form comment
   * @param emptyLayer whether the step made no layer
   * @throws NullPointerException if an argument is null
   */
  public History {
    java.util.Objects.requireNonNull(created, "created");
    java.util.Objects.requireNonNull(createdBy, "createdBy");
    java.util.Objects.requireNonNull(author, "author");
    java.util.Objects.requireNonNull(comment, "comment");
  }

  /**
   * A step that made a layer, described by {@code createdBy}.
   *
   * @param createdBy the command or tool that made the step
   * @return a step without time, author or comment
   * @throws NullPointerException if {@code createdBy} is null
   */
  public static History of(String createdBy) {
    return new History(Optional.empty(), Optional.of(createdBy), Optional.empty(), Optional.empty(), false);
  }
}
