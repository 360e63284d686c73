package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link NewJdkQuietTest} under Failsafe, where core is the packaged multi-release jar, so that its
 * manifest and layout are checked too.
 */
class NewJdkQuietIT extends NewJdkQuietTest {
  @Test
  void coreIsThePackagedJar() throws Exception {
    assertThat(Image.class.getProtectionDomain().getCodeSource().getLocation().toURI().getPath()).endsWith(".jar");
  }
}
