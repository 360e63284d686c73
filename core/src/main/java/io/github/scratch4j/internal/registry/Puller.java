package io.github.scratch4j.internal.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.DigestMismatchException;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.Platform;
import io.github.scratch4j.RegistryException;
import io.github.scratch4j.RegistryOptions;
import io.github.scratch4j.TransferEvent;
import io.github.scratch4j.internal.io.Sha256;
import io.github.scratch4j.internal.json.JsonReader;
import io.github.scratch4j.internal.read.Documents;
import io.github.scratch4j.internal.HostPlatform;
import io.github.scratch4j.internal.read.FetchedImages;
import io.github.scratch4j.internal.read.PassAlongside;
import io.github.scratch4j.internal.read.ReadBudget;
import io.github.scratch4j.internal.read.ReadImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Pulls an image from a registry (OCI distribution-spec, "Pull"): resolves the manifest, picks
 * the platform from an index, downloads the config and layers into the cache (verifying each
 * digest and size), and reads the image from there. Blobs already cached are not downloaded.
 * Returns the image as read; {@code Image} makes the public image of it.
 */
public final class Puller {
  /** What a manifest request accepts: OCI and Docker schema 2, images and indexes. */
  static final String ACCEPT = String.join(", ", MediaType.OCI_MANIFEST, MediaType.OCI_INDEX,
      MediaType.DOCKER_MANIFEST, MediaType.DOCKER_MANIFEST_LIST);

  private final RegistryClient client;
  private final ImageReference ref;
  private final RegistryOptions options;
  private final BlobCache cache;
  private final List<String> scopes;
  /** What this pull may decompress, shared by the passes that check layers as they download. */
  private final ReadBudget budget;
  /** The passes that read each downloaded blob as it arrived, by digest. */
  private final Map<Digest, PassAlongside> passes = new java.util.concurrent.ConcurrentHashMap<>();

  Puller(RegistryClient client, ImageReference ref, RegistryOptions options, BlobCache cache) {
    this.client = client;
    this.ref = ref;
    this.options = options;
    this.cache = cache;
    this.scopes = List.of("repository:" + ref.repository() + ":pull");
    this.budget = new ReadBudget(options.readOptions());
  }

  /** Pulls {@code ref} with the given options. */
  public static ReadImage pull(ImageReference ref, RegistryOptions options) throws IOException {
    BlobCache cache = BlobCache.of(options);
    return new Puller(RegistryClient.of(ref.registry(), options), ref, options, cache).pull();
  }

  private record Fetched(Descriptor descriptor, byte[] content) {}

  ReadImage pull() throws IOException {
    String where = ref.fullName();
    Fetched top = manifest(ref.digest().map(Digest::toString).orElse(ref.tagOrLatest()), ref.digest());
    Fetched chosen = top;
    if (isIndex(top.descriptor().mediaType())) {
      Descriptor pick = pick(Documents.index(top.content(), "image index " + top.descriptor().digest() + " of " + where));
      chosen = manifest(pick.digest().toString(), Optional.of(pick.digest()));
      if (isIndex(chosen.descriptor().mediaType())) {
        throw new ImageFormatException("the image index of " + where + " names another index for "
            + pick.platform().map(Platform::toString).orElse("its platform") + "; nested indexes are not pulled");
      }
    }
    Manifest manifest = Documents.manifest(chosen.content(), "manifest " + chosen.descriptor().digest() + " of " + where);
    List<Descriptor> blobs = new ArrayList<>();
    blobs.add(manifest.config());
    blobs.addAll(manifest.layers());
    List<Callable<Path>> downloads = new ArrayList<>();
    for (Descriptor d : blobs) {
      downloads.add(() -> blob(d));
    }
    List<Path> files = Parallel.run(downloads, options);
    Map<Digest, Path> fetched = new HashMap<>();
    for (int i = 0; i < blobs.size(); i++) {
      fetched.put(blobs.get(i).digest(), files.get(i));
    }
    Descriptor manifestDescriptor = chosen.descriptor();
    fetched.put(manifestDescriptor.digest(), cache.path(manifestDescriptor.digest()));
    // What this pull used was marked used just now, and stays.
    cache.trim();
    FetchedImages.Fetch fetch = new FetchedImages.Fetch() {
      @Override
      public Path file(Descriptor d) throws IOException {
        return fetched.containsKey(d.digest()) ? fetched.get(d.digest()) : blob(d);
      }

      @Override
      public Optional<PassAlongside> passed(Descriptor d) {
        return Optional.ofNullable(passes.get(d.digest()));
      }
    };
    try {
      return FetchedImages.image(manifestDescriptor, fetch, where, budget);
    } catch (DigestMismatchException e) {
      // A cached blob that no longer matches (a damaged disk, a meddler): forget it, fail clearly.
      for (Descriptor d : blobs) {
        cache.evict(d.digest());
      }
      throw e;
    }
  }

  private static boolean isIndex(String mediaType) {
    return mediaType.equals(MediaType.OCI_INDEX) || mediaType.equals(MediaType.DOCKER_MANIFEST_LIST);
  }

  /** The index entry for the wanted platform: os and architecture equal, and the variant if one is wanted. */
  private Descriptor pick(List<Descriptor> entries) throws ImageFormatException {
    Platform wanted = options.platform().orElseGet(HostPlatform::get);
    for (Descriptor d : entries) {
      if (d.platform().filter(p -> HostPlatform.serves(p, wanted)).isPresent()) {
        return d;
      }
    }
    throw new ImageFormatException(ref.fullName() + " has no image for " + wanted + "; it has "
        + entries.stream().map(d -> d.platform().map(Platform::toString).orElse("?")).toList());
  }

