package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.scratch4j.Digest;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.RegistryOptions;
import io.github.scratch4j.SignatureVerificationException;
import io.github.scratch4j.SignatureVerificationException.Reason;
import io.github.scratch4j.Signatures;
import io.github.scratch4j.SignedPayload;
import io.github.scratch4j.SigningKey;
import io.github.scratch4j.Source;
import io.github.scratch4j.VerificationKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cosign signatures against implementations we did not write: the registry's own answers, read
 * with the JDK's HTTP client (not scratch4j's), and OpenSSL, which verifies what scratch4j signs
 * and signs what scratch4j verifies; cosign itself is not packaged in Debian.
 */
class SignaturesIT {
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final String PAYLOAD_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @TempDir Path dir;

  private static RegistryOptions options() {
    return RegistryOptions.defaults();
  }

  private static Image image() {
    return Image.fromScratch().add(Entry.file("/nonce", Source.of(Nonce.text().getBytes(StandardCharsets.UTF_8))))
        .add(Entry.file("/app", Source.of(new byte[] {1})).withMode(0755)).entrypoint("/app")
        .withoutDependencyCheck();
  }

  private HttpResponse<byte[]> get(String url, String accept) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String sha256(byte[] bytes) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** Uploads a blob with the JDK's client: POST, then one PUT with the digest. */
  private String upload(String host, String repo, byte[] blob) throws Exception {
    HttpResponse<Void> post = http.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/" + repo
        + "/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    assertThat(post.statusCode()).isEqualTo(202);
    String location = post.headers().firstValue("Location").orElseThrow();
    URI uri = URI.create("http://" + host).resolve(location);
    String digest = sha256(blob);
    URI put = URI.create(uri + (uri.getQuery() == null ? "?" : "&") + "digest=" + digest);
    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(put).header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)).build(), HttpResponse.BodyHandlers.discarding());
    assertThat(r.statusCode()).isEqualTo(201);
    return digest;
  }

  /** Stores one signature in cosign's layout with the JDK's client: payload, config, manifest at the .sig tag. */
  private void storeSignature(String host, String repo, String manifestDigest, byte[] payload, byte[] signature)
      throws Exception {
    String payloadDigest = upload(host, repo, payload);
    byte[] config = ("{\"architecture\":\"\",\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
        + payloadDigest + "\"]},\"config\":{}}").getBytes(StandardCharsets.UTF_8);
    String configDigest = upload(host, repo, config);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
        + "\"application/vnd.oci.image.config.v1+json\",\"size\":" + config.length + ",\"digest\":\"" + configDigest
        + "\"},\"layers\":[{\"mediaType\":\"" + PAYLOAD_TYPE + "\",\"size\":" + payload.length + ",\"digest\":\""
        + payloadDigest + "\",\"annotations\":{\"dev.cosignproject.cosign/signature\":\""
        + Base64.getEncoder().encodeToString(signature) + "\"}}]}").getBytes(StandardCharsets.UTF_8);
    String tag = manifestDigest.replace(':', '-') + ".sig";
    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/" + repo + "/manifests/"
        + tag)).header("Content-Type", OCI_MANIFEST).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(),
        HttpResponse.BodyHandlers.discarding());
    assertThat(r.statusCode()).isEqualTo(201);
  }

  private boolean opensslVerifies(Path pub, byte[] signature, byte[] payload) throws Exception {
    Path sig = Files.write(Files.createTempFile(dir, "sig", ".der"), signature);
    Path data = Files.write(Files.createTempFile(dir, "payload", ".json"), payload);
    Commands.Result r = Commands.run(MINUTE, "openssl", "dgst", "-sha256", "-verify", pub.toString(), "-signature",
        sig.toString(), data.toString());
    return r.exitCode() == 0 && r.stdout().contains("Verified OK");
  }

  @Test
  void aSignatureScratch4jStoresIsFoundByTheRegistrysAnswersAndVerifiedByOpenSsl() throws Exception {
    Commands.require("openssl");
    try (RegistryServer registry = RegistryServer.anonymous()) {
      String ref = registry.host() + "/it/signed:1";
      Digest pushed = image().pushTo(ref, options());
      SigningKey key = SigningKey.generate();
      Signatures.sign(ref, key, options());

      HttpResponse<byte[]> head = get("http://" + registry.host() + "/v2/it/signed/manifests/1", OCI_MANIFEST);
      String manifestDigest = head.headers().firstValue("Docker-Content-Digest").orElseThrow();
      assertThat(manifestDigest).isEqualTo(pushed.toString());
      HttpResponse<byte[]> sigManifest = get("http://" + registry.host() + "/v2/it/signed/manifests/"
          + manifestDigest.replace(':', '-') + ".sig", OCI_MANIFEST);
      assertThat(sigManifest.statusCode()).isEqualTo(200);
      JsonNode layers = json.readTree(sigManifest.body()).get("layers");
      assertThat(layers).hasSize(1);
      JsonNode layer = layers.get(0);
      assertThat(layer.get("mediaType").asText()).isEqualTo(PAYLOAD_TYPE);
      byte[] payload = get("http://" + registry.host() + "/v2/it/signed/blobs/" + layer.get("digest").asText(), "*/*")
          .body();
      JsonNode critical = json.readTree(payload).get("critical");
      assertThat(critical.get("image").get("docker-manifest-digest").asText()).isEqualTo(manifestDigest);
      assertThat(critical.get("identity").get("docker-reference").asText()).isEqualTo(registry.host() + "/it/signed");
      assertThat(critical.get("type").asText()).isEqualTo("cosign container image signature");
      byte[] signature = Base64.getDecoder().decode(layer.get("annotations").get("dev.cosignproject.cosign/signature")
          .asText());

      Path pub = dir.resolve("cosign.pub");
      key.verificationKey().write(pub);
      assertThat(opensslVerifies(pub, signature, payload)).as("OpenSSL verifies it").isTrue();
      Path other = dir.resolve("other.pub");
      SigningKey.generate().verificationKey().write(other);
      assertThat(opensslVerifies(other, signature, payload)).as("with another key").isFalse();
      byte[] altered = new String(payload, StandardCharsets.UTF_8).replace(manifestDigest.substring(7, 12), "00000")
          .getBytes(StandardCharsets.UTF_8);
      assertThat(opensslVerifies(pub, signature, altered)).as("the payload altered").isFalse();
      byte[] flipped = signature.clone();
      flipped[flipped.length - 1] ^= 1;
      assertThat(opensslVerifies(pub, flipped, payload)).as("the annotation altered").isFalse();

      // A second signature keeps the first; each key verifies its own.
      SigningKey second = SigningKey.generate();
      Signatures.sign(ref, second, options());
      JsonNode both = json.readTree(get("http://" + registry.host() + "/v2/it/signed/manifests/"
          + manifestDigest.replace(':', '-') + ".sig", OCI_MANIFEST).body()).get("layers");
      assertThat(both).hasSize(2);
      assertThat(both.get(0).toString()).isEqualTo(layer.toString());
      assertThat(Signatures.verify(ref, key.verificationKey(), options())).extracting(SignedPayload::manifestDigest)
          .containsExactly(pushed);
      assertThat(Signatures.verify(ref, second.verificationKey(), options())).hasSize(1);
    }
  }

  @Test
  void aSignatureOpenSslMadeAndTheTestStoredIsVerifiedAndRefusedForWhatItDoesNotSign() throws Exception {
    Commands.require("openssl");
    try (RegistryServer registry = RegistryServer.anonymous()) {
      String ref = registry.host() + "/it/byhand:1";
      String digest = image().pushTo(ref, options()).toString();
      Path key = dir.resolve("key.pem");
      Commands.run(MINUTE, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
          key.toString()).assertSuccess();
      Path pub = dir.resolve("key.pub");
      Commands.run(MINUTE, "openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString()).assertSuccess();
      VerificationKey verification = VerificationKey.read(pub);

      assertThatThrownBy(() -> Signatures.verify(ref, verification, options()))
          .isInstanceOfSatisfying(SignatureVerificationException.class, e -> assertThat(e.reason())
              .isEqualTo(Reason.NO_SIGNATURE)).hasMessageContaining(digest.substring(0, 20));

      storeSignature(registry.host(), "it/byhand", digest, payload(registry.host() + "/it/byhand", digest),
          opensslSign(key, payload(registry.host() + "/it/byhand", digest)));
      List<SignedPayload> ok = Signatures.verify(ref, verification, options());
      assertThat(ok).singleElement().satisfies(p -> {
        assertThat(p.manifestDigest().toString()).isEqualTo(digest);
        assertThat(p.dockerReference()).isEqualTo(registry.host() + "/it/byhand");
      });
      assertThat(Signatures.verify(registry.host() + "/it/byhand@" + digest, verification, options())).hasSize(1);

      assertThatThrownBy(() -> Signatures.verify(ref, SigningKey.generate().verificationKey(), options()))
          .isInstanceOfSatisfying(SignatureVerificationException.class, e -> assertThat(e.reason())
              .isEqualTo(Reason.BAD_SIGNATURE));

      String otherDigest = "sha256:" + "ab".repeat(32);
      byte[] forAnother = payload(registry.host() + "/it/byhand", otherDigest);
      storeSignature(registry.host(), "it/byhand", digest, forAnother, opensslSign(key, forAnother));
      assertThatThrownBy(() -> Signatures.verify(ref, verification, options()))
          .isInstanceOfSatisfying(SignatureVerificationException.class, e -> assertThat(e.reason())
              .isEqualTo(Reason.DIGEST_MISMATCH)).hasMessageContaining(otherDigest);

      byte[] elsewhere = payload(registry.host() + "/it/other", digest);
      storeSignature(registry.host(), "it/byhand", digest, elsewhere, opensslSign(key, elsewhere));
      assertThatThrownBy(() -> Signatures.verify(ref, verification, options()))
          .isInstanceOfSatisfying(SignatureVerificationException.class, e -> assertThat(e.reason())
              .isEqualTo(Reason.IDENTITY_MISMATCH)).hasMessageContaining("/it/other");
    }
  }

  @Test
  void aPushSignsWithItsKeyAndAPullThatRequiresASignatureTakesOnlyASignedBase() throws Exception {
    try (RegistryServer registry = RegistryServer.anonymous()) {
      SigningKey key = SigningKey.generate();
      String signed = registry.host() + "/it/signed-base:1";
      String unsigned = registry.host() + "/it/unsigned-base:1";
      Digest pushed = image().pushTo(signed, options().withSigningKey(key));
      image().pushTo(unsigned, options());
      assertThat(Signatures.verify(signed, key.verificationKey(), options())).extracting(SignedPayload::manifestDigest)
          .containsExactly(pushed);

      java.util.List<io.github.scratch4j.TransferEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
      RegistryOptions requiring = options().withRequiredSignature(key.verificationKey())
          .withCacheDirectory(dir.resolve("cache")).withProgress(events::add);
      assertThatThrownBy(() -> Image.from(unsigned, requiring))
          .isInstanceOfSatisfying(SignatureVerificationException.class, e -> assertThat(e.reason())
              .isEqualTo(Reason.NO_SIGNATURE));
      assertThat(events).as("nothing downloaded for an unsigned base").isEmpty();
      assertThatThrownBy(() -> Image.from(signed, options().withRequiredSignature(
          SigningKey.generate().verificationKey()))).isInstanceOf(SignatureVerificationException.class);

      Image base = Image.from(signed, requiring);
      assertThat(base.file("/app")).isPresent();
      assertThat(events).anyMatch(e -> e.kind() == io.github.scratch4j.TransferEvent.Kind.DOWNLOADED);
    }
  }

  @Test
  void aSignatureManifestListingThousandsOfSignaturesIsRefusedBeforeAnyIsFetched() throws Exception {
    try (RegistryServer registry = RegistryServer.anonymous()) {
      String ref = registry.host() + "/it/flooded:1";
      String digest = image().pushTo(ref, options()).toString();
      byte[] payload = payload(registry.host() + "/it/flooded", digest);
      String payloadDigest = upload(registry.host(), "it/flooded", payload);
      byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
      String configDigest = upload(registry.host(), "it/flooded", config);
      StringBuilder layers = new StringBuilder();
      for (int i = 0; i < 300; i++) {
        layers.append(i == 0 ? "" : ",").append("{\"mediaType\":\"").append(PAYLOAD_TYPE).append("\",\"size\":")
            .append(payload.length).append(",\"digest\":\"").append(payloadDigest)
            .append("\",\"annotations\":{\"dev.cosignproject.cosign/signature\":\"AA").append(i).append("=\"}}");
      }
      byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
          + "\"application/vnd.oci.image.config.v1+json\",\"size\":2,\"digest\":\"" + configDigest + "\"},\"layers\":["
          + layers + "]}").getBytes(StandardCharsets.UTF_8);
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://" + registry.host()
          + "/v2/it/flooded/manifests/" + digest.replace(':', '-') + ".sig")).header("Content-Type", OCI_MANIFEST)
          .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(), HttpResponse.BodyHandlers.discarding());
      assertThat(r.statusCode()).isEqualTo(201);
      assertThatThrownBy(() -> Signatures.verify(ref, SigningKey.generate().verificationKey(), options()))
          .isInstanceOf(io.github.scratch4j.ImageFormatException.class).hasMessageContaining("lists 300 signatures")
          .hasMessageContaining("at most 256");
    }
  }

  /** The README's commands, as printed there, over plain HTTP to the test's registry. */
  @Test
  void theReadmesCurlAndOpenSslCommandsVerifyASignature() throws Exception {
    Commands.require("openssl", "curl", "jq", "bash");
    String readme = Files.readString(Path.of("..", "README.md"));
    String block = readme.substring(readme.indexOf("  digest=$(curl"), readme.indexOf("# Verified OK") + 13);
    String script = block.lines().map(String::strip).reduce("set -euo pipefail", (a, b) -> a + "\n" + b);
    try (RegistryServer registry = RegistryServer.anonymous()) {
      String ref = registry.host() + "/it/byreadme:1";
      Digest pushed = image().pushTo(ref, options());
      SigningKey key = SigningKey.generate();
      Signatures.sign(ref, key, options());
      key.verificationKey().write(dir.resolve("cosign.pub"));
      String run = script.replace("https://REGISTRY", "http://" + registry.host()).replace("REPO", "it/byreadme")
          .replace("TAG", "1");
      Commands.Result r = Commands.run(MINUTE, dir, "bash", "-c", run);
      assertThat(r.exitCode()).as(r.stderr()).isZero();
      assertThat(r.stdout()).isEqualTo(pushed + "\nVerified OK\n");
      SigningKey.generate().verificationKey().write(dir.resolve("cosign.pub"));
      assertThat(Commands.run(MINUTE, dir, "bash", "-c", run).exitCode()).as("with another key").isNotZero();
    }
  }

  /** A simple-signing payload written by the test, as cosign writes one. */
  private static byte[] payload(String repository, String digest) {
    return ("{\"critical\":{\"identity\":{\"docker-reference\":\"" + repository + "\"},\"image\":"
        + "{\"docker-manifest-digest\":\"" + digest + "\"},\"type\":\"cosign container image signature\"},"
        + "\"optional\":{\"by\":\"the test\"}}").getBytes(StandardCharsets.UTF_8);
  }

  private byte[] opensslSign(Path key, byte[] payload) throws Exception {
    Path data = Files.write(Files.createTempFile(dir, "payload", ".json"), payload);
    Path sig = dir.resolve("openssl-" + System.nanoTime() + ".sig");
    Commands.run(MINUTE, "openssl", "dgst", "-sha256", "-sign", key.toString(), "-out", sig.toString(),
        data.toString()).assertSuccess();
    return Files.readAllBytes(sig);
  }
}
