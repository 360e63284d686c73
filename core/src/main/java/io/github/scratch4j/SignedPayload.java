package io.github.scratch4j;

import java.util.Objects;

/**
 * A cosign "simple signing" payload whose signature a key verified, and what it says.
 *
 * @param dockerReference the repository it names ({@code critical.identity.docker-reference})
 * @param manifestDigest the manifest it signs ({@code critical.image.docker-manifest-digest})
 * @param payload the payload's JSON text, as signed
 */
public record SignedPayload(String dockerReference, Digest manifestDigest, String payload) {
  /**
   * Checks that nothing is null.
   *
   * @param dockerReference the repository it names
   * @param manifestDigest the manifest it signs
   * @param payload the payload's JSON text
   */
  public SignedPayload {
    Objects.requireNonNull(dockerReference, "dockerReference");
    Objects.requireNonNull(manifestDigest, "manifestDigest");
    Objects.requireNonNull(payload, "payload");
  }
}
