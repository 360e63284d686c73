package io.github.scratch4j.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.RegistryOptions;
import io.github.scratch4j.SignatureVerificationException;
import io.github.scratch4j.SignatureVerificationException.Reason;
import io.github.scratch4j.SignedPayload;
import io.github.scratch4j.SigningKey;
import io.github.scratch4j.VerificationKey;
import io.github.scratch4j.internal.io.Sha256;
import io.github.scratch4j.internal.json.JsonDocuments;
import io.github.scratch4j.internal.json.SimpleSigningJson;
import io.github.scratch4j.internal.read.Documents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * cosign's tag-based signature storage (cosign, {@code specs/SIGNATURE_SPEC.md}, "Storage"): the
 * signatures of manifest {@code sha256:<hex>} are the layers of the OCI manifest tagged
 * {@code sha256-<hex>.sig} in the same repository, each a simple-signing payload blob with its
 * base64 signature in the {@code dev.cosignproject.cosign/signature} annotation.
 */
public final class CosignSignatures {
  /** The payload's media type (SIGNATURE_SPEC.md, "Simple Signing"). */
  public static final String PAYLOAD_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
  /** The layer annotation that holds the base64 signature. */
  public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
  /** The most bytes read of a payload: they are small JSON documents. */
  private static final int MAX_PAYLOAD = 1 << 20;
  /** The most signatures checked on one manifest: each costs a download, and a hostile manifest could list thousands. */
  static final int MAX_SIGNATURES = 256;

  private CosignSignatures() {}

  /** Signs the manifest {@code ref} names now, keeping the signatures it has. */
  public static Digest sign(ImageReference ref, SigningKey key, RegistryOptions options) throws IOException {
    RegistryClient client = RegistryClient.of(ref.registry(), options);
    Digest manifest = resolve(client, ref);
    byte[] payload = SimpleSigningJson.payload(identity(ref), manifest);
    Descriptor layer = new Descriptor(PAYLOAD_TYPE, Sha256.of(payload), payload.length,
        Map.of(SIGNATURE_ANNOTATION, Base64.getEncoder().encodeToString(key.sign(payload))), Optional.empty());
    List<Descriptor> layers = new ArrayList<>(existing(client, ref, manifest).map(Manifest::layers).orElse(List.of()));
    layers.add(layer);
    List<Digest> payloads = layers.stream().map(Descriptor::digest).toList();
    byte[] config = SimpleSigningJson.config(payloads);
    Descriptor configDescriptor = Descriptor.of(MediaType.OCI_CONFIG, Sha256.of(config), config.length);
    Manifest.Builder m = Manifest.builder().mediaType(MediaType.OCI_MANIFEST).config(configDescriptor);
    layers.forEach(m::addLayer);
    byte[] manifestBytes = JsonDocuments.manifest(m.build());
    Descriptor manifestDescriptor = Descriptor.of(MediaType.OCI_MANIFEST, Sha256.of(manifestBytes), manifestBytes.length);
    Pusher pusher = Pusher.open(new ImageReference(ref.registry(), ref.repository(), Optional.of(tag(manifest)),
        Optional.empty()), options);
    pusher.blob(configDescriptor, config);
    pusher.blob(layer, payload);
    pusher.document(manifestDescriptor, manifestBytes);
    return pusher.finish();
  }

