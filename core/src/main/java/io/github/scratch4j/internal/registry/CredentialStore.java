package io.github.scratch4j.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.RegistryCredentials;
import io.github.scratch4j.RegistryException;
import io.github.scratch4j.RegistryOptions;
import io.github.scratch4j.internal.json.JsonReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Finds the credentials users' machines already hold for a registry, in the order of
 * {@link RegistryOptions}: given ones, extra auth files, the containers {@code auth.json}, then
 * Docker's {@code config.json} with its credential helpers.
 */
final class CredentialStore {
  /** Docker Hub's names, and the key its credentials are stored under. */
  private static final Set<String> DOCKER_HUB = Set.of("docker.io", "index.docker.io", "registry-1.docker.io");
  private static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";
  private static final int MAX_FILE = 4 << 20;
  private static final int MAX_HELPER_ERROR = 4096;
  /**
   * How long a credential helper may take. Generous, since a keychain may ask its user to unlock
   * it; but bounded, since a helper that never answers would otherwise hold the push for ever.
   */
  private static final Duration HELPER_LIMIT = Duration.ofSeconds(30);

  private final RegistryOptions options;
  private final Map<String, String> env;
  private final Path home;
  private final Duration helperLimit;

  CredentialStore(RegistryOptions options, Map<String, String> env, Path home) {
    this(options, env, home, HELPER_LIMIT);
  }

  /** A store whose credential helpers get {@code helperLimit} to answer; for tests. */
  CredentialStore(RegistryOptions options, Map<String, String> env, Path home, Duration helperLimit) {
    this.options = options;
    this.env = env;
    this.home = home;
    this.helperLimit = helperLimit;
  }

