package io.github.scratch4j.internal.registry;

import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.DigestMismatchException;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.RegistryException;
import io.github.scratch4j.internal.io.Sha256;
import io.github.scratch4j.internal.json.JsonReader;
import io.github.scratch4j.internal.read.Documents;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A manifest or index fetched by tag or digest for the signature and referrer documents, at most a
 * JSON document's size; the pull's own fetch ({@link Puller}) also uses the cache.
 */
final class ManifestFetch {
  private ManifestFetch() {}

  /** The document at {@code reference} of {@code ref}'s repository; empty when the registry has none (404). */
  static Optional<byte[]> get(RegistryClient client, ImageReference ref, String reference, String accept,
      List<String> scopes) throws IOException {
    RegistryClient.Call get = RegistryClient.Call.of("GET", "/v2/" + ref.repository() + "/manifests/" + reference,
        scopes).header("Accept", accept).reading(JsonReader.MAX_DOCUMENT + 1);
    RegistryClient.Answer r = client.send(get);
    if (r.status() == 404) {
      return Optional.empty();
    }
    if (r.status() != 200) {
      throw client.failure(get, r);
    }
    return Optional.of(r.body());
  }

  /**
   * The descriptor of the manifest {@code ref} names now (its tag's, or its digest's, checked):
   * media type, digest and size.
   *
   * @throws RegistryException if the registry has no such manifest
   */
  static Descriptor describe(RegistryClient client, ImageReference ref, List<String> scopes) throws IOException {
    String reference = ref.digest().map(Digest::toString).orElse(ref.tagOrLatest());
    byte[] body = get(client, ref, reference, Puller.ACCEPT, scopes).orElseThrow(() -> new RegistryException(
        ref.fullName() + ": " + client.where() + " has no manifest " + reference + " in " + ref.repository(), 404));
    Digest digest = Sha256.of(body);
    if (ref.digest().isPresent() && !ref.digest().get().equals(digest)) {
      throw new DigestMismatchException(ref.fullName() + ": the registry sent a manifest with digest " + digest);
    }
    String mediaType = Documents.mediaType(body, Optional.empty(), "manifest " + reference + " of " + ref.fullName());
    return Descriptor.of(mediaType, digest, body.length);
  }
}
