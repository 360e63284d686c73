package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class RegistryOptionsTest {
  @Test
  void toStringNamesTheRegistryButNeverTheSecret() {
    RegistryCredentials secret = new RegistryCredentials("builder", "s3cr3t-token");
    RegistryOptions options = RegistryOptions.defaults().withCredentials("Registry.Example.com:5000", secret);
    assertThat(options.toString()).contains("registry.example.com:5000").doesNotContain("s3cr3t");
    assertThat(secret.toString()).contains("builder").doesNotContain("s3cr3t");
    assertThat(options.credentials("registry.example.COM:5000")).contains(secret);
  }

  @Test
  void everyChangeIsACopy() {
    RegistryOptions defaults = RegistryOptions.defaults();
    Consumer<TransferEvent> listener = e -> { };
    RegistryOptions changed = defaults.withConcurrency(8).withChunkSize(4 << 20).withProgress(listener)
        .withTimeout(Duration.ofSeconds(5)).withInsecureRegistry("build.local");
    assertThat(defaults.concurrency()).isEqualTo(3);
    assertThat(defaults.progress()).isEmpty();
    assertThat(defaults.insecureRegistries()).isEmpty();
    assertThat(changed.concurrency()).isEqualTo(8);
    assertThat(changed.chunkSize()).isEqualTo(4 << 20);
    assertThat(changed.progress()).containsSame(listener);
    assertThat(changed.insecureRegistries()).containsExactly("build.local");
    assertThat(changed).isNotEqualTo(defaults).isEqualTo(defaults.withConcurrency(8).withChunkSize(4 << 20)
        .withProgress(listener).withTimeout(Duration.ofSeconds(5)).withInsecureRegistry("build.local"));
  }

  @Test
  void theCacheIsBoundedUnlessToldOtherwise() {
    RegistryOptions d = RegistryOptions.defaults();
    assertThat(d.cacheLimit()).isEqualTo(10L << 30);
    assertThat(d.withCacheLimit(0).cacheLimit()).isZero();
    assertThat(d.withCacheLimit(1 << 20)).isEqualTo(d.withCacheLimit(1 << 20)).isNotEqualTo(d)
        .hasToString(d.toString().replace("cacheLimit=" + (10L << 30), "cacheLimit=" + (1 << 20)));
  }

  @Test
  void refusesValuesThatCannotWork() {
    RegistryOptions d = RegistryOptions.defaults();
    assertThatThrownBy(() -> d.withConcurrency(0)).hasMessageContaining("at least 1, not 0");
    assertThatThrownBy(() -> d.withChunkSize(1000)).hasMessageContaining("at least 1 MiB, not 1000 bytes");
    assertThatThrownBy(() -> d.withTimeout(Duration.ZERO)).hasMessageContaining("positive");
    assertThatThrownBy(() -> d.withCacheLimit(-1)).hasMessageContaining("cannot be negative: -1 bytes");
    assertThatThrownBy(() -> d.withRetries(0, Duration.ZERO)).hasMessageContaining("at least one attempt");
    assertThatThrownBy(() -> d.withInsecureRegistry("host/path")).hasMessageContaining("'host/path'");
    assertThatThrownBy(() -> new RegistryCredentials("u", "p\nInjected: x")).hasMessageContaining("line breaks");
  }
}