  /** The payloads whose signatures {@code key} verifies for the manifest {@code ref} names now. */
  public static List<SignedPayload> verify(ImageReference ref, VerificationKey key, RegistryOptions options)
      throws IOException {
    RegistryClient client = RegistryClient.of(ref.registry(), options);
    Digest manifest = resolve(client, ref);
    String where = ref.fullName() + " (" + manifest + ")";
    Optional<Manifest> signatures = existing(client, ref, manifest);
    List<Descriptor> layers = signatures.map(Manifest::layers).orElse(List.of()).stream()
        .filter(d -> d.mediaType().equals(PAYLOAD_TYPE)).toList();
    if (layers.isEmpty()) {
      throw new SignatureVerificationException(Reason.NO_SIGNATURE, where + " has no cosign signature: "
          + client.where() + " has no " + PAYLOAD_TYPE + " layer at " + ref.repository() + ":" + tag(manifest));
    }
    if (layers.size() > MAX_SIGNATURES) {
      throw new io.github.scratch4j.ImageFormatException(where + ": its signature manifest " + tag(manifest) + " lists "
          + layers.size() + " signatures; at most " + MAX_SIGNATURES + " are checked");
    }
    List<SignedPayload> verified = new ArrayList<>();
    List<String> found = new ArrayList<>();
    Reason closest = Reason.BAD_SIGNATURE;
    for (Descriptor d : layers) {
      byte[] payload = blob(client, ref, d);
      Optional<byte[]> signature = decode(d.annotations().get(SIGNATURE_ANNOTATION));
      if (signature.isEmpty() || !key.verifies(payload, signature.get())) {
        found.add(d.digest() + ": " + (signature.isEmpty() ? "no base64 signature annotation" : "the key does not verify its signature"));
        continue;
      }
      JsonNode doc;
      try {
        doc = new ObjectMapper().readTree(payload);
      } catch (IOException e) {
        found.add(d.digest() + ": signed, but not JSON");
        continue;
      }
      JsonNode critical = doc.path("critical");
      String type = critical.path("type").asText();
      String digest = critical.path("image").path("docker-manifest-digest").asText();
      String reference = critical.path("identity").path("docker-reference").asText();
      if (!type.equals(SimpleSigningJson.TYPE)) {
        found.add(d.digest() + ": signed, but its type is '" + type + "', not '" + SimpleSigningJson.TYPE + "'");
      } else if (!digest.equals(manifest.toString())) {
        found.add(d.digest() + ": signed, but for manifest " + digest);
        closest = Reason.DIGEST_MISMATCH;
      } else if (!sameRepository(reference, identity(ref))) {
        found.add(d.digest() + ": signed for this manifest, but in repository " + reference);
        if (closest != Reason.DIGEST_MISMATCH) {
          closest = Reason.IDENTITY_MISMATCH;
        }
      } else {
        verified.add(new SignedPayload(reference, manifest, new String(payload, StandardCharsets.UTF_8)));
      }
    }
    if (verified.isEmpty()) {
      throw new SignatureVerificationException(closest, where + ": no signature verifies for it with the key: "
          + String.join("; ", found));
    }
    return List.copyOf(verified);
  }

  /** {@code critical.identity.docker-reference}: the repository, with its registry. */
  static String identity(ImageReference ref) {
    return ref.registry() + "/" + ref.repository();
  }

  /** Docker Hub goes by two names. */
  private static boolean sameRepository(String a, String b) {
    return hub(a).equals(hub(b));
  }

  private static String hub(String reference) {
    return reference.startsWith("index.docker.io/") ? "docker.io/" + reference.substring("index.docker.io/".length())
        : reference;
  }

  /** The signature tag of a manifest: {@code sha256-<hex>.sig} (SIGNATURE_SPEC.md, "Tag-based Discovery"). */
  static String tag(Digest manifest) {
    return manifest.algorithm() + "-" + manifest.hex() + ".sig";
  }

  private static Optional<byte[]> decode(String base64) {
    if (base64 == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Base64.getDecoder().decode(base64.trim()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The digest of the manifest a reference names: its own, or the registry's for its tag. */
  private static Digest resolve(RegistryClient client, ImageReference ref) throws IOException {
    if (ref.digest().isPresent()) {
      return ref.digest().get();
    }
    return ManifestFetch.describe(client, ref, List.of("repository:" + ref.repository() + ":pull")).digest();
  }

  /** The signature manifest of {@code manifest}, if there is one. */
  private static Optional<Manifest> existing(RegistryClient client, ImageReference ref, Digest manifest)
      throws IOException {
    Optional<byte[]> found = ManifestFetch.get(client, ref, tag(manifest), MediaType.OCI_MANIFEST,
        List.of("repository:" + ref.repository() + ":pull"));
    if (found.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Documents.manifest(found.get(), "signature manifest " + tag(manifest) + " of " + ref.fullName()));
  }

  /** A payload blob, checked against its descriptor. */
  private static byte[] blob(RegistryClient client, ImageReference ref, Descriptor d) throws IOException {
    if (d.size() > MAX_PAYLOAD) {
      throw new io.github.scratch4j.ImageFormatException(ref.fullName() + ": signature payload " + d.digest() + " claims " + d.size()
          + " bytes; payloads are small JSON documents (at most " + MAX_PAYLOAD + " bytes read)");
    }
    String path = "/v2/" + ref.repository() + "/blobs/" + d.digest();
    RegistryClient.Call get = RegistryClient.Call.of("GET", path, List.of("repository:" + ref.repository() + ":pull"))
        .reading(MAX_PAYLOAD + 1);
    RegistryClient.Answer r = client.send(get);
    if (r.status() != 200) {
      throw client.failure(get, r);
    }
    byte[] body = r.body();
    if (body.length != d.size() || !Sha256.of(body).equals(d.digest())) {
      throw new io.github.scratch4j.DigestMismatchException(ref.fullName() + ": signature payload " + d.digest()
          + " came as " + body.length + " bytes with digest " + Sha256.of(body));
    }
    return body;
  }
}
