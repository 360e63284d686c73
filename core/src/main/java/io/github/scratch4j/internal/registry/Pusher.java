package io.github.scratch4j.internal.registry;

import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.DigestMismatchException;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.RegistryException;
import io.github.scratch4j.RegistryOptions;
import io.github.scratch4j.TransferEvent;
import io.github.scratch4j.internal.read.Documents;
import io.github.scratch4j.internal.read.LayoutIndex;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import io.github.scratch4j.internal.io.LimitedInputStream;
import io.github.scratch4j.internal.io.TempSiblings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pushes what an OCI image layout holds to a registry (OCI distribution-spec, "Push"): each
 * image's blobs (skipped when the repository has them, mounted when another repository of the
 * registry does, else uploaded in one request or in chunks), concurrently; then its manifest; for
 * an index, every image's manifest by digest and then the index.
 */
public final class Pusher {
  /** A registry's {@code Range} header: the inclusive last byte it holds. */
  private static final Pattern RANGE = Pattern.compile("(?:bytes=)?0-(-?\\d+)");

  private final RegistryClient client;
  private final ImageReference ref;
  private final RegistryOptions options;
  private final Path blobs;
  private final String repo;

  Pusher(RegistryClient client, ImageReference ref, RegistryOptions options, Path layout) {
    this.client = client;
    this.ref = ref;
    this.options = options;
    this.blobs = layout.resolve("blobs").resolve("sha256");
    this.repo = ref.repository();
  }

  /**
   * Pushes the one image or index that {@code layout}'s {@code index.json} lists to {@code ref}:
   * to its tag ({@code latest} if none), or by its digest, which must then be what is pushed.
   *
   * @return the digest of the pushed manifest or index
   */
  public static Digest push(Path layout, ImageReference ref, RegistryOptions options) throws IOException {
    return push(layout, ref, options, RegistryClient.of(ref.registry(), options));
  }

  private static Digest push(Path layout, ImageReference ref, RegistryOptions options, RegistryClient client)
      throws IOException {
    List<Descriptor> top = LayoutIndex.read(layout.resolve("index.json"));
    if (top.size() != 1) {
      throw new IllegalStateException("a layout to push lists " + top.size() + " entries, not one");
    }
    Descriptor d = top.get(0);
    if (ref.digest().isPresent() && !ref.digest().get().equals(d.digest())) {
      throw new DigestMismatchException("cannot push to " + ref.fullName() + ": the image's digest is " + d.digest());
    }
    Pusher p = new Pusher(client, ref, options, layout);
    p.push(d, ref.tag().isPresent() || ref.digest().isEmpty() ? ref.tagOrLatest() : d.digest().toString());
    return d.digest();
  }

  /** Writes an image or index as an OCI layout. */
  public interface LayoutWriter {
    void write(Path layout, io.github.scratch4j.WriteOptions options) throws IOException;
  }

  /**
   * Writes an image or index to a temporary OCI layout (layers compressed as the options say),
   * pushes it, and deletes the layout.
   */
  public static Digest push(LayoutWriter writer, ImageReference ref, RegistryOptions options) throws IOException {
    RegistryClient client = RegistryClient.of(ref.registry(), options);
    reachable(client, ref);
    // Named and locked as TempSiblings does, so that the next push removes what a killed one left.
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    TempSiblings.sweep(tmp, PUSH_LAYOUT);
    try (TempSiblings.TempDirectory dir = TempSiblings.createDirectory(tmp.resolve(PUSH_LAYOUT))) {
      Path layout = dir.path().resolve("layout");
      writer.write(layout, io.github.scratch4j.WriteOptions.defaults()
          .withFormat(io.github.scratch4j.WriteOptions.Format.OCI_LAYOUT).withCompression(options.compression()));
      return push(layout, ref, options, client);
    }
  }

  /**
   * Asks the registry for its API root with push rights on the repository, once, before any layer
   * is compressed: a registry that is not there (connection refused, an unknown host, a TLS
   * failure) or that refuses the credentials fails the push at once, naming the host and the
   * cause, instead of after the whole image has been written. Any answer at all means a registry
   * is there; the requests of the push itself are retried as usual.
   */
  private static void reachable(RegistryClient client, ImageReference ref) throws IOException {
    client.send(RegistryClient.Call.of("GET", "/v2/", List.of("repository:" + ref.repository() + ":pull,push")).once());
  }

  /** The name a push's temporary layout directories stand for, in the temporary directory. */
  private static final String PUSH_LAYOUT = "scratch4j-push";

  private List<String> scopes(Optional<String> mountFrom) {
    List<String> s = new ArrayList<>();
    s.add("repository:" + repo + ":pull,push");
    mountFrom.ifPresent(from -> s.add("repository:" + from + ":pull"));
    return s;
  }

  private void push(Descriptor d, String reference) throws IOException {
    byte[] content = Files.readAllBytes(blob(d.digest()));
    if (d.mediaType().equals(MediaType.OCI_INDEX) || d.mediaType().equals(MediaType.DOCKER_MANIFEST_LIST)) {
      // Every manifest an index names must exist before the index (distribution-spec, "Pushing Manifests").
      for (Descriptor m : Documents.index(content, "image index " + d.digest())) {
        push(m, m.digest().toString());
      }
    } else {
      Manifest m = Documents.manifest(content, "manifest " + d.digest());
      Map<Digest, Descriptor> unique = new LinkedHashMap<>();
      unique.put(m.config().digest(), m.config());
      m.layers().forEach(l -> unique.putIfAbsent(l.digest(), l));
      List<Callable<Void>> uploads = new ArrayList<>();
      for (Descriptor b : unique.values()) {
        uploads.add(() -> {
          upload(b);
          return null;
        });
      }
      Parallel.run(uploads, options.concurrency(), "scratch4j-push");
    }
    putManifest(d, content, reference);
    Progress.done(options.progress(), TransferEvent.Kind.MANIFEST_PUSHED, d);
  }

