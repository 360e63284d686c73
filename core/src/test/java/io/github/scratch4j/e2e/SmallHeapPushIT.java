package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 512 MiB layer is pushed by a JVM with a 64 MiB heap: layers stream to the registry, so the
 * memory a push takes does not grow with the image. The heap is the child JVM's, since the library
 * cannot set its own.
 */
class SmallHeapPushIT {
  @TempDir Path dir;

  @Test
  void aPushOf512MiBCompletesUnderA64MiBHeap() throws Exception {
    try (RegistryServer registry = RegistryServer.anonymous()) {
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Commands.Result r = Commands.run(Duration.ofMinutes(5), java.toString(), "-Xmx64m",
          "-cp", System.getProperty("java.class.path") + File.pathSeparator + System.getProperty("jdk.module.path", ""),
          SmallHeapPushMain.class.getName(), registry.host(), dir.resolve("cache").toString());
      r.assertSuccess();
      String digest = r.stdout().lines().findFirst().orElseThrow();
      System.out.println("small-heap push: " + r.stdout().replace('\n', ' '));
      HttpResponse<String> manifest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://" + registry.host() + "/v2/it/small-heap/manifests/" + digest))
          .header("Accept", "application/vnd.oci.image.manifest.v1+json").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(manifest.statusCode()).isEqualTo(200);
      // Random bytes are stored, not compressed: the layer is a little larger than its tar.
      assertThat(manifest.body()).containsPattern("\"size\":53\\d{7}[,}]");
    }
  }

  @Test
  void threeLayersPushedSideBySideCompleteUnderA64MiBHeap() throws Exception {
    try (RegistryServer registry = RegistryServer.anonymous()) {
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Commands.Result r = Commands.run(Duration.ofMinutes(5), java.toString(), "-Xmx64m",
          "-cp", System.getProperty("java.class.path") + File.pathSeparator + System.getProperty("jdk.module.path", ""),
          SmallHeapPushMain.class.getName(), registry.host(), dir.resolve("cache").toString(), "3");
      r.assertSuccess();
      String digest = r.stdout().lines().findFirst().orElseThrow();
      System.out.println("small-heap push of three layers: " + r.stdout().replace('\n', ' '));
      HttpResponse<String> manifest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://" + registry.host() + "/v2/it/small-heap-layers/manifests/" + digest))
          .header("Accept", "application/vnd.oci.image.manifest.v1+json").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(manifest.statusCode()).isEqualTo(200);
      // Three layers of 160 MiB of random bytes, each stored: a little over 167,772,160 bytes.
      assertThat(manifest.body().split("\"size\":1677\\d{5}[,}]", -1)).hasSize(4);
    }
  }
}
