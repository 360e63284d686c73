package io.github.scratch4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.scratch4j.Platform;
import org.junit.jupiter.api.Test;

class HostPlatformTest {
  @Test
  void theHostIsLinuxWithJavasArchitectureInOciNames() {
    Platform host = HostPlatform.get();
    assertThat(host.os()).isEqualTo("linux");
    assertThat(host.architecture()).isIn("amd64", "arm64", "386", System.getProperty("os.arch"));
    assertThat(host.variant()).isEmpty();
  }

  @Test
  void anImageServesTheSameOsAndArchitectureAndAVariantOnlyWhereBothNameOne() {
    Platform v8 = Platform.of("linux/arm64/v8");
    Platform bare = Platform.of("linux/arm64");
    assertThat(HostPlatform.serves(v8, bare)).as("any variant, when none is wanted").isTrue();
    assertThat(HostPlatform.serves(bare, v8)).as("an image without a variant serves every one").isTrue();
    assertThat(HostPlatform.serves(v8, v8)).isTrue();
    assertThat(HostPlatform.serves(Platform.of("linux/arm/v7"), Platform.of("linux/arm/v6"))).isFalse();
    assertThat(HostPlatform.serves(Platform.of("linux/amd64"), bare)).isFalse();
    assertThat(HostPlatform.serves(Platform.of("windows/amd64"), Platform.of("linux/amd64"))).isFalse();
  }
}