  static CredentialStore system(RegistryOptions options) {
    return new CredentialStore(options, System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /** The files looked in, in order, existing or not. */
  List<Path> files() {
    List<Path> files = new ArrayList<>(options.authFiles());
    String authFile = env.get("REGISTRY_AUTH_FILE");
    if (authFile != null && !authFile.isEmpty()) {
      files.add(Path.of(authFile));
    } else {
      String runtime = env.get("XDG_RUNTIME_DIR");
      if (runtime != null && !runtime.isEmpty()) {
        files.add(Path.of(runtime, "containers", "auth.json"));
      }
      files.add(home.resolve(".config/containers/auth.json"));
    }
    String dockerConfig = env.get("DOCKER_CONFIG");
    files.add(dockerConfig != null && !dockerConfig.isEmpty() ? Path.of(dockerConfig, "config.json")
        : home.resolve(".docker/config.json"));
    return files;
  }

  /** The credentials for {@code registry} (a host with an optional port), if any place has them. */
  Optional<RegistryCredentials> lookup(String registry) throws IOException {
    Optional<RegistryCredentials> given = options.credentials(registry);
    if (given.isPresent()) {
      return given;
    }
    for (Path file : files()) {
      if (!Files.isRegularFile(file)) {
        continue;
      }
      JsonNode root = read(file);
      Optional<RegistryCredentials> found = fromFile(root, registry, file);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static JsonNode read(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_FILE) {
      throw new ImageFormatException(file + " is " + size + " bytes; a credentials file is at most " + MAX_FILE);
    }
    JsonNode root = JsonReader.parse(Files.readAllBytes(file), file.toString());
    if (!root.isObject()) {
      throw new ImageFormatException(file + " is not a JSON object");
    }
    return root;
  }

  private Optional<RegistryCredentials> fromFile(JsonNode root, String registry, Path file) throws IOException {
    // Docker's order: a helper for this registry, else the default store, else inline auths.
    Optional<String> helper = matching(root.path("credHelpers"), registry).filter(JsonNode::isTextual)
        .map(JsonNode::asText);
    if (helper.isEmpty() && root.path("credsStore").isTextual()) {
      helper = Optional.of(root.path("credsStore").asText());
    }
    if (helper.isPresent() && !helper.get().isEmpty()) {
      Optional<RegistryCredentials> fromHelper = runHelper(helper.get(), serverUrl(registry));
      if (fromHelper.isPresent()) {
        return fromHelper;
      }
    }
    Optional<JsonNode> entry = matching(root.path("auths"), registry);
    if (entry.isEmpty() || !entry.get().isObject()) {
      return Optional.empty();
    }
    JsonNode e = entry.get();
    if (e.path("auth").isTextual() && !e.path("auth").asText().isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(e.path("auth").asText().trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException bad) {
        throw new ImageFormatException(file + ": the \"auth\" entry for " + registry + " is not base64");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new ImageFormatException(file + ": the \"auth\" entry for " + registry + " is not user:password");
      }
      return Optional.of(new RegistryCredentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
    }
    if (e.path("username").isTextual() && e.path("password").isTextual()) {
      return Optional.of(new RegistryCredentials(e.path("username").asText(), e.path("password").asText()));
    }
    return Optional.empty();
  }

  /** The entry whose key names {@code registry}: with or without scheme and path, as Docker matches. */
  private static Optional<JsonNode> matching(JsonNode map, String registry) {
    if (!map.isObject()) {
      return Optional.empty();
    }
    String wanted = registry.toLowerCase(Locale.ROOT);
    boolean hub = DOCKER_HUB.contains(wanted);
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String key = normalize(f.getKey());
      if (key.equals(wanted) || hub && DOCKER_HUB.contains(key)) {
        return Optional.of(f.getValue());
      }
    }
    return Optional.empty();
  }

  private static String normalize(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    int scheme = k.indexOf("://");
    if (scheme >= 0) {
      k = k.substring(scheme + 3);
    }
    int slash = k.indexOf('/');
    return slash >= 0 ? k.substring(0, slash) : k;
  }

  private static String serverUrl(String registry) {
    return DOCKER_HUB.contains(registry.toLowerCase(Locale.ROOT)) ? DOCKER_HUB_KEY : registry;
  }

  /**
   * Asks {@code docker-credential-<helper> get} (the docker-credential-helpers protocol: the
   * server URL on standard input, {@code {"Username":…,"Secret":…}} on standard output).
   */
  Optional<RegistryCredentials> runHelper(String helper, String server) throws IOException {
    if (!helper.matches("[A-Za-z0-9._-]+")) {
      throw new RegistryException("credential helper name '" + helper + "' is not a plain program name", -1);
    }
    String program = "docker-credential-" + helper;
    Optional<Path> found = onPath(program);
    if (found.isEmpty()) {
      throw new RegistryException("the Docker configuration names credential helper " + program
          + ", which is not on the PATH", -1);
    }
    ProcessBuilder pb = new ProcessBuilder(found.get().toString(), "get");
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    // Both outputs are read at once, each on its own thread, so that a helper that fills one
    // pipe while its reader waits on the other cannot block, and so that the wait has a limit.
    CompletableFuture<byte[]> stdout = collect(p.getInputStream(), MAX_FILE, program + "-stdout");
    CompletableFuture<byte[]> stderr = collect(p.getErrorStream(), MAX_HELPER_ERROR, program + "-stderr");
    try (OutputStream in = p.getOutputStream()) {
      in.write(server.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // It exited without reading its input: its exit code and output tell why.
    }
    byte[] out;
    byte[] err;
    try {
      long deadline = System.nanoTime() + helperLimit.toNanos();
      if (!p.waitFor(helperLimit.toNanos(), TimeUnit.NANOSECONDS)) {
        p.destroyForcibly();
        throw new RegistryException(program + " did not answer within " + Limits.format(helperLimit), -1);
      }
      // A process it started may still hold its output open: that gets the rest of the limit.
      long left = Math.max(0, deadline - System.nanoTime());
      out = stdout.get(left, TimeUnit.NANOSECONDS);
      err = stderr.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new RegistryException(program + " exited, but its output did not end within "
          + Limits.format(helperLimit), -1);
    } catch (ExecutionException e) {
      throw new RegistryException("reading the answer of " + program + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while running " + program);
    }
    String said = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      // The protocol's way of saying "none": exit 1 with this message on standard output.
      if (said.contains("credentials not found")) {
        return Optional.empty();
      }
      String why = new String(err, StandardCharsets.UTF_8).lines().findFirst().orElse("");
      throw new RegistryException(program + " get failed with exit code " + p.exitValue()
          + (why.isEmpty() ? "" : ": " + why), -1);
    }
    JsonNode answer = JsonReader.parse(out, "the answer of " + program);
    if (!answer.path("Username").isTextual() || !answer.path("Secret").isTextual()) {
      throw new RegistryException(program + " answered without a Username and Secret", -1);
    }
    return Optional.of(new RegistryCredentials(answer.path("Username").asText(), answer.path("Secret").asText()));
  }

  /** Reads a stream to its end on a daemon thread, keeping its first {@code max} bytes. */
  private static CompletableFuture<byte[]> collect(InputStream stream, int max, String name) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    io.github.scratch4j.internal.exec.Threads.start(name, () -> {
      try (InputStream in = stream) {
        byte[] kept = in.readNBytes(max);
        in.transferTo(OutputStream.nullOutputStream());
        result.complete(kept);
      } catch (IOException | RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  private Optional<Path> onPath(String program) {
    String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
