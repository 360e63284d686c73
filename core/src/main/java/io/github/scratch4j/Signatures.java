package io.github.scratch4j;

import io.github.scratch4j.internal.registry.CosignSignatures;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Signs images in a registry and verifies their signatures, in cosign's format (cosign,
 * {@code specs/SIGNATURE_SPEC.md}): a "simple signing" payload naming the manifest digest and the
 * repository, signed with ECDSA over SHA-256, stored as a layer of an OCI manifest tagged
 * {@code sha256-<hex>.sig} in the image's repository, the base64 signature in the layer's
 * {@code dev.cosignproject.cosign/signature} annotation. {@code cosign verify --key} accepts what
 * this signs, and this accepts what cosign signs.
 */
public final class Signatures {
  private Signatures() {}

  /**
   * Signs the image a reference names, adding to the signatures it has.
   *
   * @param reference the image, by tag or digest; a tag is resolved to the manifest it names now
   * @param key the key to sign with
   * @param options how to reach the registry
   * @return the digest of the signature manifest
   * @throws RegistryException if the registry refuses or has no such image
   * @throws IOException if the registry cannot be reached
   */
  public static Digest sign(String reference, SigningKey key, RegistryOptions options) throws IOException {
    return CosignSignatures.sign(ImageReference.parse(reference), Objects.requireNonNull(key, "key"),
        Objects.requireNonNull(options, "options"));
  }

  /**
   * Verifies the image a reference names: at least one of its signatures must verify with the
   * key, over a payload that names the image's manifest digest and its repository.
   *
   * @param reference the image, by tag or digest
   * @param key the key that must have signed it
   * @param options how to reach the registry
   * @return the payloads that verified, at least one
   * @throws SignatureVerificationException if none does; its reason says which check failed
   * @throws IOException if the registry cannot be reached
   */
  public static List<SignedPayload> verify(String reference, VerificationKey key, RegistryOptions options)
      throws IOException {
    return CosignSignatures.verify(ImageReference.parse(reference), Objects.requireNonNull(key, "key"),
        Objects.requireNonNull(options, "options"));
  }
}
