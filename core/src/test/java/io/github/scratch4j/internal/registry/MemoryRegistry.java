package io.github.scratch4j.internal.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.scratch4j.Digest;
import io.github.scratch4j.internal.io.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A registry in memory, on a {@link StubServers} server: blobs per repository, uploads in one
 * request or in chunks (with their status), mounts, manifests by tag or digest; every request is
 * recorded with the body bytes it carried. A test may make a chunk fail after keeping part of it.
 */
final class MemoryRegistry {
  private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/(sha256:[0-9a-f]{64})");
  private static final Pattern UPLOADS = Pattern.compile("/v2/(.+)/blobs/uploads/(\\d*)");
  private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");

  /** One request as received. */
  record Received(String method, String path, String query, long bodyBytes, int status) {
    String line() {
      return method + " " + path + (query.isEmpty() ? "" : "?" + query);
    }
  }

  /** What to do to the body of a chunk: keep this many bytes of it and answer 500, or -1 to take it all. */
  @FunctionalInterface
  interface ChunkFault {
    long keep(int chunk, long length);
  }

  final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();
  final Map<String, Set<Digest>> repositories = new ConcurrentHashMap<>();
  final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
  final Map<String, String> manifestTypes = new ConcurrentHashMap<>();
  final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, ByteArrayOutputStream> uploads = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicInteger chunks = new AtomicInteger();
  volatile ChunkFault fault = (chunk, length) -> -1;

  /** Looks at a request once its body is read, before it is answered: it may wait, or say the status to answer instead (-1: as usual). */
  @FunctionalInterface
  interface Before {
    int answer(String method, String path, String query) throws InterruptedException;
  }

  volatile Before before = (method, path, query) -> -1;
  /** Whether this registry has the referrers API: it then answers a manifest put with a subject with {@code OCI-Subject}. */
  volatile boolean referrersApi;
  final String host;

  MemoryRegistry(StubServers servers) throws IOException {
    this(servers, false);
  }

  /** With {@code concurrent}, requests are answered side by side, so that one held by {@link #before} does not hold the others. */
  MemoryRegistry(StubServers servers, boolean concurrent) throws IOException {
    HttpServer s = servers.start("127.0.0.1", concurrent);
    s.createContext("/", e -> {
      try {
        handle(e);
      } catch (RuntimeException | IOException x) {
        e.close();
      }
    });
    host = StubServers.hostOf(s);
    RegistryClient.rememberPlainHttp(host);
  }

  /** Puts a blob in a repository, as an earlier push would have. */
  void holds(String repository, byte[] blob) {
    Digest d = Sha256.of(blob);
    blobs.put(d, blob);
    repositories.computeIfAbsent(repository, r -> ConcurrentHashMap.newKeySet()).add(d);
  }

  List<Received> requests(String method) {
    return received.stream().filter(r -> r.method().equals(method)).toList();
  }

  private boolean has(String repo, Digest d) {
    return repositories.getOrDefault(repo, Set.of()).contains(d);
  }

  private void handle(HttpExchange e) throws IOException {
    String method = e.getRequestMethod();
    String path = e.getRequestURI().getRawPath();
    String query = e.getRequestURI().getRawQuery() == null ? "" : e.getRequestURI().getRawQuery();
    byte[] body = e.getRequestBody().readAllBytes();
    int instead;
    try {
      instead = before.answer(method, path, query);
    } catch (InterruptedException x) {
      Thread.currentThread().interrupt();
      throw new IOException(x);
    }
    int status = instead >= 0 ? send(e, instead, new byte[0]) : answer(e, method, path, query, body);
    received.add(new Received(method, path, query, body.length, status));
  }

