package io.github.scratch4j.internal.registry;

import io.github.scratch4j.Digest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which repository of a registry this process has seen holding a blob (pushed there or pulled
 * from there), so a push to another repository of the same registry can mount it instead of
 * uploading it again (distribution-spec, "Mounting a blob from another repository").
 */
final class BlobLocations {
  private static final Map<String, Map<Digest, String>> SEEN = new ConcurrentHashMap<>();

  private BlobLocations() {}

  static void seen(String registry, Digest digest, String repository) {
    SEEN.computeIfAbsent(registry, r -> new ConcurrentHashMap<>()).put(digest, repository);
  }

  /** A repository other than {@code repository} known to hold the blob. */
  static Optional<String> elsewhere(String registry, Digest digest, String repository) {
    String r = SEEN.getOrDefault(registry, Map.of()).get(digest);
    return r == null || r.equals(repository) ? Optional.empty() : Optional.of(r);
  }
}