  private Path blob(Digest d) throws ImageFormatException {
    Path p = blobs.resolve(d.hex());
    if (!Files.isRegularFile(p)) {
      throw new ImageFormatException("the layout to push has no blob " + d);
    }
    return p;
  }

  private void putManifest(Descriptor d, byte[] content, String reference) throws IOException {
    RegistryClient.Call put = RegistryClient.Call.of("PUT", "/v2/" + repo + "/manifests/" + reference, scopes(Optional.empty()))
        .header("Content-Type", d.mediaType())
        .body(bytes(content));
    RegistryClient.Answer r = client.expect(put, 201);
    Optional<String> said = r.header("Docker-Content-Digest");
    if (said.isPresent() && !said.get().trim().equals(d.digest().toString())) {
      throw new DigestMismatchException("registry " + ref.registry() + " stored manifest " + d.digest() + " of "
          + repo + " as " + said.get().trim());
    }
  }

  /** Makes sure the repository holds a blob, uploading it only if it must. */
  private void upload(Descriptor d) throws IOException {
    Path file = blob(d.digest());
    long size = Files.size(file);
    if (size != d.size()) {
      throw new ImageFormatException("blob " + d.digest() + " is " + size + " bytes, its descriptor says " + d.size());
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
      Optional<RegistryException> lost = size <= options.chunkSize()
          ? monolithic(d, file, location, progress) : chunked(d, file, size, location, progress);
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
  private Optional<RegistryException> monolithic(Descriptor d, Path file, String location, Progress progress) throws IOException {
    RegistryClient.Call put = RegistryClient.Call.of("PUT", withDigest(location, d.digest()), scopes(Optional.empty()))
        .header("Content-Type", "application/octet-stream")
        .body(counted(fileBody(file, 0, d.size()), progress, 0))
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
   * PATCHes the blob in chunks (distribution-spec, "Pushing a blob in chunks"). When a chunk's
   * answer is lost or refused, asks the registry how much it holds and goes on from there.
   *
   * @return empty when done, else why the upload must start over (its session is gone)
   */
  private Optional<RegistryException> chunked(Descriptor d, Path file, long size, String location, Progress progress) throws IOException {
    long offset = 0;
    int failures = 0;
    RegistryException last = null;
    while (offset < size) {
      long n = Math.min(options.chunkSize(), size - offset);
      RegistryClient.Call patch = RegistryClient.Call.of("PATCH", location, scopes(Optional.empty()))
          .header("Content-Type", "application/octet-stream")
          .header("Content-Range", offset + "-" + (offset + n - 1))
          .body(counted(fileBody(file, offset, n), progress, offset))
          .once();
      try {
        RegistryClient.Answer r = client.send(patch);
        if (r.status() == 202) {
          location = location(patch, r);
          offset = r.header("Range").flatMap(Pusher::held).orElse(offset + n);
          failures = 0;
          continue;
        }
        last = client.failure(patch, r);
        if (r.status() == 404) {
          return Optional.of(last);
        }
        if (r.status() != 416 && r.status() != 429 && r.status() < 500) {
          throw last;
        }
      } catch (RegistryException e) {
        if (e.status().isPresent()) {
          throw e;
        }
        last = e;
      }
      if (++failures >= options.attempts()) {
        throw new RegistryException("uploading blob " + d.digest() + " to " + ref.registry() + "/" + repo
            + " failed at byte " + offset + " " + failures + " times; the last time: " + last.getMessage(), last);
      }
      pause(failures);
      // Where did it get to? (distribution-spec, "Resuming an upload": GET the upload URL.)
      RegistryClient.Call status = RegistryClient.Call.of("GET", location, scopes(Optional.empty()));
      RegistryClient.Answer r = client.send(status);
      if (r.status() == 404) {
        return Optional.of(client.failure(status, r));
      }
      if (r.status() != 204) {
        throw new RegistryException(RegistryClient.describe(status) + ": " + client.where() + " answered "
            + Failures.status(r.status()) + " to an upload status request", r.status());
      }
      location = location(status, r);
      offset = r.header("Range").flatMap(Pusher::held).orElse(0L);
    }
    RegistryClient.Call put = RegistryClient.Call.of("PUT", withDigest(location, d.digest()), scopes(Optional.empty()))
        .header("Content-Type", "application/octet-stream")
        .body(bytes(new byte[0]))
        .once();
    return finish(put, d);
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

  private static RegistryClient.Body bytes(byte[] content) {
    return new RegistryClient.Body() {
      @Override
      public long length() {
        return content.length;
      }

      @Override
      public HttpRequest.BodyPublisher publisher() {
        return HttpRequest.BodyPublishers.ofByteArray(content);
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

  /** {@code length} bytes of {@code file} from {@code offset}, read afresh for every attempt. */
  private static RegistryClient.Body fileBody(Path file, long offset, long length) {
    return new RegistryClient.Body() {
      @Override
      public long length() {
        return length;
      }

      @Override
      public HttpRequest.BodyPublisher publisher() {
        if (offset == 0) {
          try {
            if (Files.size(file) == length) {
              return HttpRequest.BodyPublishers.ofFile(file);
            }
          } catch (IOException e) {
            // fall through to the stream, which reports the problem when read
          }
        }
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
          try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            ch.position(offset);
            return LimitedInputStream.window(Channels.newInputStream(ch), length);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }), length);
      }
    };
  }
}
