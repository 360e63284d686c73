package io.github.scratch4j;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The operating system and CPU an image runs on, with OCI/Go names such as {@code linux/amd64} or
 * {@code linux/arm64/v8} (OCI image-spec, image-index.md, "platform").
 *
 * @param os the operating system, e.g. {@code linux}
 * @param architecture the CPU architecture, e.g. {@code amd64}, {@code arm64}
 * @param variant the CPU variant, e.g. {@code v8} for arm64 or {@code v7} for arm
 */
public record Platform(String os, String architecture, Optional<String> variant) {
  private static final Pattern PART = Pattern.compile("[a-z0-9][a-z0-9._-]*");

  /** {@code linux/amd64}. */
  public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", Optional.empty());
  /** {@code linux/arm64/v8}. */
  public static final Platform LINUX_ARM64 = new Platform("linux", "arm64", Optional.of("v8"));

  /**
   * Validates each part.
   *
   * @param os the operating system, e.g. {@code linux}
   * @param architecture the CPU architecture, e.g. {@code amd64}, {@code arm64}
   * @param variant the CPU variant, e.g. {@code v8} for arm64 or {@code v7} for arm
   * @throws IllegalArgumentException if a part is not lower-case letters, digits, {@code .},
   *     {@code _} and {@code -}, starting with a letter or digit
   * @throws NullPointerException if an argument is null
   */
  public Platform {
    check("os", os);
    check("architecture", architecture);
    variant.ifPresent(v -> check("variant", v));
  }

  private static void check(String what, String value) {
    if (!PART.matcher(value).matches()) {
      throw new IllegalArgumentException("invalid platform " + what + ": '" + value + "'");
    }
  }

  /**
   * Parses {@code os/architecture[/variant]}, e.g. {@code linux/arm64/v8}.
   *
   * @param value the platform as OCI tools write it
   * @return the platform; without a variant when {@code value} has two parts
   * @throws IllegalArgumentException if {@code value} does not have two or three parts, or a part
   *     is not valid
   * @throws NullPointerException if {@code value} is null
   */
  public static Platform of(String value) {
    String[] parts = value.split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new IllegalArgumentException(
          "invalid platform '" + value + "': expected os/architecture[/variant]");
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? Optional.of(parts[2]) : Optional.empty());
  }

  /** Returns {@code os/architecture[/variant]}. */
  @Override
  public String toString() {
    return os + "/" + architecture + variant.map(v -> "/" + v).orElse("");
  }
}
