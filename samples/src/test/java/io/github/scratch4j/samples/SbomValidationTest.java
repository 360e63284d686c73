package io.github.scratch4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.Source;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spdx.tools.SpdxToolsHelper.SerFileType;
import org.spdx.tools.Verify;

/** The SPDX project's own verifier (tools-java) accepts the SBOMs scratch4j writes, and tells a broken one. */
class SbomValidationTest {
  @TempDir Path dir;

  private static Image image() {
    return Image.fromScratch()
        .add(Entry.file("/app", Source.of(MinimalElf.forHost())).withMode(0755))
        .add(Entry.file("/etc/app/config.yaml", Source.of("mode: production\n".getBytes(StandardCharsets.UTF_8))))
        .add(Entry.file("/empty", Source.of(new byte[0])))
        .entrypoint("/app").tag("registry.example.com/team/app:1.0");
  }

  @Test
  void theSpdxToolsVerifyTheSbomWithoutAWarning() throws Exception {
    Path file = Files.write(dir.resolve("sbom.spdx.json"), image().sbom());
    List<String> problems = Verify.verify(file.toString(), SerFileType.JSON);
    assertThat(problems).as(Files.readString(file)).isEmpty();
  }

  @Test
  void thePackageVerificationCodeIsSpdxsOverTheFilesContents() throws Exception {
    // SPDX 2.3 clause 7.9: SHA-1 over the files' SHA-1 values, lower-case hex, sorted, joined.
    java.util.List<String> sha1s = new java.util.ArrayList<>();
    for (byte[] content : List.of(MinimalElf.forHost(), "mode: production\n".getBytes(StandardCharsets.UTF_8),
        new byte[0])) {
      sha1s.add(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(content)));
    }
    java.util.Collections.sort(sha1s);
    String expected = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
        .digest(String.join("", sha1s).getBytes(StandardCharsets.US_ASCII)));
    com.fasterxml.jackson.databind.JsonNode image = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(image().sbom()).get("packages").get(0);
    assertThat(image.get("packageVerificationCode").get("packageVerificationCodeValue").asText()).isEqualTo(expected);
  }

  @Test
  void theSameImageGivesTheSameBytesAndTheVerifierCatchesABrokenOne() throws Exception {
    byte[] sbom = image().sbom();
    assertThat(image().sbom()).isEqualTo(sbom);
    String broken = new String(sbom, StandardCharsets.UTF_8).replaceFirst("\"SHA1\",\"checksumValue\":\"[0-9a-f]+\"",
        "\"SHA1\",\"checksumValue\":\"not-hex\"");
    Path file = Files.writeString(dir.resolve("broken.spdx.json"), broken);
    assertThat(Verify.verify(file.toString(), SerFileType.JSON)).isNotEmpty();
  }
}