  private int answer(HttpExchange e, String method, String path, String query, byte[] body) throws IOException {
    Matcher m;
    if (path.equals("/v2/")) {
      return send(e, 200, new byte[0]);
    }
    if ((m = BLOB.matcher(path)).matches()) {
      Digest d = Digest.parse(m.group(2));
      if (!has(m.group(1), d)) {
        return send(e, 404, new byte[0]);
      }
      e.getResponseHeaders().add("Docker-Content-Digest", d.toString());
      return send(e, 200, method.equals("HEAD") ? new byte[0] : blobs.get(d), blobs.get(d).length);
    }
    if ((m = UPLOADS.matcher(path)).matches()) {
      String repo = m.group(1);
      if (method.equals("POST")) {
        Map<String, String> q = query(query);
        if (q.containsKey("mount") && has(q.getOrDefault("from", ""), Digest.parse(q.get("mount")))) {
          repositories.computeIfAbsent(repo, r -> ConcurrentHashMap.newKeySet()).add(Digest.parse(q.get("mount")));
          return send(e, 201, new byte[0]);
        }
        String id = Integer.toString(ids.incrementAndGet());
        uploads.put(id, new ByteArrayOutputStream());
        e.getResponseHeaders().add("Location", "/v2/" + repo + "/blobs/uploads/" + id);
        e.getResponseHeaders().add("Range", "0-0");
        return send(e, 202, new byte[0]);
      }
      ByteArrayOutputStream upload = uploads.get(m.group(2));
      if (upload == null) {
        return send(e, 404, new byte[0]);
      }
      e.getResponseHeaders().add("Location", path);
      if (method.equals("GET")) {
        e.getResponseHeaders().add("Range", "0-" + (upload.size() - 1));
        return send(e, 204, new byte[0]);
      }
      if (method.equals("PATCH")) {
        long keep = fault.keep(chunks.incrementAndGet(), body.length);
        if (keep >= 0) {
          upload.write(body, 0, (int) keep);
          return send(e, 500, new byte[0]);
        }
        upload.write(body);
        e.getResponseHeaders().add("Range", "0-" + (upload.size() - 1));
        return send(e, 202, new byte[0]);
      }
      if (method.equals("PUT")) {
        upload.write(body);
        Digest wanted = Digest.parse(query(query).get("digest"));
        byte[] blob = upload.toByteArray();
        if (!Sha256.of(blob).equals(wanted)) {
          return send(e, 400, "{\"errors\":[{\"code\":\"DIGEST_INVALID\"}]}".getBytes(StandardCharsets.UTF_8));
        }
        uploads.remove(m.group(2));
        holds(repo, blob);
        e.getResponseHeaders().add("Docker-Content-Digest", wanted.toString());
        return send(e, 201, new byte[0]);
      }
    }
    if ((m = MANIFEST.matcher(path)).matches()) {
      String key = m.group(1) + ":" + m.group(2);
      if (method.equals("PUT")) {
        manifests.put(key, body);
        manifests.put(m.group(1) + ":" + Sha256.of(body), body);
        String type = e.getRequestHeaders().getFirst("Content-Type");
        manifestTypes.put(key, type);
        manifestTypes.put(m.group(1) + ":" + Sha256.of(body), type);
        e.getResponseHeaders().add("Docker-Content-Digest", Sha256.of(body).toString());
        com.fasterxml.jackson.databind.JsonNode subject =
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("subject").path("digest");
        if (referrersApi && subject.isTextual()) {
          // distribution-spec 1.1, "Pushing Manifests with Subject".
          e.getResponseHeaders().add("OCI-Subject", subject.asText());
        }
        return send(e, 201, new byte[0]);
      }
      byte[] manifest = manifests.get(key);
      if (manifest == null) {
        return send(e, 404, new byte[0]);
      }
      e.getResponseHeaders().add("Content-Type", manifestTypes.get(key));
      e.getResponseHeaders().add("Docker-Content-Digest", Sha256.of(manifest).toString());
      return send(e, 200, method.equals("HEAD") ? new byte[0] : manifest, manifest.length);
    }
    return send(e, 404, new byte[0]);
  }

  private static Map<String, String> query(String query) {
    Map<String, String> q = new java.util.HashMap<>();
    for (String part : query.split("&")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        q.put(part.substring(0, eq), URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return q;
  }

  private static int send(HttpExchange e, int status, byte[] body) throws IOException {
    return send(e, status, body, body.length);
  }

  private static int send(HttpExchange e, int status, byte[] body, long length) throws IOException {
    if (e.getRequestMethod().equals("HEAD")) {
      e.getResponseHeaders().add("Content-Length", Long.toString(length));
      e.sendResponseHeaders(status, -1);
    } else if (body.length == 0) {
      e.sendResponseHeaders(status, -1);
    } else {
      e.sendResponseHeaders(status, body.length);
      e.getResponseBody().write(body);
    }
    e.close();
    return status;
  }
}