  /**
   * A manifest or index, by tag or digest, from the cache when its digest is known and cached
   * (a tag is resolved with a HEAD request first), else downloaded and checked.
   */
  private Fetched manifest(String reference, Optional<Digest> expected) throws IOException {
    String path = "/v2/" + ref.repository() + "/manifests/" + reference;
    Optional<Digest> known = expected;
    if (known.isEmpty()) {
      RegistryClient.Answer head = client.send(RegistryClient.Call.of("HEAD", path, scopes).header("Accept", ACCEPT));
      if (head.status() == 200) {
        known = head.header("Docker-Content-Digest").flatMap(Puller::parseDigest);
      }
    }
    Optional<Path> inCache = known.filter(k -> k.algorithm().equals("sha256")).flatMap(cache::get);
    if (inCache.isPresent()) {
      byte[] cached = Files.readAllBytes(inCache.get());
      if (Sha256.of(cached).equals(known.get())) {
        return new Fetched(Descriptor.of(mediaType(cached, Optional.empty(), reference), known.get(), cached.length), cached);
      }
      cache.evict(known.get());
    }
    RegistryClient.Call get = RegistryClient.Call.of("GET", path, scopes).header("Accept", ACCEPT)
        .reading(JsonReader.MAX_DOCUMENT + 1);
    RegistryClient.Answer r = client.send(get);
    if (r.status() == 404) {
      throw new RegistryException(ref.fullName() + ": " + client.where() + " has no manifest "
          + reference + " in " + ref.repository(), 404);
    }
    if (r.status() != 200) {
      throw client.failure(get, r);
    }
    byte[] content = r.body();
    if (content.length > JsonReader.MAX_DOCUMENT) {
      throw new ImageFormatException("manifest " + reference + " of " + ref.fullName() + " is larger than "
          + JsonReader.MAX_DOCUMENT + " bytes");
    }
    Digest digest = Sha256.of(content);
    if (expected.isPresent() && !expected.get().equals(digest)) {
      throw new DigestMismatchException("registry " + ref.registry() + " sent manifest " + expected.get()
          + " of " + ref.repository() + " with digest " + digest);
    }
    Optional<Digest> claimed = r.header("Docker-Content-Digest").flatMap(Puller::parseDigest);
    if (claimed.isPresent() && claimed.get().algorithm().equals("sha256") && !claimed.get().equals(digest)) {
      throw new DigestMismatchException("registry " + ref.registry() + " sent manifest " + reference + " of "
          + ref.repository() + " as " + claimed.get() + ", but its content has digest " + digest);
    }
    String mediaType = mediaType(content, r.header("Content-Type"), reference);
    cache.put(digest, content);
    BlobLocations.seen(client.registry(), digest, ref.repository());
    return new Fetched(Descriptor.of(mediaType, digest, content.length), content);
  }

  private static Optional<Digest> parseDigest(String value) {
    try {
      return Optional.of(Digest.parse(value.trim()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The document's own mediaType, else the response's Content-Type, else its shape; refuses contradictions. */
  private String mediaType(byte[] content, Optional<String> contentType, String reference) throws ImageFormatException {
    String what = "manifest " + reference + " of " + ref.fullName();
    String type = Documents.mediaType(content, contentType, what);
    if (type.startsWith("application/vnd.docker.distribution.manifest.v1")) {
      throw new ImageFormatException(ref.fullName() + " is a Docker schema 1 manifest, which nothing has written since"
          + " 2017 and scratch4j does not read; push it again with a current tool");
    }
    if (!List.of(MediaType.OCI_MANIFEST, MediaType.OCI_INDEX, MediaType.DOCKER_MANIFEST,
        MediaType.DOCKER_MANIFEST_LIST).contains(type)) {
      throw new ImageFormatException(what + " has media type " + type + ", neither an image manifest nor an index");
    }
    return type;
  }

  /** The cached file of a blob, downloaded and checked first if need be. */
  private Path blob(Descriptor d) throws IOException {
    Optional<Path> cached = cache.get(d.digest(), d.size());
    if (cached.isPresent()) {
      Progress.done(options.progress(), TransferEvent.Kind.CACHED, d);
      return cached.get();
    }
    Progress progress = Progress.download(options.progress(), d);
    String what = "blob " + d.digest() + " of " + ref.fullName();
    // The call reads the whole blob; a body that stalls or breaks is fetched again by the client.
    RegistryClient.Call get = RegistryClient.Call.of("GET", "/v2/" + ref.repository() + "/blobs/" + d.digest(), scopes)
        .reading(d.size());
    // Each attempt's bytes are checked as they arrive by a pass of their own (the second read of a
    // layer, which used to follow the download); an attempt that fails takes its pass with it.
    PassAlongside[] attempt = new PassAlongside[1];
    Path p;
    try {
      p = client.send(get, (status, headers, in) -> {
        if (status != 200) {
          throw client.failure(get, RegistryClient.Answer.reading(status, headers, in));
        }
        progress.from(0);
        if (attempt[0] != null) {
          attempt[0].close();
        }
        attempt[0] = PassAlongside.start(d, cache.path(d.digest()).toString(), budget);
        return cache.put(d.digest(), d.size(), in, what, progress::add, attempt[0].input());
      });
    } catch (IOException | RuntimeException | Error e) {
      if (attempt[0] != null) {
        attempt[0].close();
      }
      throw e;
    }
    if (attempt[0] != null) {
      passes.put(d.digest(), attempt[0]);
    }
    progress.check();
    BlobLocations.seen(client.registry(), d.digest(), ref.repository());
    Progress.done(options.progress(), TransferEvent.Kind.DOWNLOADED, d);
    return p;
  }
}
