package io.github.scratch4j.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.scratch4j.ImageConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ImagePlannerTest {
  private static String defaultTag(String entrypoint) {
    return ImagePlanner.defaultTag(ImageConfig.builder().entrypoint(entrypoint).build()).familiarName();
  }

  @Test
  void namesAnUntaggedImageAfterItsEntrypoint() {
    assertThat(defaultTag("/usr/bin/Hello World!")).isEqualTo("hello-world:latest");
    assertThat(defaultTag("/x/..app__v1.2--")).isEqualTo("app__v1.2:latest");
    assertThat(defaultTag("/x/@@@")).isEqualTo("scratch4j:latest");
    assertThat(ImagePlanner.defaultTag(ImageConfig.empty()).familiarName()).isEqualTo("scratch4j:latest");
  }

  @Test
  void anEntrypointOfMegabytesIsNamedInLinearTime() {
    // A base image's configuration can hold such an entrypoint; trimming regexes took 81 s on 200,000 dashes.
    String entrypoint = "/a" + "-".repeat(2_000_000) + "b";
    assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
        assertThat(defaultTag(entrypoint)).isEqualTo("scratch4j:latest"));
    assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
        assertThat(ImagePlanner.repositoryName("." + "-".repeat(2_000_000) + "x" + "_".repeat(2_000_000)))
            .isEqualTo("x"));
  }
}
