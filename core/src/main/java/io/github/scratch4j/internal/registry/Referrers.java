package io.github.scratch4j.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.RegistryOptions;
import io.github.scratch4j.internal.io.Sha256;
import io.github.scratch4j.internal.json.ReferrerJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Attaches an artifact to an image in a registry as an OCI 1.1 referrer (distribution-spec 1.1,
 * "Pushing Manifests with Subject"): the artifact's blob, the empty config and a manifest whose
 * {@code subject} is the image's manifest, put by its digest. A registry that answers without an
 * {@code OCI-Subject} header has no referrers API (distribution 2.8 has none), and the client keeps
 * the list itself ("Referrers Tag Schema"): an index at the tag {@code <alg>-<hex>} of the subject,
 * to which the referrer is added, its other entries kept as they were.
 */
public final class Referrers {
  private Referrers() {}

  /** What was attached: the referrer manifest, and whether the fallback tag was written. */
  public record Attached(Digest manifest, Optional<String> fallbackTag) {}

  /** Attaches an artifact to the image a reference names, described by asking the registry. */
  public static Attached attach(ImageReference ref, String artifactType, byte[] content, RegistryOptions options)
      throws IOException {
    RegistryClient client = RegistryClient.of(ref.registry(), options);
    List<String> scopes = List.of("repository:" + ref.repository() + ":pull,push");
    return attach(client, ref, ManifestFetch.describe(client, ref, scopes), artifactType, content, options, scopes);
  }

  /** Attaches an artifact to a manifest of the reference's repository that is already described. */
  public static Attached attach(ImageReference ref, Descriptor subject, String artifactType, byte[] content,
      RegistryOptions options) throws IOException {
    return attach(RegistryClient.of(ref.registry(), options), ref, subject, artifactType, content, options,
        List.of("repository:" + ref.repository() + ":pull,push"));
  }

  /**
   * Attaches an artifact to a manifest that {@code pusher} has pushed, through the pusher's own
   * connection and credentials: the artifacts of an index's images cost no new client each.
   */
  public static Attached attach(Pusher pusher, Descriptor subject, String artifactType, byte[] content)
      throws IOException {
    ImageReference ref = pusher.reference();
    return attach(pusher.client(), pusher, ref, subject, artifactType, content,
        List.of("repository:" + ref.repository() + ":pull,push"));
  }

  private static Attached attach(RegistryClient client, ImageReference ref, Descriptor subject, String artifactType,
      byte[] content, RegistryOptions options, List<String> scopes) throws IOException {
    Pusher pusher = Pusher.open(ref, options, client);
    return attach(client, pusher, ref, subject, artifactType, content, scopes);
  }

  private static Attached attach(RegistryClient client, Pusher pusher, ImageReference ref, Descriptor subject,
      String artifactType, byte[] content, List<String> scopes) throws IOException {
    Descriptor empty = Descriptor.of(ReferrerJson.EMPTY_TYPE, Sha256.of(ReferrerJson.EMPTY), ReferrerJson.EMPTY.length);
    Descriptor layer = Descriptor.of(artifactType, Sha256.of(content), content.length);
    byte[] manifest = ReferrerJson.manifest(artifactType, empty, layer, subject);
    Descriptor referrer = Descriptor.of(MediaType.OCI_MANIFEST, Sha256.of(manifest), manifest.length);
    pusher.blob(empty, ReferrerJson.EMPTY);
    pusher.blob(layer, content);

    RegistryClient.Answer put = put(client, ref, referrer.digest().toString(), MediaType.OCI_MANIFEST, manifest, scopes);
    if (put.header("OCI-Subject").isPresent()) {
      return new Attached(referrer.digest(), Optional.empty());
    }
    String tag = subject.digest().algorithm() + "-" + subject.digest().hex();
    List<String> entries = new ArrayList<>();
    Optional<byte[]> existing = ManifestFetch.get(client, ref, tag, MediaType.OCI_INDEX, scopes);
    if (existing.isPresent()) {
      JsonNode index = new ObjectMapper().readTree(existing.get());
      if (!index.path("manifests").isArray()) {
        throw new ImageFormatException(ref.fullName() + ": the referrers tag " + tag + " holds no image index");
      }
      for (JsonNode m : index.get("manifests")) {
        if (!m.path("digest").asText().equals(referrer.digest().toString())) {
          entries.add(m.toString());
        }
      }
    }
    put(client, ref, tag, MediaType.OCI_INDEX, ReferrerJson.index(entries, referrer.withArtifactType(artifactType)), scopes);
    return new Attached(referrer.digest(), Optional.of(tag));
  }

  private static RegistryClient.Answer put(RegistryClient client, ImageReference ref, String reference, String type,
      byte[] content, List<String> scopes) throws IOException {
    RegistryClient.Call put = RegistryClient.Call.of("PUT", "/v2/" + ref.repository() + "/manifests/" + reference,
        scopes).header("Content-Type", type).body(Pusher.bytes(content));
    RegistryClient.Answer r = client.send(put);
    if (r.status() != 201) {
      throw client.failure(put, r);
    }
    return r;
  }
}
