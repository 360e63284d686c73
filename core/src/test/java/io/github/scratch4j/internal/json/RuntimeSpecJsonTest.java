package io.github.scratch4j.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.github.scratch4j.RuntimeConfig;
import io.github.scratch4j.RuntimeConfig.Namespace;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuntimeSpecJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The runtime-spec's schema of config.json, release 1.0.2 (see its SOURCE.md). */
  private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
      .getSchema(SchemaLocation.of("classpath:runtime-spec-1.0.2/config-schema.json"));
  private static final RuntimeSpecJson.Process PROCESS = new RuntimeSpecJson.Process(List.of("/app", "--flag"),
      List.of("PATH=/bin", "A=b \"quoted\""), "/work", 65532, 65532, List.of(10L, 20L));

  private static JsonNode write(RuntimeConfig config) throws Exception {
    byte[] bytes = RuntimeSpecJson.write(PROCESS, config, 1000, 1001);
    JsonNode doc = JSON.readTree(bytes);
    assertThat(SCHEMA.validate(doc)).as("errors against the runtime-spec 1.0.2 schema").isEmpty();
    return doc;
  }

  @Test
  void theDefaultsFollowTheSchemaAndRunTheProcessInItsNamespaces() throws Exception {
    JsonNode doc = write(RuntimeConfig.defaults());
    assertThat(doc.get("ociVersion").asText()).isEqualTo("1.0.2");
    JsonNode p = doc.get("process");
    assertThat(p.get("args").toString()).isEqualTo("[\"/app\",\"--flag\"]");
    assertThat(p.get("env").get(1).asText()).isEqualTo("A=b \"quoted\"");
    assertThat(p.get("cwd").asText()).isEqualTo("/work");
    assertThat(p.get("user").toString()).isEqualTo("{\"uid\":65532,\"gid\":65532,\"additionalGids\":[10,20]}");
    assertThat(p.get("terminal").asBoolean()).isFalse();
    assertThat(p.get("noNewPrivileges").asBoolean()).isTrue();
    assertThat(p.get("capabilities").get("bounding")).hasSize(14);
    assertThat(p.get("rlimits").toString()).isEqualTo("[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024}]");
    assertThat(doc.get("root").toString()).isEqualTo("{\"path\":\"rootfs\",\"readonly\":false}");
    assertThat(doc.get("hostname").asText()).isEqualTo("scratch4j");
    assertThat(types(doc.get("linux").get("namespaces"))).containsExactly("pid", "mount", "ipc", "uts", "network");
    assertThat(destinations(doc)).containsExactly("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys",
        "/sys/fs/cgroup");
    assertThat(doc.get("linux").get("resources").size()).isZero();
    assertThat(doc.get("linux").has("uidMappings")).isFalse();
    assertThat(doc.get("linux").get("maskedPaths").toString()).contains("/proc/kcore", "/sys/firmware");
    assertThat(doc.get("linux").get("readonlyPaths").toString()).contains("/proc/sys", "/proc/sysrq-trigger");
  }

  @Test
  void limitsBecomeCgroupResources() throws Exception {
    JsonNode r = write(RuntimeConfig.builder().memoryLimit(80L << 20).cpus(0.05).cpuShares(512).pidsLimit(16)
        .openFiles(4096).readOnlyRoot(true).hostname("box").build()).get("linux").get("resources");
    // No swap beyond the memory limit unless asked: memory.swap is memory and swap together.
    assertThat(r.get("memory").toString()).isEqualTo("{\"limit\":83886080,\"swap\":83886080}");
    // Seed 003's "5 %": a quota of 5,000 µs in each 100,000 µs period.
    assertThat(r.get("cpu").toString()).isEqualTo("{\"shares\":512,\"quota\":5000,\"period\":100000}");
    assertThat(r.get("pids").toString()).isEqualTo("{\"limit\":16}");
    JsonNode swap = write(RuntimeConfig.builder().memoryLimit(80L << 20).memorySwap(-1).cpus(2).build())
        .get("linux").get("resources");
    assertThat(swap.get("memory").get("swap").asLong()).isEqualTo(-1);
    assertThat(swap.get("cpu").get("quota").asLong()).isEqualTo(200_000);
  }

  @Test
  void aUserNamespaceMapsRootToTheUserWhoStartsTheRuntimeAndBindsSys() throws Exception {
    JsonNode doc = write(RuntimeConfig.builder().namespaces(Namespace.USER, Namespace.PID, Namespace.MOUNT).build());
    JsonNode linux = doc.get("linux");
    assertThat(linux.get("uidMappings").toString()).isEqualTo("[{\"containerID\":0,\"hostID\":1000,\"size\":1}]");
    assertThat(linux.get("gidMappings").toString()).isEqualTo("[{\"containerID\":0,\"hostID\":1001,\"size\":1}]");
    assertThat(types(linux.get("namespaces"))).containsExactly("pid", "mount", "user");
    assertThat(doc.has("hostname")).as("no uts namespace, no host name").isFalse();
    JsonNode sys = mount(doc, "/sys");
    assertThat(sys.get("type").asText()).isEqualTo("none");
    assertThat(sys.get("options").toString()).contains("rbind", "ro");
    assertThat(mount(doc, "/dev/pts").get("options").toString()).doesNotContain("gid=5");
    assertThat(destinations(doc)).doesNotContain("/sys/fs/cgroup");
  }

  @Test
  void theSchemaCatchesWhatIsWrong() throws Exception {
    JsonNode bad = JSON.readTree("{\"ociVersion\":\"1.0.2\",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":-1,\"gid\":0}},"
        + "\"linux\":{\"namespaces\":[{\"type\":\"nonsense\"}]}}");
    assertThat(SCHEMA.validate(bad)).isNotEmpty();
  }

  private static List<String> types(JsonNode namespaces) {
    List<String> out = new ArrayList<>();
    namespaces.forEach(n -> out.add(n.get("type").asText()));
    return out;
  }

  private static List<String> destinations(JsonNode doc) {
    List<String> out = new ArrayList<>();
    doc.get("mounts").forEach(m -> out.add(m.get("destination").asText()));
    return out;
  }

  private static JsonNode mount(JsonNode doc, String destination) {
    for (JsonNode m : doc.get("mounts")) {
      if (m.get("destination").asText().equals(destination)) {
        return m;
      }
    }
    throw new AssertionError("no mount at " + destination);
  }
}
