package io.github.scratch4j.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.scratch4j.Digest;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.RegistryOptions;
import io.github.scratch4j.Source;
import io.github.scratch4j.internal.io.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A push with {@link RegistryOptions#withSbom()} attaches the SBOM as a referrer, and lists it at
 * the referrers tag only where the registry has no referrers API (distribution-spec 1.1,
 * "Referrers Tag Schema"): a registry that answers with {@code OCI-Subject} keeps the list itself.
 */
class SbomReferrerPushTest {
  @TempDir Path dir;
  private final StubServers servers = new StubServers();
  private final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void close() {
    servers.close();
  }

  private RegistryOptions options() {
    return RegistryOptions.defaults().withRetries(2, Duration.ofMillis(1)).withTimeout(Duration.ofSeconds(10))
        .withCacheDirectory(dir.resolve("cache")).withSbom();
  }

  private static Image image() {
    return Image.fromScratch().add(Entry.file("/data", Source.of("data\n".getBytes(StandardCharsets.UTF_8))));
  }

  /** A referrer manifest the registry holds under its digest, with that digest. */
  private record Stored(String digest, JsonNode manifest) {}

  /** The one referrer of {@code pushed} that the repository holds by digest. */
  private Stored referrer(MemoryRegistry registry, Digest pushed) throws Exception {
    Stored found = null;
    for (var e : registry.manifests.entrySet()) {
      JsonNode m = json.readTree(e.getValue());
      if (e.getKey().startsWith("it/app:sha256:") && m.path("subject").path("digest").asText().equals(pushed.toString())) {
        assertThat(found).as("one referrer").isNull();
        found = new Stored(e.getKey().substring("it/app:".length()), m);
      }
    }
    assertThat(found).as("a referrer of %s among %s", pushed, registry.manifests.keySet()).isNotNull();
    return found;
  }

  @Test
  void withoutTheReferrersApiTheReferrerIsListedAtTheFallbackTag() throws Exception {
    MemoryRegistry registry = new MemoryRegistry(servers);
    Image image = image();
    Digest pushed = image.pushTo(registry.host + "/it/app:1", options());
    Stored referrer = referrer(registry, pushed);
    assertThat(referrer.manifest().get("artifactType").asText()).isEqualTo("application/spdx+json");
    assertThat(referrer.manifest().at("/layers/0/digest").asText()).isEqualTo(Sha256.of(image.sbom()).toString());
    byte[] index = registry.manifests.get("it/app:" + pushed.algorithm() + "-" + pushed.hex());
    assertThat(index).as("the referrers tag index").isNotNull();
    JsonNode listed = json.readTree(index).get("manifests");
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).get("digest").asText()).isEqualTo(referrer.digest());
    assertThat(listed.get(0).get("artifactType").asText()).isEqualTo("application/spdx+json");
  }

  @Test
  void aRegistryWithTheReferrersApiGetsNoFallbackTag() throws Exception {
    MemoryRegistry registry = new MemoryRegistry(servers);
    registry.referrersApi = true;
    Image image = image();
    Digest pushed = image.pushTo(registry.host + "/it/app:1", options());
    Stored referrer = referrer(registry, pushed);
    assertThat(referrer.manifest().at("/layers/0/digest").asText()).isEqualTo(Sha256.of(image.sbom()).toString());
    assertThat(registry.manifests).doesNotContainKey("it/app:" + pushed.algorithm() + "-" + pushed.hex());
  }

  @Test
  void anIndexAttachesEachImagesSbomThroughThePushsOwnConnection() throws Exception {
    MemoryRegistry registry = new MemoryRegistry(servers);
    io.github.scratch4j.ImageIndex index = io.github.scratch4j.ImageIndex.of(
        image().platform(io.github.scratch4j.Platform.LINUX_AMD64), image().platform(io.github.scratch4j.Platform.LINUX_ARM64));
    index.pushTo(registry.host + "/it/app:1", options());
    JsonNode children = json.readTree(registry.manifests.get("it/app:1")).get("manifests");
    assertThat(children).hasSize(2);
    for (int i = 0; i < 2; i++) {
      Digest manifest = Digest.parse(children.get(i).get("digest").asText());
      assertThat(referrer(registry, manifest).manifest().at("/layers/0/digest").asText())
          .isEqualTo(Sha256.of(index.images().get(i).sbom()).toString());
    }
    // One check of the registry's API root, by the push: the SBOMs went through its client.
    assertThat(registry.requests("GET")).filteredOn(r -> r.path().equals("/v2/")).hasSize(1);
  }
}
