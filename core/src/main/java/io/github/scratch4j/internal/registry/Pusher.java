package io.github.scratch4j.internal.registry;

import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.DigestMismatchException;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.RegistryException;
import io.github.scratch4j.RegistryOptions;
import io.github.scratch4j.Source;
import io.github.scratch4j.TransferEvent;
import io.github.scratch4j.internal.io.HashingOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import io.github.scratch4j.internal.io.LimitedInputStream;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import io.github.scratch4j.internal.exec.Threads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pushes blobs and manifests to one repository of a registry (OCI distribution-spec, "Push") as
 * they are made, with nothing written to disk on the way.
 *
 * <p>A blob whose digest is known (a config, a stored layer) is asked for first and skipped when
 * the repository has it, mounted when another repository of the registry does, and else sent in
 * one request, or in chunks when larger than the chunk size. A generated layer's digest is known
 * only once it is made: a small one is held in memory and then sent as a blob of known digest; a
 * larger one is sent as it is generated, in chunks of at most the chunk size, each one streamed,
 * and its digest is given in the final PUT. A chunk that fails is resumed from what the registry
 * says it holds: the layer, which comes out the same every time, is generated again and its
 * first bytes are skipped. Once such a layer is generated and its digest known, the rest of its
 * upload goes on by itself while the blobs given next (the config) go up beside it.
 *
 * <p>Manifests go up after their blobs, every upload going on included; the last document given
 * (an image's manifest, or an index after its images' manifests, which go up by digest) is held
 * until {@link #finish()} pushes it to the reference.
 *
 * <p>Thread-safe: blobs go up concurrently.
 */
public final class Pusher {
  /** A registry's {@code Range} header: the inclusive last byte it holds. */
  private static final Pattern RANGE = Pattern.compile("(?:bytes=)?0-(-?\\d+)");
  /**
   * Generated layers up to this size (or the chunk size, if smaller) are held in memory and sent
   * in one request with their digest, which lets the registry be asked for them first; larger
   * ones are streamed. The bound is what several layers made side by side may hold at once.
   */
  static final int SMALL = 4 << 20;

  /** Daemon threads that generate layers into the requests that send them. */
  private static final ExecutorService GENERATORS = Threads.cached("scratch4j-push-layer");

  private final RegistryClient client;
  private final ImageReference ref;
  private final RegistryOptions options;
  private final String repo;
  private final Set<Digest> done = ConcurrentHashMap.newKeySet();
  /** Where pulls look first: what is pushed goes there too, so pulling it back downloads no blob. */
  private final BlobCache cache;
  private Descriptor heldDescriptor;
  private byte[] heldContent;
  /** Generated layers being put in the cache after their upload was told their digest; see {@link #finish()}. */
  private final java.util.Queue<CompletableFuture<Void>> caching = new java.util.concurrent.ConcurrentLinkedQueue<>();
  /** Streamed layers whose digest is known and whose upload may still go on; see {@link #layer}. */
  private final java.util.Queue<Upload> uploads = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** Writes a generated layer's stored bytes, the same every time, and says their digest. */
  @FunctionalInterface
  public interface LayerBytes {
    Digest writeTo(OutputStream out) throws IOException;
  }

  private Pusher(RegistryClient client, ImageReference ref, RegistryOptions options) {
    this.client = client;
    this.ref = ref;
    this.options = options;
    this.repo = ref.repository();
    this.cache = BlobCache.of(options);
  }

  /**
   * A pusher to {@code ref}, once the registry has answered for its API root with push rights on
   * the repository: a registry that is not there (connection refused, an unknown host, a TLS
   * failure) or that refuses the credentials fails at once, naming the host and the cause, before
   * any layer is generated.
   */
  public static Pusher open(ImageReference ref, RegistryOptions options) throws IOException {
    return open(ref, options, RegistryClient.of(ref.registry(), options));
  }

  static Pusher open(ImageReference ref, RegistryOptions options, RegistryClient client) throws IOException {
    client.send(RegistryClient.Call.of("GET", "/v2/", List.of("repository:" + ref.repository() + ":pull,push")).once());
    return new Pusher(client, ref, options);
  }

  /** The client this pusher sends with. */
  RegistryClient client() {
    return client;
  }

  /** Where this pusher pushes. */
  ImageReference reference() {
    return ref;
  }

  /** Runs transfers side by side, as many as the options allow; a failure stops the others. */
  public <T> List<T> parallel(List<Callable<T>> tasks) throws IOException {
    return Parallel.run(tasks, options);
  }

  /** Makes sure the repository holds a blob that is in memory. */
  public void blob(Descriptor d, byte[] content) throws IOException {
    upload(d, Content.of(content));
    remember(d, content);
  }

  /** Puts a document or small blob in the pull cache; a cache that cannot be written is no failure of the push. */
  private void remember(Descriptor d, byte[] content) {
    try {
      if (d.digest().algorithm().equals("sha256") && cache.get(d.digest(), content.length).isEmpty()) {
        cache.put(d.digest(), content);
      }
    } catch (IOException | RuntimeException e) {
      // the push does not depend on the cache
    }
  }

  /** Makes sure the repository holds a stored blob, read only if it must be sent. */
  public void blob(Descriptor d, Source content) throws IOException {
    upload(d, Content.of(d, content));
  }

  /**
   * Sends a generated layer as it is made, unless it is small and the repository has it. A layer
   * whose tar is small is held until its end, and when it stays small (with compression, a larger
   * tar may too), it goes up in one request once the repository is asked for it. A larger tar is
   * sent from its first byte while the upload is opened, without waiting to see how it compresses,
   * and this returns once the layer is generated and its digest known: the rest of its upload (the
   * last buffers, the request that closes it, any retry) goes on beside what the caller sends next,
   * and every manifest waits for it (see {@link #abandon()} for a push that fails meanwhile).
   *
   * @param tarSize the size of the layer's uncompressed tar
   * @return its descriptor, with {@code mediaType}
   */
  public Descriptor layer(String mediaType, long tarSize, LayerBytes layer) throws IOException {
    failedUpload();
    long small = Math.min(options.chunkSize(), SMALL);
    Generation g = new Generation(layer, cache, caching);
    byte[] head = new byte[0];
    try {
      if (tarSize <= small) {
        head = g.pipe.read((int) small + 1);
        if (head.length <= small) {
          Descriptor d = Descriptor.of(mediaType, g.result(), head.length);
          upload(d, Content.of(head));
          return d;
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      g.abandon();
      throw e;
    }
    Upload u = new Upload(mediaType, layer, g, head);
    uploads.add(u);
    try {
      u.task = GENERATORS.submit(u);
    } catch (RuntimeException e) {
      uploads.remove(u);
      g.abandon();
      throw e;
    }
    return u.known();
  }

  /**
   * Stops the uploads of layers still going on, when the push has failed elsewhere: their
   * generation ends and their requests are cancelled, so nothing goes on sending after the push's
   * exception.
   */
  public void abandon() {
    for (Upload u; (u = uploads.poll()) != null; ) {
      u.abandon();
    }
  }

  /** Throws the failure of a layer's upload that went on after its call returned, if one failed: nothing more is sent then. */
  private void failedUpload() throws IOException {
    for (Upload u : uploads) {
      if (u.sent.isCompletedExceptionally()) {
        u.sent();
      }
    }
  }

  /** Waits for the uploads of layers still going on; the first that failed is thrown. */
  private void awaitUploads() throws IOException {
    for (Upload u; (u = uploads.peek()) != null; ) {
      u.sent();
      uploads.remove(u);
    }
  }

  /**
   * Pushes a manifest or index. Each one goes up by digest once the next is given; the last is
   * held for {@link #finish()}.
   */
  public synchronized void document(Descriptor d, byte[] content) throws IOException {
    remember(d, content);
    if (heldDescriptor != null) {
      putManifest(heldDescriptor, heldContent, heldDescriptor.digest().toString());
    }
    heldDescriptor = d;
    heldContent = content;
  }

  /**
   * Pushes the last document to the reference's tag ({@code latest} if none), or by its digest,
   * which must then be the reference's.
   *
   * @return its digest
   */
  public synchronized Digest finish() throws IOException {
    if (heldDescriptor == null) {
      throw new IllegalStateException("nothing to push to " + ref.fullName());
    }
    Digest digest = heldDescriptor.digest();
    if (ref.digest().isPresent() && !ref.digest().get().equals(digest)) {
      throw new DigestMismatchException("cannot push to " + ref.fullName() + ": the image's digest is " + digest);
    }
    putManifest(heldDescriptor, heldContent,
        ref.tag().isPresent() || ref.digest().isEmpty() ? ref.tagOrLatest() : digest.toString());
    // What was pushed is in the cache once the push returns, so that pulling it back downloads nothing.
    for (CompletableFuture<Void> kept; (kept = caching.poll()) != null; ) {
      kept.join();
    }
    cache.trim();
    return digest;
  }

  private List<String> scopes(Optional<String> mountFrom) {
    List<String> s = new ArrayList<>();
    s.add("repository:" + repo + ":pull,push");
    mountFrom.ifPresent(from -> s.add("repository:" + from + ":pull"));
    return s;
  }

  private void putManifest(Descriptor d, byte[] content, String reference) throws IOException {
    // A manifest names its blobs: each one is in the repository before it goes up.
    awaitUploads();
    RegistryClient.Call put = RegistryClient.Call.of("PUT", "/v2/" + repo + "/manifests/" + reference, scopes(Optional.empty()))
        .header("Content-Type", d.mediaType())
        .body(bytes(content));
    RegistryClient.Answer r = client.expect(put, 201);
    Optional<String> said = r.header("Docker-Content-Digest");
    if (said.isPresent() && !said.get().trim().equals(d.digest().toString())) {
      throw new DigestMismatchException("registry " + ref.registry() + " stored manifest " + d.digest() + " of "
          + repo + " as " + said.get().trim());
    }
    Progress.done(options.progress(), TransferEvent.Kind.MANIFEST_PUSHED, d);
  }

  /** A blob of known digest, to be read from some offset for as many bytes as a request takes. */
  private interface Content {
    InputStream open(long offset, long length) throws IOException;

    /** The body of a request that sends {@code length} bytes from {@code offset}, read afresh for every attempt. */
    default RegistryClient.Body body(long offset, long length) {
      return known(this, offset, length);
    }

    /** Why the registry refused the bytes, if they are not what the descriptor says; else empty. */
    default Optional<IOException> check() throws IOException {
      return Optional.empty();
    }

    /** Bytes in memory, sent as they are: a config or a small layer needs no pipe or thread of its own. */
    static Content of(byte[] bytes) {
      return new Content() {
        @Override
        public InputStream open(long offset, long length) {
          return new ByteArrayInputStream(bytes, (int) offset, (int) length);
        }

        @Override
        public RegistryClient.Body body(long offset, long length) {
          return bytes(bytes, (int) offset, (int) length);
        }
      };
    }

    static Content of(Descriptor d, Source source) {
      return new Content() {
        @Override
        public InputStream open(long offset, long length) throws IOException {
          if (source instanceof io.github.scratch4j.internal.source.SubRegions regions) {
            return regions.sub(offset, length).open();
          }
          InputStream in = source.open();
          skip(in, offset);
          return LimitedInputStream.window(in, length);
        }

        @Override
        public Optional<IOException> check() throws IOException {
          HashingOutputStream hashing = new HashingOutputStream(OutputStream.nullOutputStream());
          try (InputStream in = source.open()) {
            in.transferTo(hashing);
          }
          if (hashing.count() != d.size() || !hashing.digest().equals(d.digest())) {
            return Optional.of(new DigestMismatchException("blob " + d.digest() + " (" + source + ") has "
                + hashing.count() + " bytes and digest " + hashing.digest() + ", its descriptor says "
                + d.size() + " bytes"));
          }
          return Optional.empty();
        }
      };
    }
  }

  /** Makes sure the repository holds a blob of known digest, uploading it only if it must. */
  private void upload(Descriptor d, Content content) throws IOException {
    failedUpload();
    if (!done.add(d.digest())) {
      Progress.done(options.progress(), TransferEvent.Kind.PRESENT, d);
      return;
    }
    Progress progress = Progress.upload(options.progress(), d);
    for (int attempt = 1; ; attempt++) {
      // An attempt that fails starts the blob over from the HEAD; the last failure is kept to tell why.
      if (exists(d)) {
        Progress.done(options.progress(), attempt == 1 ? TransferEvent.Kind.PRESENT : TransferEvent.Kind.UPLOADED, d);
        break;
      }
      Optional<String> from = BlobLocations.elsewhere(client.registry(), d.digest(), repo);
      String start = "/v2/" + repo + "/blobs/uploads/"
          + from.map(f -> "?mount=" + enc(d.digest().toString()) + "&from=" + enc(f)).orElse("");
      RegistryClient.Call post = RegistryClient.Call.of("POST", start, scopes(from));
      RegistryClient.Answer r = client.expect(post, 201, 202);
      if (r.status() == 201) {
        Progress.done(options.progress(), TransferEvent.Kind.MOUNTED, d);
        break;
      }
      String location = location(post, r);
      Optional<RegistryException> lost;
      try {
        lost = d.size() <= options.chunkSize()
            ? monolithic(d, content, location, progress) : chunked(d, content, location, progress);
      } catch (RegistryException e) {
        if (e.status().orElse(0) == 400) {
          Optional<IOException> bad = content.check();
          if (bad.isPresent()) {
            throw bad.get();
          }
        }
        throw e;
      }
      progress.check();
      if (lost.isEmpty()) {
        Progress.done(options.progress(), TransferEvent.Kind.UPLOADED, d);
        break;
      }
      if (attempt >= options.attempts()) {
        throw new RegistryException("uploading blob " + d.digest() + " to " + ref.registry() + "/" + repo
            + " failed " + attempt + " times; the last time: " + lost.get().getMessage(), lost.get());
      }
    }
    BlobLocations.seen(client.registry(), d.digest(), repo);
  }

  private boolean exists(Descriptor d) throws IOException {
    RegistryClient.Call head = RegistryClient.Call.of("HEAD", "/v2/" + repo + "/blobs/" + d.digest(), scopes(Optional.empty()));
    return client.expect(head, 200, 404).status() == 200;
  }

  /** One PUT with the whole blob; empty when done, else why it must start over. */
  private Optional<RegistryException> monolithic(Descriptor d, Content content, String location, Progress progress)
      throws IOException {
    RegistryClient.Call put = RegistryClient.Call.of("PUT", withDigest(location, d.digest()), scopes(Optional.empty()))
        .header("Content-Type", "application/octet-stream")
        .body(counted(content.body(0, d.size()), progress, 0))
        .once();
    return finish(put, d);
  }

  /**
   * The final PUT of an upload; empty when done, else why it must start over. Its loss (a broken
   * connection, a stall, a lost answer) is checked with a HEAD, since the registry may have it all.
   */
  private Optional<RegistryException> finish(RegistryClient.Call put, Descriptor d) throws IOException {
    RegistryException failed;
    try {
      RegistryClient.Answer r = client.send(put);
      if (r.status() == 201) {
        Optional<String> said = r.header("Docker-Content-Digest");
        if (said.isPresent() && !said.get().trim().equals(d.digest().toString())) {
          throw new DigestMismatchException("registry " + ref.registry() + " stored blob " + d.digest() + " as " + said.get());
        }
        return Optional.empty();
      }
      failed = client.failure(put, r);
      if (r.status() == 400) {
        throw failed;
      }
    } catch (RegistryException e) {
      if (e.status().isPresent()) {
        throw e;
      }
      failed = e;
    }
    return exists(d) ? Optional.empty() : Optional.of(failed);
  }

  /**
   * PATCHes a blob of known size in chunks (distribution-spec, "Pushing a blob in chunks"). When a
   * chunk's answer is lost or refused, asks the registry how much it holds and goes on from there.
   *
   * @return empty when done, else why the upload must start over (its session is gone)
   */
  private Optional<RegistryException> chunked(Descriptor d, Content content, String location, Progress progress)
      throws IOException {
    long size = d.size();
    long offset = 0;
    int failures = 0;
    RegistryException last = null;
    while (offset < size) {
      long n = Math.min(options.chunkSize(), size - offset);
      RegistryClient.Call patch = RegistryClient.Call.of("PATCH", location, scopes(Optional.empty()))
          .header("Content-Type", "application/octet-stream")
          .header("Content-Range", offset + "-" + (offset + n - 1))
          .body(counted(content.body(offset, n), progress, offset))
          .once();
      try {
        RegistryClient.Answer r = client.send(patch);
        if (r.status() == 202) {
          location = location(patch, r);
          offset = r.header("Range").flatMap(Pusher::held).orElse(offset + n);
          failures = 0;
          continue;
        }
        last = refusedChunk(patch, r);
        if (r.status() == 404) {
          return Optional.of(last);
        }
      } catch (RegistryException e) {
        if (e.status().isPresent()) {
          throw e;
        }
        last = e;
      }
      Resume at = resume(d.digest().toString(), location, offset, ++failures, last);
      if (at == null) {
        return Optional.of(last);
      }
      location = at.location();
      offset = at.offset();
    }
    RegistryClient.Call put = RegistryClient.Call.of("PUT", withDigest(location, d.digest()), scopes(Optional.empty()))
        .header("Content-Type", "application/octet-stream")
        .body(bytes(new byte[0]))
        .once();
    return finish(put, d);
  }

  /** A chunk the registry refused: the failure to go on from, or thrown when no retry can help. */
  private RegistryException refusedChunk(RegistryClient.Call patch, RegistryClient.Answer r) throws RegistryException {
    RegistryException last = client.failure(patch, r);
    if (r.status() != 404 && r.status() != 416 && r.status() != 429 && r.status() < 500) {
      throw last;
    }
    return last;
  }

  /** Where an upload goes on after a failed chunk. */
  private record Resume(String location, long offset) {}

  /**
   * After the {@code failures}-th failure in a row at {@code offset}: waits, then asks the
   * registry where the upload got to (distribution-spec, "Resuming an upload": GET the upload
   * URL). Null when the upload session is gone.
   */
  private Resume resume(String what, String location, long offset, int failures, RegistryException last)
      throws IOException {
    if (failures >= options.attempts()) {
      throw new RegistryException("uploading " + what + " to " + ref.registry() + "/" + repo
          + " failed at byte " + offset + " " + failures + " times; the last time: " + last.getMessage(), last);
    }
    pause(failures);
    RegistryClient.Call status = RegistryClient.Call.of("GET", location, scopes(Optional.empty()));
    RegistryClient.Answer r = client.send(status);
    if (r.status() == 404) {
      return null;
    }
    if (r.status() != 204) {
      throw new RegistryException(RegistryClient.describe(status) + ": " + client.where() + " answered "
          + Failures.status(r.status()) + " to an upload status request", r.status());
    }
    return new Resume(location(status, r), r.header("Range").flatMap(Pusher::held).orElse(0L));
  }

  /** A layer being generated on its own thread into a pipe. */
  private static final class Generation {
    final LayerPipe pipe = new LayerPipe(true);
    final CompletableFuture<Digest> result = new CompletableFuture<>();
    /** The layer's size, set before {@link #result} is completed. */
    volatile long size;

    /** Generates {@code layer}; {@code caching} gets a future done once its copy in the cache is kept or dropped. */
    Generation(LayerBytes layer, BlobCache cache, java.util.Queue<CompletableFuture<Void>> caching) {
      CompletableFuture<Void> cached = new CompletableFuture<>();
      caching.add(cached);
      Runnable generate = () -> {
        Tee tee = new Tee(cache);
        pipe.copyTo(tee);
        try (tee) {
          Digest d = layer.writeTo(pipe.output);
          pipe.output.close();
          size = pipe.written();
          // The upload's last request needs only the digest. The cache's copy is kept after: when
          // the cache has the blob already (a layer pushed again), the copy is removed, which for
          // 512 MiB just written took 21 ms (one unlink, timed), and the request need not wait for that.
          result.complete(d);
          tee.keep(d);
        } catch (Throwable t) {
          pipe.fail(t);
          result.completeExceptionally(t);
        } finally {
          cached.complete(null);
        }
      };
      try {
        GENERATORS.execute(generate);
      } catch (RuntimeException e) {
        cached.complete(null);
        throw e;
      }
    }

    /** The generator's own failure, if it failed; a failed upload then fails with it, not with the request. */
    void rethrowFailure() throws IOException {
      if (result.isCompletedExceptionally()) {
        result();
      }
    }

    Digest result() throws IOException {
      return await(result, "generating a layer");
    }

    void abandon() {
      pipe.abandon();
    }
  }

  /**
   * A generated layer's bytes on their way to the registry, copied into the pull cache as they go.
   * The cache's troubles (a full disk, no permission) end the copy, never the push.
   */
  private static final class Tee implements LayerPipe.Copy, java.io.Closeable {
    private BlobCache.Incoming copy;

    Tee(BlobCache cache) {
      try {
        copy = cache.incoming();
      } catch (IOException | RuntimeException e) {
        copy = null;
      }
    }

    @Override
    public void write(java.nio.ByteBuffer bytes) {
      if (copy != null) {
        try {
          copy.write(bytes);
        } catch (IOException e) {
          drop();
        }
      }
    }

    /** The layer is whole: the cache keeps it. */
    void keep(Digest d) {
      if (copy != null && d.algorithm().equals("sha256")) {
        try {
          copy.keep(d);
        } catch (IOException | RuntimeException e) {
          drop();
        }
      }
    }

    private void drop() {
      try {
        copy.close();
      } catch (IOException e) {
        // nothing kept either way
      }
      copy = null;
    }

    /** Leaves the layer's own stream to the caller; removes an unfinished copy. */
    @Override
    public void close() {
      if (copy != null) {
        drop();
      }
    }
  }

  /**
   * The upload of a streamed layer on a thread of its own, from the POST that opens it to the
   * request that closes it, and again from a new POST when the registry lost it.
   */
  private final class Upload implements Runnable {
    private final String mediaType;
    private final LayerBytes layer;
    /** The layer's descriptor once a generation of it has ended, or the upload's failure before that. */
    private final CompletableFuture<Descriptor> known = new CompletableFuture<>();
    /** The layer's descriptor once the registry holds it, or why it does not. */
    private final CompletableFuture<Descriptor> sent = new CompletableFuture<>();
    private volatile Generation first;
    private byte[] head;
    private volatile Streamed streamed;
    private volatile boolean abandoned;
    volatile java.util.concurrent.Future<?> task;

    Upload(String mediaType, LayerBytes layer, Generation first, byte[] head) {
      this.mediaType = mediaType;
      this.layer = layer;
      this.first = first;
      this.head = head;
      watch(first);
    }

    /** A new generation of the layer, whose end makes the descriptor known too. */
    Generation generate() {
      Generation g = new Generation(layer, cache, caching);
      watch(g);
      return g;
    }

    private void watch(Generation g) {
      g.result.thenAccept(d -> known.complete(Descriptor.of(mediaType, d, g.size)));
    }

    @Override
    public void run() {
      try {
        Descriptor d = send();
        known.complete(d);
        sent.complete(d);
      } catch (Throwable t) {
        known.completeExceptionally(t);
        sent.completeExceptionally(t);
      }
    }

    private Descriptor send() throws IOException {
      Generation g = first;
      byte[] h = head;
      head = null;
      for (int attempt = 1; ; attempt++) {
        if (abandoned) {
          throw new InterruptedIOException("the push of a layer to " + ref.registry() + "/" + repo + " was abandoned");
        }
        if (g == null) {
          g = generate();
          h = new byte[0];
        }
        Streamed s;
        String location;
        try {
          RegistryClient.Call post = RegistryClient.Call.of("POST", "/v2/" + repo + "/blobs/uploads/", scopes(Optional.empty()));
          location = location(post, client.expect(post, 202));
          s = new Streamed(this, g, h);
          streamed = s;
          first = null;
          g = null;
          h = null; // the pipe's now: sent, then dropped
        } finally {
          if (g != null) {
            g.abandon();
          }
        }
        try {
          Optional<RegistryException> lost = s.send(location, mediaType);
          if (lost.isEmpty()) {
            Progress.done(options.progress(), TransferEvent.Kind.UPLOADED, s.descriptor);
            BlobLocations.seen(client.registry(), s.descriptor.digest(), repo);
            return s.descriptor;
          }
          if (attempt >= options.attempts()) {
            throw new RegistryException("uploading a layer to " + ref.registry() + "/" + repo + " failed " + attempt
                + " times; the last time: " + lost.get().getMessage(), lost.get());
          }
        } finally {
          s.generation.abandon();
        }
      }
    }

    /** Waits for the layer's descriptor: its generation's end, or the upload's failure before it. */
    Descriptor known() throws IOException {
      return await(known, "pushing a layer to " + ref.registry() + "/" + repo);
    }

    /** Waits for the registry to hold the layer. */
    Descriptor sent() throws IOException {
      return await(sent, "pushing a layer to " + ref.registry() + "/" + repo);
    }

    void abandon() {
      abandoned = true;
      Generation f = first;
      if (f != null) {
        f.abandon();
      }
      Streamed s = streamed;
      if (s != null) {
        s.generation.abandon();
      }
      java.util.concurrent.Future<?> t = task;
      if (t != null) {
        t.cancel(true);
      }
      // A task cancelled before it ran completes nothing: whoever waits for this upload wakes here.
      InterruptedIOException gone = new InterruptedIOException(
          "the push of a layer to " + ref.registry() + "/" + repo + " was abandoned");
      known.completeExceptionally(gone);
      sent.completeExceptionally(gone);
    }
  }

  /** One upload session of a layer sent as it is generated. */
  private final class Streamed {
    private final Upload upload;
    volatile Generation generation;
    private long position;
    Descriptor descriptor;

    Streamed(Upload upload, Generation generation, byte[] head) {
      this.upload = upload;
      this.generation = generation;
      generation.pipe.unread(head);
    }

    /** Generates the layer again, skipping what the registry already holds. */
    private void reopen(long offset) throws IOException {
      generation.abandon();
      generation = upload.generate();
      generation.pipe.skip(offset);
      position = offset;
    }

    Optional<RegistryException> send(String location, String mediaType) throws IOException {
      int failures = 0;
      RegistryException last = null;
      while (!generation.pipe.atEnd()) {
        long from = position;
        java.util.concurrent.atomic.AtomicLong taken = new java.util.concurrent.atomic.AtomicLong();
        HttpRequest.BodyPublisher body = generation.pipe.body(options.chunkSize(), GENERATORS, taken::addAndGet);
        RegistryClient.Call patch = RegistryClient.Call.of("PATCH", location, scopes(Optional.empty()))
            .header("Content-Type", "application/octet-stream")
            .body(streamed(body, options.chunkSize()))
            .once();
        try {
          RegistryClient.Answer r = client.send(patch);
          if (r.status() == 202) {
            position += taken.get();
            location = location(patch, r);
            long held = r.header("Range").flatMap(Pusher::held).orElse(position);
            if (held != position) {
              reopen(held);
            }
            failures = 0;
            continue;
          }
          last = refusedChunk(patch, r);
          if (r.status() == 404) {
            return Optional.of(last);
          }
        } catch (RegistryException e) {
          generation.rethrowFailure();
          if (e.status().isPresent()) {
            throw e;
          }
          last = e;
        }
        Resume at = resume("a layer", location, from, ++failures, last);
        if (at == null) {
          return Optional.of(last);
        }
        location = at.location();
        reopen(at.offset());
      }
      descriptor = Descriptor.of(mediaType, generation.result(), position);
      RegistryClient.Call put = RegistryClient.Call.of("PUT", withDigest(location, descriptor.digest()), scopes(Optional.empty()))
          .header("Content-Type", "application/octet-stream")
          .body(bytes(new byte[0]))
          .once();
      return finish(put, descriptor);
    }
  }

  /** What {@code f} completes with, or its failure as thrown by the task; {@code doing} names the wait when interrupted. */
  private static <T> T await(CompletableFuture<T> f, String doing) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while " + doing);
    } catch (ExecutionException e) {
      throw io.github.scratch4j.internal.exec.Tasks.asIOException(e.getCause(), e.getCause().toString());
    }
  }

  private void pause(int failures) throws InterruptedIOException {
    try {
      Thread.sleep(Math.min(60_000, options.backoff().toMillis() << Math.min(failures - 1, 10)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to resume an upload");
    }
  }

  /**
   * How many bytes a {@code Range} header says the registry holds. The distribution registry
   * answers {@code 0-0} for an empty upload as for a one-byte one; chunks are never one byte
   * long, so it means none.
   */
  static Optional<Long> held(String header) {
    Matcher m = RANGE.matcher(header.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    long end = Long.parseLong(m.group(1));
    return Optional.of(end <= 0 ? 0 : end + 1);
  }

  private String location(RegistryClient.Call call, RegistryClient.Answer r) throws IOException {
    String loc = r.header("Location").orElseThrow(() -> new RegistryException(
        RegistryClient.describe(call) + ": " + client.where() + " answered " + Failures.status(r.status())
            + " without a Location", r.status()));
    URI base = client.base();
    URI resolved = base.resolve(loc);
    // The upload must stay on the registry: it is where the credentials go.
    if (!RegistryClient.sameOrigin(resolved, base)) {
      throw new RegistryException(RegistryClient.describe(call) + ": " + client.where()
          + " sent the upload to another host (" + Hosts.safe(resolved) + "); refused", r.status());
    }
    return resolved.toString();
  }

  private static String withDigest(String location, Digest d) {
    return location + (location.contains("?") ? "&" : "?") + "digest=" + enc(d.toString());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void skip(InputStream in, long n) throws IOException {
    byte[] sink = new byte[(int) Math.min(n, LayerPipe.BUFFER)];
    while (n > 0) {
      int r = in.read(sink, 0, (int) Math.min(sink.length, n));
      if (r < 0) {
        throw new java.io.EOFException("the blob ended " + n + " bytes before the offset to resume from");
      }
      n -= r;
    }
  }

  static RegistryClient.Body bytes(byte[] content) {
    return bytes(content, 0, content.length);
  }

  /** {@code length} bytes of {@code content} from {@code offset}, which must not change while they are sent. */
  private static RegistryClient.Body bytes(byte[] content, int offset, int length) {
    return new RegistryClient.Body() {
      @Override
      public long length() {
        return length;
      }

      @Override
      public HttpRequest.BodyPublisher publisher() {
        return new BytesPublisher(content, offset, length);
      }
    };
  }

  /** A body whose bytes count as the blob's from {@code offset} on. */
  private static RegistryClient.Body counted(RegistryClient.Body body, Progress progress, long offset) {
    return new RegistryClient.Body() {
      @Override
      public long length() {
        return body.length();
      }

      @Override
      public HttpRequest.BodyPublisher publisher() {
        progress.from(offset);
        return progress.counting(body.publisher());
      }
    };
  }

  /** {@code length} bytes of a blob from {@code offset}, read afresh for every attempt. */
  private static RegistryClient.Body known(Content content, long offset, long length) {
    return new RegistryClient.Body() {
      @Override
      public long length() {
        return length;
      }

      @Override
      public HttpRequest.BodyPublisher publisher() {
        return LayerPipe.reading(() -> content.open(offset, length), length, GENERATORS);
      }
    };
  }

  /** A body of unknown length, of at most {@code atMost} bytes, that can be sent once. */
  private static RegistryClient.Body streamed(HttpRequest.BodyPublisher body, long atMost) {
    return new RegistryClient.Body() {
      @Override
      public long length() {
        return -1;
      }

      @Override
      public long atMost() {
        return atMost;
      }

      @Override
      public HttpRequest.BodyPublisher publisher() {
        return body;
      }
    };
  }
}
