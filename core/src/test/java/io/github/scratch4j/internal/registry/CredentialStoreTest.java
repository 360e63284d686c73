package io.github.scratch4j.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.scratch4j.RegistryCredentials;
import io.github.scratch4j.RegistryException;
import io.github.scratch4j.RegistryOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreTest {
  @TempDir Path home;

  private static String auth(String user, String password) {
    return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", home.resolve("bin").toString());
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private Path dockerConfig(String json) throws Exception {
    Path file = home.resolve(".docker/config.json");
    Files.createDirectories(file.getParent());
    return Files.writeString(file, json);
  }

  /** A credential helper that answers for one server and says "not found" for the rest. */
  private void helper(String name, String server, String user, String secret) throws Exception {
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path script = bin.resolve("docker-credential-" + name);
    Files.writeString(script, "#!/bin/sh\n[ \"$1\" = get ] || exit 2\nread server\n"
        + "if [ \"$server\" = '" + server + "' ]; then printf '{\"ServerURL\":\"%s\",\"Username\":\"" + user
        + "\",\"Secret\":\"" + secret + "\"}' \"$server\"; exit 0; fi\n"
        + "echo 'credentials not found in native keychain'; exit 1\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private CredentialStore store(RegistryOptions options, Map<String, String> env) {
    return new CredentialStore(options, env, home);
  }

  @Test
  void readsDockerAuthsByHostWithOrWithoutSchemeAndPath() throws Exception {
    dockerConfig("{\"auths\":{\"https://registry.example.com/v1/\":{\"auth\":\"" + auth("ann", "s3cret:x") + "\"},"
        + "\"other.example.com:5000\":{\"username\":\"bob\",\"password\":\"pw\"}}}");
    CredentialStore s = store(RegistryOptions.defaults(), env());
    assertThat(s.lookup("registry.example.com")).contains(new RegistryCredentials("ann", "s3cret:x"));
    assertThat(s.lookup("other.example.com:5000")).contains(new RegistryCredentials("bob", "pw"));
    assertThat(s.lookup("other.example.com")).isEmpty();
    assertThat(s.lookup("nowhere.example.com")).isEmpty();
  }

  @Test
  void dockerHubCredentialsAreFoundUnderTheIndexKey() throws Exception {
    dockerConfig("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + auth("hubuser", "hubpw") + "\"}}}");
    assertThat(store(RegistryOptions.defaults(), env()).lookup("docker.io"))
        .contains(new RegistryCredentials("hubuser", "hubpw"));
  }

  @Test
  void givenCredentialsComeFirstThenTheAuthFileThenDocker() throws Exception {
    dockerConfig("{\"auths\":{\"r.example.com\":{\"auth\":\"" + auth("docker", "d") + "\"}}}");
    Path authJson = Files.writeString(home.resolve("auth.json"),
        "{\"auths\":{\"r.example.com\":{\"auth\":\"" + auth("podman", "p") + "\"}}}");
    assertThat(store(RegistryOptions.defaults(), env()).lookup("r.example.com")).map(RegistryCredentials::username)
        .contains("docker");
    assertThat(store(RegistryOptions.defaults(), env("REGISTRY_AUTH_FILE", authJson.toString())).lookup("r.example.com"))
        .map(RegistryCredentials::username).contains("podman");
    Files.createDirectories(home.resolve("run/containers"));
    Files.copy(authJson, home.resolve("run/containers/auth.json"));
    assertThat(store(RegistryOptions.defaults(), env("XDG_RUNTIME_DIR", home.resolve("run").toString()))
        .lookup("r.example.com")).map(RegistryCredentials::username).contains("podman");
    RegistryOptions given = RegistryOptions.defaults().withCredentials("r.example.com", new RegistryCredentials("given", "g"));
    assertThat(store(given, env("REGISTRY_AUTH_FILE", authJson.toString())).lookup("r.example.com"))
        .map(RegistryCredentials::username).contains("given");
  }

  @Test
  void credHelpersAndCredsStoreAreAsked() throws Exception {
    helper("per-host", "r.example.com", "helped", "from-helper");
    helper("store", "https://index.docker.io/v1/", "stored", "from-store");
    dockerConfig("{\"credHelpers\":{\"r.example.com\":\"per-host\"},\"credsStore\":\"store\","
        + "\"auths\":{\"inline.example.com\":{\"auth\":\"" + auth("inline", "i") + "\"}}}");
    CredentialStore s = store(RegistryOptions.defaults(), env());
    assertThat(s.lookup("r.example.com")).contains(new RegistryCredentials("helped", "from-helper"));
    assertThat(s.lookup("docker.io")).contains(new RegistryCredentials("stored", "from-store"));
    // The store has nothing for this one: the inline entry is used.
    assertThat(s.lookup("inline.example.com")).contains(new RegistryCredentials("inline", "i"));
  }

  @Test
  void aMissingOrFailingHelperIsAClearErrorWithoutItsOutput() throws Exception {
    dockerConfig("{\"credHelpers\":{\"r.example.com\":\"absent\"}}");
    assertThatThrownBy(() -> store(RegistryOptions.defaults(), env()).lookup("r.example.com"))
        .isInstanceOf(RegistryException.class).hasMessageContaining("docker-credential-absent")
        .hasMessageContaining("not on the PATH");
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path script = Files.writeString(bin.resolve("docker-credential-broken"),
        "#!/bin/sh\necho '{\"Secret\":\"leaked-secret\"}'\necho 'keychain locked' >&2\nexit 3\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    dockerConfig("{\"credHelpers\":{\"r.example.com\":\"broken\"}}");
    assertThatThrownBy(() -> store(RegistryOptions.defaults(), env()).lookup("r.example.com"))
        .isInstanceOf(RegistryException.class).hasMessageContaining("exit code 3")
        .hasMessageContaining("keychain locked").hasMessageNotContaining("leaked-secret");
    dockerConfig("{\"credHelpers\":{\"r.example.com\":\"../../bin/sh\"}}");
    assertThatThrownBy(() -> store(RegistryOptions.defaults(), env()).lookup("r.example.com"))
        .isInstanceOf(RegistryException.class).hasMessageContaining("not a plain program name");
  }

  private void script(String name, String body) throws Exception {
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path script = Files.writeString(bin.resolve("docker-credential-" + name), "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void aHelperThatNeverAnswersIsGivenUpAndKilled() throws Exception {
    Path pidFile = home.resolve("helper.pid");
    script("silent", "echo $$ > '" + pidFile + "'\nexec /bin/sleep 60\n");
    dockerConfig("{\"credHelpers\":{\"r.example.com\":\"silent\"}}");
    CredentialStore s = new CredentialStore(RegistryOptions.defaults(), env(), home, Duration.ofMillis(500));
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(() -> s.lookup("r.example.com"))
        .isInstanceOf(RegistryException.class).hasMessageContaining("docker-credential-silent did not answer within 500 ms"));
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    Optional<ProcessHandle> left = ProcessHandle.of(pid);
    if (left.isPresent()) {
      assertThat(left.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS).isAlive()).isFalse();
    }
  }

  @Test
  void aHelperThatWritesMuchToStandardErrorStillAnswers() throws Exception {
    // 1 MiB on standard error before the answer: more than a pipe holds, so a reader that waits
    // for standard output first would wait for ever.
    script("chatty", "read server\n/usr/bin/head -c 1048576 /dev/zero >&2 || exit 9\n"
        + "printf '{\"Username\":\"chat\",\"Secret\":\"ty\"}'\n");
    dockerConfig("{\"credHelpers\":{\"r.example.com\":\"chatty\"}}");
    CredentialStore s = new CredentialStore(RegistryOptions.defaults(), env(), home, Duration.ofSeconds(20));
    assertThat(assertTimeoutPreemptively(Duration.ofSeconds(30), () -> s.lookup("r.example.com")))
        .contains(new RegistryCredentials("chat", "ty"));
  }

  @Test
  void aMalformedFileNamesItself() throws Exception {
    Path config = dockerConfig("{\"auths\":{\"r.example.com\":{\"auth\":\"%%%\"}}}");
    assertThatThrownBy(() -> store(RegistryOptions.defaults(), env()).lookup("r.example.com"))
        .hasMessageContaining(config.toString()).hasMessageContaining("not base64");
    dockerConfig("[1,2");
    assertThatThrownBy(() -> store(RegistryOptions.defaults(), env()).lookup("r.example.com"))
        .hasMessageContaining(config.toString());
  }

  @Test
  void secretsNeverShowInToString() {
    RegistryCredentials c = new RegistryCredentials("ann", "hunter2");
    assertThat(c.toString()).contains("ann").doesNotContain("hunter2");
    RegistryOptions o = RegistryOptions.defaults().withCredentials("r.example.com", c);
    assertThat(o.toString()).contains("r.example.com").doesNotContain("hunter2").doesNotContain("ann");
    assertThat(o.credentials("R.EXAMPLE.COM")).isEqualTo(Optional.of(c));
  }
}
