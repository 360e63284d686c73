package io.github.scratch4j;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * How to talk to registries when pushing ({@link Image#pushTo}) and pulling
 * ({@link Image#from(String)}): credentials, which hosts may use plain HTTP, concurrency, layer
 * compression, the platform to pull, the local cache, timeouts, retries, progress reports and the
 * limits pulled images are read within.
 *
 * <p>Credentials given here come first; then those in the files given with {@link #withAuthFile},
 * then {@code $REGISTRY_AUTH_FILE} or the containers {@code auth.json}
 * ({@code $XDG_RUNTIME_DIR/containers/auth.json}, {@code ~/.config/containers/auth.json}), then
 * Docker's {@code config.json} ({@code $DOCKER_CONFIG} or {@code ~/.docker}) with its
 * {@code credHelpers}, {@code credsStore} and {@code auths}. Without any, requests are anonymous.
 *
 * <p>Immutable; every change returns a new instance. {@link #toString()} shows no secrets.
 */
public final class RegistryOptions {
  private static final RegistryOptions DEFAULTS = new RegistryOptions(new Fields());

  private final Map<String, RegistryCredentials> credentials;
  private final Set<String> insecureRegistries;
  private final List<Path> authFiles;
  private final int concurrency;
  private final WriteOptions layers;
  private final Optional<Platform> platform;
  private final Optional<Path> cacheDirectory;
  private final long cacheLimit;
  private final Duration timeout;
  private final int attempts;
  private final Duration backoff;
  private final long chunkSize;
  private final Optional<Consumer<TransferEvent>> progress;
  private final ReadOptions read;
  private final Optional<Executor> executor;
  private final Optional<SigningKey> signingKey;
  private final Optional<VerificationKey> requiredSignature;

  /**
   * Every setting, mutable, to make a changed copy from: the one way an instance is made, so that
   * a setting added later is one field here and one {@code with} method, not another argument in
   * every copy.
   */
  private static final class Fields {
    Map<String, RegistryCredentials> credentials = Map.of();
    Set<String> insecureRegistries = Set.of();
    List<Path> authFiles = List.of();
    int concurrency = 3;
    // Registries serve compressed layers; gzip is the one every client reads.
    WriteOptions layers = WriteOptions.defaults().withCompression(Compression.GZIP);
    Optional<Platform> platform = Optional.empty();
    Optional<Path> cacheDirectory = Optional.empty();
    // Every pushed layer is kept for the next pull: without a bound, a machine that pushes a
    // large image a day fills its disk.
    long cacheLimit = 10L << 30;
    Duration timeout = Duration.ofSeconds(60);
    int attempts = 5;
    Duration backoff = Duration.ofMillis(200);
    // One request per blob unless set: the distribution registry hashes an upload again from its
    // first byte for every chunk after the first; streaming 512 MiB to a local one took 3.4 s in
    // one request and 4.9 s in 64 MiB chunks. A failed request resumes from the registry's range
    // all the same, where the registry keeps one.
    long chunkSize = Long.MAX_VALUE;
    Optional<Consumer<TransferEvent>> progress = Optional.empty();
    ReadOptions read = ReadOptions.defaults();
    Optional<Executor> executor = Optional.empty();
    Optional<SigningKey> signingKey = Optional.empty();
    Optional<VerificationKey> requiredSignature = Optional.empty();
  }

  private RegistryOptions(Fields f) {
    this.credentials = Map.copyOf(f.credentials);
    this.insecureRegistries = Set.copyOf(f.insecureRegistries);
    this.authFiles = List.copyOf(f.authFiles);
    this.concurrency = f.concurrency;
    this.layers = f.layers;
    this.platform = f.platform;
    this.cacheDirectory = f.cacheDirectory;
    this.cacheLimit = f.cacheLimit;
    this.timeout = f.timeout;
    this.attempts = f.attempts;
    this.backoff = f.backoff;
    this.chunkSize = f.chunkSize;
    this.progress = f.progress;
    this.read = f.read;
    this.executor = f.executor;
    this.signingKey = f.signingKey;
    this.requiredSignature = f.requiredSignature;
  }

  /** A copy with {@code change} made to its settings. */
  private RegistryOptions with(Consumer<Fields> change) {
    Fields f = new Fields();
    f.credentials = credentials;
    f.insecureRegistries = insecureRegistries;
    f.authFiles = authFiles;
    f.concurrency = concurrency;
    f.layers = layers;
    f.platform = platform;
    f.cacheDirectory = cacheDirectory;
    f.cacheLimit = cacheLimit;
    f.timeout = timeout;
    f.attempts = attempts;
    f.backoff = backoff;
    f.chunkSize = chunkSize;
    f.progress = progress;
    f.read = read;
    f.executor = executor;
    f.signingKey = signingKey;
    f.requiredSignature = requiredSignature;
    change.accept(f);
    return new RegistryOptions(f);
  }

  /**
   * Credentials from the usual files, HTTPS everywhere but on the loopback interface, three
   * concurrent uploads, gzip layers, the platform Java runs on, the user's cache directory kept
   * within 10 GiB (see {@link #withCacheLimit}), a
   * 60-second timeout (see {@link #withTimeout}), five attempts with backoff from 200 ms, and
   * each blob in one request (no chunk size).
   *
   * @return the default options, the same instance every time
   */
  public static RegistryOptions defaults() {
    return DEFAULTS;
  }

  private static String key(String registry) {
    Objects.requireNonNull(registry, "registry");
    String r = registry.toLowerCase(Locale.ROOT);
    if (r.isEmpty() || r.contains("/")) {
      throw new IllegalArgumentException("a registry is a host with an optional port, not '" + registry + "'");
    }
    return r;
  }

  /**
   * A copy that uses these credentials for {@code registry} (a host with an optional port).
   *
   * @param registry the registry's host, with an optional port, such as {@code ghcr.io} or
   *     {@code localhost:5000}; case does not matter
   * @param newCredentials the credentials, which replace any given before for that registry
   * @return a copy with the credentials added
   * @throws IllegalArgumentException if {@code registry} is empty or holds a {@code /}
   * @throws NullPointerException if an argument is null
   */
  @CheckReturnValue
  public RegistryOptions withCredentials(String registry, RegistryCredentials newCredentials) {
    Map<String, RegistryCredentials> next = new HashMap<>(credentials);
    next.put(key(registry), Objects.requireNonNull(newCredentials, "credentials"));
    return with(f -> f.credentials = next);
  }

  /**
   * A copy that may use plain HTTP with {@code registry} (a host with an optional port) when it
   * does not answer HTTPS. Loopback hosts ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1})
   * always may; every other host gets HTTPS only, with certificates verified.
   *
   * <p>Listing a host also trusts it with credentials as a token service. Credentials follow the
   * origin (scheme, host, port): when a registry's challenge comes over plain HTTP, anyone on the
   * path or another program on the machine could have written it, so the registry's credentials
   * go only to a token service at the registry's own origin, or at one listed here
   * ({@code host:port}, or the bare host for all its ports). Another token service on a loopback
   * or listed host is asked without credentials; one anywhere else is refused. A challenge over
   * HTTPS sends them to the token service it names, wherever that is.
   *
   * @param registry the registry's host, with an optional port; case does not matter
   * @return a copy with the registry added to those allowed plain HTTP
   * @throws IllegalArgumentException if {@code registry} is empty or holds a {@code /}
   * @throws NullPointerException if {@code registry} is null
   */
  @CheckReturnValue
  public RegistryOptions withInsecureRegistry(String registry) {
    Set<String> next = new HashSet<>(insecureRegistries);
    next.add(key(registry));
    return with(f -> f.insecureRegistries = next);
  }

  /**
   * A copy that reads credentials from {@code file} (Docker's {@code config.json} or a containers
   * {@code auth.json}) before the default places.
   *
   * @param file the credentials file, read after those added before it; a missing file is
   *     passed over
   * @return a copy with the file added
   * @throws NullPointerException if {@code file} is null
   */
  @CheckReturnValue
  public RegistryOptions withAuthFile(Path file) {
    List<Path> next = new ArrayList<>(authFiles);
    next.add(Objects.requireNonNull(file, "file"));
    return with(f -> f.authFiles = next);
  }

  /**
   * A copy that uploads or downloads up to {@code blobs} blobs at once.
   *
   * @param blobs how many blobs move at once, at least 1
   * @return a copy with that concurrency
   * @throws IllegalArgumentException if {@code blobs} is less than 1
   */
  @CheckReturnValue
  public RegistryOptions withConcurrency(int blobs) {
    if (blobs < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, not " + blobs);
    }
    return with(f -> f.concurrency = blobs);
  }

  /**
   * A copy that compresses the layers it generates for a push this way (gzip by default), at the
   * codec's default level: short for {@code withLayerOptions(layerOptions().withCompression(layers))}.
   * Stored layers, such as a base image's, keep their compression.
   *
   * @param layers the compression of generated layers
   * @return a copy with that compression
   * @throws NullPointerException if {@code layers} is null
   */
  @CheckReturnValue
  public RegistryOptions withCompression(Compression layers) {
    Objects.requireNonNull(layers, "compression");
    return with(f -> f.layers = f.layers.withCompression(layers));
  }

  /**
   * A copy that attaches each pushed image's {@link Image#sbom() SBOM} as an OCI 1.1 referrer once
   * the push is done, as {@link Image#pushSbomTo} does (for an index, one per image): short for
   * {@code withLayerOptions(layerOptions().withSbom())}.
   *
   * @return a copy that attaches SBOMs to pushes
   */
  @CheckReturnValue
  public RegistryOptions withSbom() {
    return with(f -> f.layers = f.layers.withSbom());
  }

  /**
   * A copy that generates the layers of a push as these write options say: their compression and
   * level, who hears of each layer as it is generated ({@link WriteOptions#withProgress}), and
   * whether SBOMs are attached ({@link WriteOptions#withSbom}). The one place a push's compression
   * is set; the options' format does not apply to a registry, and a push's tasks run where
   * {@link #withExecutor} says.
   *
   * @param options how layers are generated
   * @return a copy with those options
   * @throws NullPointerException if {@code options} is null
   */
  @CheckReturnValue
  public RegistryOptions withLayerOptions(WriteOptions options) {
    Objects.requireNonNull(options, "options");
    return with(f -> f.layers = options);
  }

  /**
   * How the layers of a push are generated.
   *
   * @return the write options given with {@link #withLayerOptions} or {@link #withCompression};
   *     gzip at its default level unless set
   */
  public WriteOptions layerOptions() {
    return layers;
  }

  /**
   * A copy that pulls this platform's image from a multi-platform index.
   *
   * @param wanted the platform to take from an index
   * @return a copy with that platform
   * @throws NullPointerException if {@code wanted} is null
   */
  @CheckReturnValue
  public RegistryOptions withPlatform(Platform wanted) {
    Optional<Platform> next = Optional.of(wanted);
    return with(f -> f.platform = next);
  }

  /**
   * A copy that keeps pulled blobs in {@code directory} instead of {@code $XDG_CACHE_HOME/scratch4j}
   * (or {@code ~/.cache/scratch4j}).
   *
   * @param directory the cache directory, made when first needed
   * @return a copy with that cache directory
   * @throws NullPointerException if {@code directory} is null
   */
  @CheckReturnValue
  public RegistryOptions withCacheDirectory(Path directory) {
    Optional<Path> next = Optional.of(directory);
    return with(f -> f.cacheDirectory = next);
  }

  /**
   * A copy that keeps the cache directory within {@code bytes}. The cache holds the blobs pulled
   * and the layers pushed (so that a pull after a push downloads nothing). After a pull or a push
   * that leaves it larger, the blobs used longest ago are removed until it fits, except those used
   * within the last hour (another build may be reading them): the cache can exceed the limit for
   * that hour. A blob's use is a pull, a push or a lookup that finds it.
   *
   * @param bytes the most the cache's blobs may take, zero or more (zero: keep only what was used
   *     within the hour)
   * @return a copy with that limit
   * @throws IllegalArgumentException if {@code bytes} is negative
   */
  @CheckReturnValue
  public RegistryOptions withCacheLimit(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("a cache limit cannot be negative: " + bytes + " bytes");
    }
    return with(f -> f.cacheLimit = bytes);
  }

  /**
   * A copy with this timeout, which bounds every wait: connecting, an answer to begin (after the
   * last byte of an upload), and each pause in a body sent or received, however large. A body of
   * N bytes must also be complete within twice the timeout plus one timeout per MiB (a floor of
   * 1 MiB per timeout, about 17 KiB/s with the default minute), counted from its first byte for
   * an upload and from the answer's headers for a download, with N the blob's size, the declared
   * length, or the most that is read of a document. A request that runs out of time is retried
   * like a failed connection; the last failure is a {@link RegistryException} naming the host,
   * the request and what stalled. A slow link needs a longer timeout, which lowers the floor.
   *
   * @param perRequest the timeout, positive
   * @return a copy with that timeout
   * @throws IllegalArgumentException if {@code perRequest} is zero or negative
   * @throws NullPointerException if {@code perRequest} is null
   */
  @CheckReturnValue
  public RegistryOptions withTimeout(Duration perRequest) {
    if (perRequest.isNegative() || perRequest.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, not " + perRequest);
    }
    return with(f -> f.timeout = perRequest);
  }

  /**
   * A copy that tries each request up to {@code maxAttempts} times when the connection fails,
   * a transfer stalls or runs out of time, or the registry answers 429 or a 5xx status, waiting {@code firstBackoff}, then twice as long each
   * time (or what the registry's {@code Retry-After} asks, up to a minute).
   *
   * @param maxAttempts how many times a request is tried at most, at least 1 (1: no retries)
   * @param firstBackoff the wait before the first retry, zero or more
   * @return a copy with that retry policy
   * @throws IllegalArgumentException if {@code maxAttempts} is less than 1 or {@code firstBackoff}
   *     is negative
   * @throws NullPointerException if {@code firstBackoff} is null
   */
  @CheckReturnValue
  public RegistryOptions withRetries(int maxAttempts, Duration firstBackoff) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("at least one attempt is needed, not " + maxAttempts);
    }
    if (firstBackoff.isNegative()) {
      throw new IllegalArgumentException("backoff cannot be negative: " + firstBackoff);
    }
    return with(f -> {
      f.attempts = maxAttempts;
      f.backoff = firstBackoff;
    });
  }

  /**
   * A copy that uploads blobs larger than {@code bytes} in chunks of that size (at least 1 MiB:
   * registries commonly refuse smaller chunks); smaller blobs go up in one request.
   *
   * @param bytes the chunk size in bytes, at least 1 MiB (1048576)
   * @return a copy with that chunk size
   * @throws IllegalArgumentException if {@code bytes} is less than 1 MiB
   */
  @CheckReturnValue
  public RegistryOptions withChunkSize(long bytes) {
    if (bytes < (1 << 20)) {
      throw new IllegalArgumentException("chunks must be at least 1 MiB, not " + bytes + " bytes");
    }
    return with(f -> f.chunkSize = bytes);
  }

  /**
   * A copy that reports each blob's and manifest's progress to {@code listener}. It is called from
   * the threads that move blobs, several at once, so it must be thread-safe and quick; what it
   * throws ends the push or pull with that exception.
   *
   * @param listener receives every event; replaces a listener given before
   * @return a copy with that listener
   * @throws NullPointerException if {@code listener} is null
   */
  @CheckReturnValue
  public RegistryOptions withProgress(Consumer<TransferEvent> listener) {
    Optional<Consumer<TransferEvent>> next = Optional.of(Objects.requireNonNull(listener, "listener"));
    return with(f -> f.progress = next);
  }

  /**
   * The credentials given for {@code registry}, if any.
   *
   * @param registry the registry's host, with an optional port; case does not matter
   * @return the credentials given with {@link #withCredentials}, or empty (the credential files
   *     are not read here)
   * @throws IllegalArgumentException if {@code registry} is empty or holds a {@code /}
   * @throws NullPointerException if {@code registry} is null
   */
  public Optional<RegistryCredentials> credentials(String registry) {
    return Optional.ofNullable(credentials.get(key(registry)));
  }

  /**
   * The registries marked as allowed to use plain HTTP.
   *
   * @return an unmodifiable set of lower-case hosts with optional ports, without the loopback
   *     hosts that always may; empty unless set
   */
  public Set<String> insecureRegistries() {
    return insecureRegistries;
  }

  /**
   * The credential files read before the default places.
   *
   * @return an unmodifiable list, in the order they are read; empty unless set
   */
  public List<Path> authFiles() {
    return authFiles;
  }

  /**
   * A copy that runs its transfers, and the generation of the layers a push sends, on the given
   * executor instead of scratch4j's own daemon threads: at most {@link #concurrency()} tasks at
   * once, each handed over as another ends (a virtual-thread executor, a build tool's worker pool).
   * It must be able to run them while the calling thread waits for them. Work inside a transfer
   * (compressing a layer's blocks, feeding its request, the requests of a layer sent as it is
   * generated, whose last one may still be going on when its task ends) stays on scratch4j's own
   * threads, so a small executor cannot deadlock a push or pull; what is sent does not depend on it.
   *
   * @param tasks where transfers run
   * @return a copy with that executor
   * @throws NullPointerException if {@code tasks} is null
   */
  @CheckReturnValue
  public RegistryOptions withExecutor(Executor tasks) {
    Objects.requireNonNull(tasks, "tasks");
    return with(f -> f.executor = Optional.of(tasks));
  }

  /**
   * Signs what {@link Image#pushTo} and {@link ImageIndex#pushTo} push, in cosign's format, once
   * the push (and any SBOM) is complete (see {@link Signatures#sign}); an index is signed by its
   * own digest, as {@code cosign sign} signs it without {@code --recursive}.
   *
   * @param key the key to sign with
   * @return a copy that signs pushes
   * @throws NullPointerException if {@code key} is null
   */
  @CheckReturnValue
  public RegistryOptions withSigningKey(SigningKey key) {
    Objects.requireNonNull(key, "key");
    return with(f -> f.signingKey = Optional.of(key));
  }

  /**
   * The key pushes are signed with.
   *
   * @return the key given with {@link #withSigningKey}; empty for unsigned pushes
   */
  public Optional<SigningKey> signingKey() {
    return signingKey;
  }

  /**
   * Pulls with {@link Image#from(String, RegistryOptions)} only an image that this key signed
   * (see {@link Signatures#verify}): the tag is resolved, its manifest's signatures checked, and
   * that manifest pulled by its digest, so what is pulled is what was verified. An unsigned image
   * fails with a {@link SignatureVerificationException} before any blob is downloaded.
   *
   * @param key the key that must have signed what is pulled
   * @return a copy that requires the signature
   * @throws NullPointerException if {@code key} is null
   */
  @CheckReturnValue
  public RegistryOptions withRequiredSignature(VerificationKey key) {
    Objects.requireNonNull(key, "key");
    return with(f -> f.requiredSignature = Optional.of(key));
  }

  /**
   * The key whose signature pulls require.
   *
   * @return the key given with {@link #withRequiredSignature}; empty when pulls need none
   */
  public Optional<VerificationKey> requiredSignature() {
    return requiredSignature;
  }

  /**
   * Where transfers run.
   *
   * @return the executor given with {@link #withExecutor}; empty for scratch4j's own threads
   */
  public Optional<Executor> executor() {
    return executor;
  }

  /**
   * How many blobs move at once.
   *
   * @return at least 1; 3 unless set
   */
  public int concurrency() {
    return concurrency;
  }

  /**
   * The compression of layers generated for a push.
   *
   * @return the compression; {@link Compression#GZIP} unless set
   */
  public Compression compression() {
    return layers.compression();
  }

  /**
   * The platform to pull from a multi-platform index.
   *
   * @return the platform, or empty for {@code linux} on the architecture Java runs on
   */
  public Optional<Platform> platform() {
    return platform;
  }

  /**
   * The cache directory.
   *
   * @return the directory, or empty for the user's default ({@code $XDG_CACHE_HOME/scratch4j} or
   *     {@code ~/.cache/scratch4j})
   */
  public Optional<Path> cacheDirectory() {
    return cacheDirectory;
  }

  /**
   * The most the cache's blobs may take, beyond those used within the last hour.
   *
   * @return the limit in bytes; 10 GiB unless set
   */
  public long cacheLimit() {
    return cacheLimit;
  }

  /**
   * The timeout for connecting, for an answer to begin, and for each pause in a transfer.
   *
   * @return a positive duration; 60 seconds unless set
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * How many times a request is tried at most.
   *
   * @return at least 1; 5 unless set
   */
  public int attempts() {
    return attempts;
  }

  /**
   * The wait before the first retry; each further retry waits twice as long.
   *
   * @return zero or more; 200 ms unless set
   */
  public Duration backoff() {
    return backoff;
  }

  /**
   * The size above which blobs are uploaded in chunks, and of those chunks.
   *
   * @return the size in bytes, at least 1 MiB; {@link Long#MAX_VALUE} (every blob in one
   *     request) unless set
   */
  public long chunkSize() {
    return chunkSize;
  }

  /**
   * A copy that reads pulled images within {@code limits}: how far their layers may expand and how
   * many entries a layer may hold; see {@link ReadOptions}.
   *
   * @param limits the limits pulled images are read within
   * @return a copy with those limits
   * @throws NullPointerException if {@code limits} is null
   */
  @CheckReturnValue
  public RegistryOptions withReadOptions(ReadOptions limits) {
    Objects.requireNonNull(limits, "limits");
    return with(f -> f.read = limits);
  }

  /**
   * The limits pulled images are read within.
   *
   * @return the limits; {@link ReadOptions#defaults()} unless set
   */
  public ReadOptions readOptions() {
    return read;
  }

  /**
   * The progress listener, if one was given.
   *
   * @return the listener, or empty when no progress is reported
   */
  public Optional<Consumer<TransferEvent>> progress() {
    return progress;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RegistryOptions r && r.credentials.equals(credentials)
        && r.insecureRegistries.equals(insecureRegistries) && r.authFiles.equals(authFiles)
        && r.concurrency == concurrency && r.layers.equals(layers) && r.platform.equals(platform)
        && r.cacheDirectory.equals(cacheDirectory) && r.cacheLimit == cacheLimit && r.timeout.equals(timeout) && r.attempts == attempts
        && r.backoff.equals(backoff) && r.chunkSize == chunkSize && r.progress.equals(progress)
        && r.read.equals(read) && r.executor.equals(executor) && r.signingKey.equals(signingKey)
        && r.requiredSignature.equals(requiredSignature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(credentials, insecureRegistries, authFiles, concurrency, layers, platform,
        cacheDirectory, cacheLimit, timeout, attempts, backoff, chunkSize, progress, read, executor, signingKey, requiredSignature);
  }

  /** The options, with the registries that have credentials named but the credentials not shown. */
  @Override
  public String toString() {
    return "RegistryOptions[credentialsFor=" + new java.util.TreeSet<>(credentials.keySet()) + ", insecure="
        + insecureRegistries + ", authFiles=" + authFiles + ", concurrency=" + concurrency + ", compression="
        + layers.compression() + layers.level().stream().mapToObj(l -> " level " + l).findFirst().orElse("")
        + ", platform=" + platform.map(Platform::toString).orElse("host") + ", cache="
        + cacheDirectory.map(Path::toString).orElse("default") + ", cacheLimit=" + cacheLimit + ", timeout=" + timeout + ", attempts=" + attempts
        + ", backoff=" + backoff + ", chunkSize=" + chunkSize + ", progress=" + progress.isPresent() + ", read=" + read
        + ", executor=" + executor.isPresent() + ", signs=" + signingKey.isPresent() + ", requiresSignature="
        + requiredSignature.isPresent() + "]";
  }
}
