package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 512 MiB layer, and three layers side by side, are pushed by a JVM with a 64 MiB heap: layers
 * stream to the registry, so the memory a push takes does not grow with the image, and each layer
 * in flight costs a few arrays. The heap is the child JVM's, since the library cannot set its own.
 */
class SmallHeapPushIT {
  @TempDir Path dir;

  @Test
  void aPushOf512MiBCompletesUnderA64MiBHeap() throws Exception {
    try (RegistryServer registry = RegistryServer.anonymous()) {
      String manifest = pushUnderA64MiBHeap(registry, "it/small-heap");
      // Random bytes are stored, not compressed: the layer is a little larger than its tar.
      assertThat(manifest).containsPattern("\"size\":53\\d{7}[,}]");
    }
  }

  @Test
  void threeLayersPushedSideBySideCompleteUnderA64MiBHeap() throws Exception {
    try (RegistryServer registry = RegistryServer.anonymous()) {
      String manifest = pushUnderA64MiBHeap(registry, "it/small-heap-layers", "3");
      // Three layers of 160 MiB of random bytes, each stored: a little over 167,772,160 bytes.
      assertThat(manifest.split("\"size\":1677\\d{5}[,}]", -1)).hasSize(4);
    }
  }

  /** Runs {@link SmallHeapPushMain} with {@code args} in a JVM with a 64 MiB heap; the manifest it pushed. */
  private String pushUnderA64MiBHeap(RegistryServer registry, String repository, String... args) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx64m",
        "-cp", System.getProperty("java.class.path") + File.pathSeparator + System.getProperty("jdk.module.path", ""),
        SmallHeapPushMain.class.getName(), registry.host(), dir.resolve("cache").toString()));
    command.addAll(List.of(args));
    Commands.Result r = Commands.run(Duration.ofMinutes(5), command.toArray(String[]::new));
    r.assertSuccess();
    String digest = r.stdout().lines().findFirst().orElseThrow();
    System.out.println("small-heap push to " + repository + ": " + r.stdout().replace('\n', ' '));
    HttpResponse<String> manifest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://" + registry.host() + "/v2/" + repository + "/manifests/" + digest))
        .header("Accept", "application/vnd.oci.image.manifest.v1+json").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(manifest.statusCode()).isEqualTo(200);
    return manifest.body();
  }
}
