package io.github.scratch4j.samples.cli;

import io.github.scratch4j.Archive;
import io.github.scratch4j.Compression;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageCheck;
import io.github.scratch4j.ImageIndex;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.Platform;
import io.github.scratch4j.RegistryOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/** Options and value parsing that several commands share. */
final class Shared {
  private Shared() {}

  /** The options that say how to talk to a registry. */
  static final List<Option> REGISTRY = List.of(
      Option.repeated("--insecure-registry", "HOST[:PORT]",
          "allow plain HTTP with this registry (loopback hosts always may)"),
      Option.repeated("--auth-file", "FILE",
          "read credentials from this Docker config.json or containers auth.json first\n"
              + "(then $REGISTRY_AUTH_FILE, containers auth.json, ~/.docker/config.json)"),
      Option.single("--concurrency", "N", "move up to N blobs at once (default 3)"),
      Option.single("--cache-dir", "DIR", "keep pulled blobs here (default ~/.cache/scratch4j)"),
      Option.single("--cache-limit", "MIB",
          "keep the cache within this many MiB, removing the blobs used longest ago\n(none used within the hour; default 10240)"),
      Option.single("--timeout", "SECONDS", "give up on a stalled request after this long (default 60)"));

  static final List<Option> CHECKS = List.of(
      Option.repeated("--no-check", "CHECK",
          "skip a check made before writing: dependencies, entrypoint, user, platform,\n"
              + "runtime-paths, empty, or all"));

  static List<Option> concat(List<Option> first, List<Option>... more) {
    List<Option> all = new ArrayList<>(first);
    for (List<Option> m : more) {
      all.addAll(m);
    }
    return all;
  }

  /**
   * Whether {@code source} names a file or directory rather than a registry image: it exists, or
   * it is written as a path ({@code /...}, {@code ./...}, {@code ../...}) or with an archive's
   * extension, so that a mistyped file name is reported as missing rather than pulled.
   */
  static boolean isLocal(String source) {
    if (source.startsWith("/") || source.startsWith("./") || source.startsWith("../") || source.equals(".")
        || source.startsWith("~")) {
      return true;
    }
    String lower = source.toLowerCase(Locale.ROOT);
    for (String ext : List.of(".tar", ".tar.gz", ".tgz", ".tar.zst", ".tar.xz", ".oci")) {
      if (lower.endsWith(ext)) {
        return true;
      }
    }
    return Files.exists(Path.of(source));
  }

  static RegistryOptions registry(ParsedArgs args, BlobProgress progress) throws UsageException {
    RegistryOptions r = RegistryOptions.defaults().withProgress(Progress.registryListener(progress));
    for (String host : args.all("--insecure-registry")) {
      r = value("--insecure-registry", host, r::withInsecureRegistry);
    }
    for (String file : args.all("--auth-file")) {
      r = r.withAuthFile(Path.of(file));
    }
    Optional<String> n = args.value("--concurrency");
    if (n.isPresent()) {
      int blobs = integer("--concurrency", n.get());
      final RegistryOptions base = r;
      r = value("--concurrency", n.get(), v -> base.withConcurrency(blobs));
    }
    Optional<String> cache = args.value("--cache-dir");
    if (cache.isPresent()) {
      r = r.withCacheDirectory(Path.of(cache.get()));
    }
    Optional<String> limit = args.value("--cache-limit");
    if (limit.isPresent()) {
      long mib = integer("--cache-limit", limit.get());
      final RegistryOptions base = r;
      r = value("--cache-limit", limit.get(), v -> base.withCacheLimit(mib << 20));
    }
    Optional<String> timeout = args.value("--timeout");
    if (timeout.isPresent()) {
      int seconds = integer("--timeout", timeout.get());
      final RegistryOptions base = r;
      r = value("--timeout", timeout.get(), v -> base.withTimeout(Duration.ofSeconds(seconds)));
    }
    Optional<Platform> platform = platform(args);
    if (platform.isPresent()) {
      r = r.withPlatform(platform.get());
    }
    return r;
  }

  static Optional<Platform> platform(ParsedArgs args) throws UsageException {
    Optional<String> p = args.value("--platform");
    if (p.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(value("--platform", p.get(), Platform::of));
  }

  static Compression compression(String option, String value) throws UsageException {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "none", "uncompressed" -> Compression.NONE;
      case "gzip" -> Compression.GZIP;
      case "zstd" -> Compression.ZSTD;
      default -> throw new UsageException(option + " takes none, gzip or zstd, not '" + value + "'");
    };
  }

  static ImageCheck[] checks(ParsedArgs args) throws UsageException {
    List<ImageCheck> checks = new ArrayList<>();
    for (String name : args.all("--no-check")) {
      String key = name.toUpperCase(Locale.ROOT).replace('-', '_');
      if (key.equals("ALL")) {
        checks.addAll(List.of(ImageCheck.values()));
        continue;
      }
      try {
        checks.add(ImageCheck.valueOf(key));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--no-check takes dependencies, entrypoint, user, platform, runtime-paths, empty"
            + " or all, not '" + name + "'");
      }
    }
    return checks.toArray(ImageCheck[]::new);
  }

  static int integer(String option, String value) throws UsageException {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new UsageException(option + " takes a whole number, not '" + value + "'");
    }
  }

  /** Splits {@code NAME=VALUE}. */
  static String[] pair(String option, String value) throws UsageException {
    int eq = value.indexOf('=');
    if (eq <= 0) {
      throw new UsageException(option + " takes NAME=VALUE, not '" + value + "'");
    }
    return new String[] {value.substring(0, eq), value.substring(eq + 1)};
  }

  /** Applies a library parser or setter to a flag's value, reporting what it refuses as a usage error. */
  static <T> T value(String option, String value, Function<String, T> parse) throws UsageException {
    try {
      return parse.apply(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + " " + value + ": " + e.getMessage());
    }
  }

  static ImageReference reference(String option, String value) throws UsageException {
    return value(option, value, ImageReference::parse);
  }

  /**
   * The one image of an archive to work on: the image for {@code platform} (from the images or
   * an index), else the only image, else the image of the only index for this machine.
   */
  static Image pick(Archive archive, Path source, Optional<Platform> platform) throws ImageFormatException {
    List<Image> all = new ArrayList<>(archive.images());
    for (ImageIndex index : archive.indexes()) {
      all.addAll(index.images());
    }
    if (platform.isPresent()) {
      Platform p = platform.get();
      for (Image i : all) {
        if (i.config().platform().filter(q -> matches(q, p)).isPresent()) {
          return i;
        }
      }
      throw new ImageFormatException(source + " has no image for " + p + "; it has "
          + all.stream().map(i -> i.config().platform().map(Platform::toString).orElse("?")).toList());
    }
    if (all.size() == 1) {
      return all.get(0);
    }
    return pick(archive, source, Optional.of(hostPlatform()));
  }

  /** Whether {@code have} is what {@code want} asks for; a variant not asked for matches any. */
  static boolean matches(Platform have, Platform want) {
    return have.os().equals(want.os()) && have.architecture().equals(want.architecture())
        && (want.variant().isEmpty() || want.variant().equals(have.variant()));
  }

  static Platform hostPlatform() {
    String arch = switch (System.getProperty("os.arch")) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> System.getProperty("os.arch");
    };
    return new Platform("linux", arch, Optional.empty());
  }
}
