package io.github.scratch4j.internal.compress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Guards what core's pom makes every user download: only the elf module and Jackson are
 * mandatory; the codec libraries are optional, and the coordinates the missing-library messages
 * tell users to add are the versions the build uses.
 */
class OptionalDependenciesTest {
  private static final Pattern DEPENDENCY = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);

  private static String text(Path pom) throws IOException {
    // Comments may name artifacts; only elements count.
    return Files.readString(pom).replaceAll("(?s)<!--.*?-->", "");
  }

  private static String element(String xml, String name) {
    Matcher m = Pattern.compile("<" + name + ">\\s*([^<]*?)\\s*</" + name + ">").matcher(xml);
    return m.find() ? m.group(1) : "";
  }

  /** core's own dependencies (not the dependency management of the parent), by groupId:artifactId. */
  private static Map<String, String> coreDependencies() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = DEPENDENCY.matcher(text(Path.of("pom.xml")));
    while (m.find()) {
      String d = m.group(1);
      String key = element(d, "groupId") + ":" + element(d, "artifactId")
          + (element(d, "type").isEmpty() ? "" : ":" + element(d, "type"));
      String scope = element(d, "scope").isEmpty() ? "compile" : element(d, "scope");
      out.put(key, scope + (element(d, "optional").equals("true") ? " optional" : ""));
    }
    return out;
  }

  @Test
  void onlyTheElfModuleAndJacksonAreMandatory() throws IOException {
    Map<String, String> deps = coreDependencies();
    assertThat(deps).as("core/pom.xml").isNotEmpty();
    Map<String, String> mandatory = new LinkedHashMap<>();
    deps.forEach((k, v) -> {
      if (v.equals("compile") || v.equals("runtime")) {
        mandatory.put(k, v);
      }
    });
    assertThat(mandatory.keySet()).containsExactlyInAnyOrder(
        "io.github.scratch4j:scratch4j-elf", "com.fasterxml.jackson.core:jackson-databind");
  }

  @Test
  void theCodecLibrariesAreOptional() throws IOException {
    Map<String, String> deps = coreDependencies();
    assertThat(deps).containsEntry("org.apache.commons:commons-compress", "compile optional")
        .containsEntry("org.tukaani:xz", "compile optional")
        .containsEntry("com.github.luben:zstd-jni", "compile optional")
        .containsEntry("org.assertj:assertj-core", "compile optional");
  }

  @Test
  void theMessagesNameTheVersionsTheBuildUses() throws IOException {
    String parent = text(Path.of("..", "pom.xml"));
    assertThat(OptionalCodecs.XZ_ARTIFACT).isEqualTo("org.tukaani:xz:" + element(parent, "xz.version"));
    assertThat(OptionalCodecs.COMMONS_COMPRESS_ARTIFACT)
        .isEqualTo("org.apache.commons:commons-compress:" + element(parent, "commons-compress.version"));
    assertThat(Zstd.ARTIFACT).isEqualTo("com.github.luben:zstd-jni:" + element(parent, "zstd-jni.version"));
  }

  @Test
  void theModuleRequiresTheCodecLibrariesOnlyStatically() throws IOException {
    String module = Files.readString(Path.of("src", "main", "java", "module-info.java"));
    assertThat(module).contains("requires static org.apache.commons.compress;", "requires static org.tukaani.xz;",
        "requires static com.github.luben.zstd_jni;");
    assertThat(module).doesNotContainPattern("requires\\s+(transitive\\s+)?org\\.(apache|tukaani)");
  }
}
