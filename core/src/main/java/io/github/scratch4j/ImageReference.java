package io.github.scratch4j;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A name for an image, such as {@code hello}, {@code hello:1.0},
 * {@code localhost:5000/team/hello:1.0} or {@code ghcr.io/org/app@sha256:...}, parsed with the
 * grammar of the distribution project's reference package (as Docker and the OCI tools use).
 *
 * @param registry the registry host and optional port; {@code docker.io} when none is written
 * @param repository the repository path; Docker Hub's official images get {@code library/}
 * @param tag the tag; see {@link #tagOrLatest()}
 * @param digest the digest, when the reference pins one
 */
public record ImageReference(
    String registry, String repository, Optional<String> tag, Optional<Digest> digest) {

  /** The registry of references that name none. */
  public static final String DOCKER_HUB = "docker.io";

  private static final String ALNUM = "[a-z0-9]+";
  private static final String SEPARATOR = "(?:[._]|__|[-]+)";
  private static final String COMPONENT = ALNUM + "(?:" + SEPARATOR + ALNUM + ")*";
  private static final Pattern PATH = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final Pattern DOMAIN = Pattern.compile(
      "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?");
  private static final int MAX_NAME = 255;

  /**
   * Validates every part.
   *
   * @param registry the registry host and optional port, such as {@code ghcr.io} or
   *     {@code localhost:5000}, or a bracketed IPv6 address
   * @param repository the repository path: lower-case components of letters and digits with
   *     {@code .}, {@code _}, {@code __} or {@code -} between them, separated by {@code /}
   * @param tag the tag: up to 128 letters, digits, {@code _}, {@code .} and {@code -}, not
   *     starting with {@code .} or {@code -}
   * @param digest the digest, when the reference pins one
   * @throws InvalidReferenceException if a part is not of that form
   * @throws NullPointerException if an argument is null
   */
  public ImageReference {
    java.util.Objects.requireNonNull(digest, "digest");
    if (!DOMAIN.matcher(registry).matches()) {
      throw new InvalidReferenceException("invalid registry '" + registry + "'");
    }
    if (!PATH.matcher(repository).matches()) {
      throw new InvalidReferenceException(
          "invalid repository '" + repository
              + "': lower-case letters, digits and separators (. _ __ -) between them, '/' between components");
    }
    tag.ifPresent(t -> {
      if (!TAG.matcher(t).matches()) {
        throw new InvalidReferenceException(
            "invalid tag '" + t + "': up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'");
      }
    });
  }

  /**
   * Parses a reference. As Docker does, a first component with a {@code .} or {@code :}, or
   * {@code localhost}, names the registry; without one the registry is {@code docker.io}, where a
   * one-component repository gets {@code library/}.
   *
   * @param reference the reference, such as {@code hello}, {@code localhost:5000/team/hello:1.0}
   *     or {@code ghcr.io/org/app@sha256:...}
   * @return the parsed reference
   * @throws InvalidReferenceException naming the reference and what is wrong with it: empty, a
   *     malformed part or digest, or a name over 255 characters
   * @throws NullPointerException if {@code reference} is null
   */
  public static ImageReference parse(String reference) {
    if (reference.isEmpty()) {
      throw new InvalidReferenceException("image reference is empty");
    }
    String rest = reference;
    Optional<Digest> digest = Optional.empty();
    int at = rest.indexOf('@');
    if (at >= 0) {
      try {
        digest = Optional.of(Digest.parse(rest.substring(at + 1)));
      } catch (IllegalArgumentException e) {
        throw new InvalidReferenceException(
            "invalid digest in image reference '" + reference + "': " + e.getMessage());
      }
      rest = rest.substring(0, at);
    }
    Optional<String> tag = Optional.empty();
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = Optional.of(rest.substring(colon + 1));
      rest = rest.substring(0, colon);
    }
    String registry = DOCKER_HUB;
    String repository = rest;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      String first = rest.substring(0, slash);
      // Docker's rule: the first component names a registry when it has a '.' or ':', is
      // "localhost", or has upper-case letters (which repositories cannot).
      if (first.contains(".") || first.contains(":") || first.equals("localhost")
          || !first.equals(first.toLowerCase(java.util.Locale.ROOT))) {
        registry = first;
        repository = rest.substring(slash + 1);
      }
    }
    if (registry.equals("index.docker.io")) {
      registry = DOCKER_HUB;
    }
    if (registry.equals(DOCKER_HUB) && !repository.contains("/")) {
      repository = "library/" + repository;
    }
    if (rest.length() > MAX_NAME) {
      throw new InvalidReferenceException(
          "image name is longer than " + MAX_NAME + " characters: '" + reference + "'");
    }
    try {
      return new ImageReference(registry, repository, tag, digest);
    } catch (InvalidReferenceException e) {
      throw new InvalidReferenceException("invalid image reference '" + reference + "': " + e.getMessage());
    }
  }

  /**
   * The tag, or {@code latest} when the reference names none.
   *
   * @return the tag; {@code latest} also for a reference that pins only a digest
   */
  public String tagOrLatest() {
    return tag.orElse("latest");
  }

  /**
   * A copy with the given tag.
   *
   * @param newTag the tag, which replaces this reference's; the digest is kept
   * @return a copy with that tag
   * @throws InvalidReferenceException if {@code newTag} is not a valid tag
   * @throws NullPointerException if {@code newTag} is null
   */
  @CheckReturnValue
  public ImageReference withTag(String newTag) {
    return new ImageReference(registry, repository, Optional.of(newTag), digest);
  }

  /**
   * The repository as Docker shows it: {@code hello}, {@code localhost:5000/team/hello}.
   *
   * @return the repository, without {@code docker.io/} and {@code library/} for Docker Hub, and
   *     with the registry for any other
   */
  public String familiarRepository() {
    if (registry.equals(DOCKER_HUB)) {
      return repository.startsWith("library/") ? repository.substring("library/".length()) : repository;
    }
    return registry + "/" + repository;
  }

  /**
   * The full name with registry, repository and tag or digest, as containerd records it.
   *
   * @return such as {@code docker.io/library/hello:latest} or
   *     {@code ghcr.io/org/app@sha256:...}; a reference without tag or digest gets {@code :latest}
   */
  public String fullName() {
    return registry + "/" + repository + suffix();
  }

  /**
   * The short form Docker shows, {@code hello:latest}; a reference without a tag gets
   * {@code latest}.
   *
   * @return the {@linkplain #familiarRepository() familiar repository} with the tag and digest
   */
  public String familiarName() {
    return familiarRepository() + suffix();
  }

  private String suffix() {
    String t = tag.isPresent() || digest.isEmpty() ? ":" + tagOrLatest() : "";
    return t + digest.map(d -> "@" + d).orElse("");
  }

  @Override
  public String toString() {
    return familiarName();
  }

  static boolean isValidTag(String tag) {
    Matcher m = TAG.matcher(tag);
    return m.matches();
  }
}
