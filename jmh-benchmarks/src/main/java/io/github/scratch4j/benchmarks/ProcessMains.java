package io.github.scratch4j.benchmarks;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** The programs {@code bench.sh} times as whole processes, beside the samples' BuildImage. */
public final class ProcessMains {
  private ProcessMains() {}

  /** Makes the inputs: {@code ProcessMains inputs DIR} prints their paths. */
  public static final class MakeInputs {
    public static void main(String[] args) throws Exception {
      System.setProperty("bench.inputs", args[0]);
      System.out.println(Inputs.big(512));
      System.out.println(Inputs.smallFiles());
      System.out.println(Inputs.hello());
    }
  }

  /**
   * A direct buffer of {@code size} bytes (a multiple of 4096) starting at a page boundary, for the
   * baselines to read into: the JDK's own buffer for a read into an array starts 16 bytes past a
   * page, into which the kernel copies 4-5 times slower on an AMD EPYC of this project's (see
   * scratch4j's {@code Aligned}).
   */
  static java.nio.ByteBuffer alignedDirect(int size) {
    return java.nio.ByteBuffer.allocateDirect(size + 4096).alignedSlice(4096).limit(size).slice();
  }

  /**
   * The JDK's SHA-256 over every regular file under a path: the hash alone. {@code HashFiles PATH}
   * reads each file through one 1 MiB heap buffer (the in-JVM baseline of {@code
   * LayerWriteBenchmark.jdkSha256Read}), by way of a page-aligned direct one; {@code HashFiles --mapped PATH} hashes each file from
   * read-only mappings of up to 32 MiB. Which one is faster depends on the machine (page faults
   * against copies; a mapping per small file costs more than a read of it), so {@code bench.sh}
   * times both and compares with the faster.
   */
  public static final class HashFiles {
    public static void main(String[] args) throws Exception {
      boolean mapped = args[0].equals("--mapped");
      Path root = Path.of(args[mapped ? 1 : 0]);
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buffer = mapped ? null : new byte[1 << 20];
      java.nio.ByteBuffer aligned = mapped ? null : alignedDirect(1 << 20);
      try (Stream<Path> files = Files.walk(root)) {
        for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
          try (FileChannel ch = FileChannel.open(p)) {
            if (mapped) {
              long size = ch.size();
              for (long at = 0; at < size; at += 32L << 20) {
                MappedByteBuffer window = ch.map(FileChannel.MapMode.READ_ONLY, at, Math.min(32L << 20, size - at));
                md.update(window);
              }
            } else {
              // Read into a page-aligned buffer (see alignedDirect), then hashed from the array.
              while (ch.read(aligned.clear()) >= 0) {
                int n = aligned.flip().remaining();
                aligned.get(buffer, 0, n);
                md.update(buffer, 0, n);
              }
            }
          }
        }
      }
      System.out.println(HexFormat.of().formatHex(md.digest()));
    }
  }

  /**
   * The least a Java client does to push a file as a gzip layer whose blocks are all stored, less
   * the tar and the deflate framing: {@code PushFloor FILE DIGEST PORT CACHE-FILE} reads the file
   * and hashes it with SHA-256 and CRC-32 (the diff_id and gzip's trailer) on one thread, and on a
   * second hashes the bytes again (the blob's digest), copies them into a cache file and sends them
   * to the registry at {@code 127.0.0.1:PORT} in one streamed PUT over a plain socket, after the
   * POST that opens the upload. With a fifth argument, {@code uncompressed}, the first thread only
   * reads: the floor of an uncompressed push, whose one digest is both.
   */
  public static final class PushFloor {
    public static void main(String[] args) throws Exception {
      Path file = Path.of(args[0]);
      int port = Integer.parseInt(args[2]);
      boolean uncompressed = args.length > 4 && args[4].equals("uncompressed");
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port);
          java.io.OutputStream cache = Files.newOutputStream(Path.of(args[3]))) {
        java.io.OutputStream out = socket.getOutputStream();
        java.io.InputStream in = socket.getInputStream();
        out.write(("POST /v2/bench/floor/blobs/uploads/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String location = header(head(in, "202"), "location");
        java.net.URI u = java.net.URI.create(location);
        String target = u.getRawPath() + "?" + (u.getRawQuery() == null ? "" : u.getRawQuery() + "&") + "digest=" + args[1];
        out.write(("PUT " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
            + "Content-Length: " + Files.size(file) + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        int size = 128 << 10;
        java.util.concurrent.BlockingQueue<byte[]> full = new java.util.concurrent.ArrayBlockingQueue<>(8);
        java.util.concurrent.BlockingQueue<byte[]> free = new java.util.concurrent.ArrayBlockingQueue<>(12);
        for (int i = 0; i < 12; i++) {
          free.add(new byte[size]);
        }
        byte[] end = new byte[0];
        java.util.concurrent.CompletableFuture<Void> sent = java.util.concurrent.CompletableFuture.runAsync(() -> {
          try {
            MessageDigest blob = MessageDigest.getInstance("SHA-256");
            for (byte[] b = full.take(); b != end; b = full.take()) {
              blob.update(b);
              cache.write(b);
              out.write(b);
              if (b.length == size) {
                free.put(b);
              }
            }
            blob.digest();
            out.flush();
          } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        });
        MessageDigest diffId = MessageDigest.getInstance("SHA-256");
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        try (java.io.InputStream content = Files.newInputStream(file)) {
          while (true) {
            byte[] b = free.take();
            int n = content.readNBytes(b, 0, size);
            if (n == 0) {
              break;
            }
            b = n == size ? b : java.util.Arrays.copyOf(b, n);
            if (!uncompressed) {
              diffId.update(b);
              crc.update(b);
            }
            full.put(b);
          }
        }
        full.put(end);
        sent.join();
        head(in, "201");
      }
    }

    private static String head(java.io.InputStream in, String status) throws java.io.IOException {
      StringBuilder b = new StringBuilder();
      while (b.length() < 4 || !b.substring(b.length() - 4).equals("\r\n\r\n")) {
        int c = in.read();
        if (c < 0) {
          throw new java.io.EOFException("the registry closed the connection after: " + b);
        }
        b.append((char) c);
      }
      if (!b.toString().startsWith("HTTP/1.1 " + status)) {
        throw new java.io.IOException("expected " + status + ", the registry answered: " + b);
      }
      return b.toString();
    }

    private static String header(String head, String name) throws java.io.IOException {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      throw new java.io.IOException("no " + name + " in: " + head);
    }
  }

  /** Bouncy Castle's SHA256Digest over every regular file under a path, read in 1 MiB chunks. */
  public static final class HashFilesBouncyCastle {
    public static void main(String[] args) throws Exception {
      org.bouncycastle.crypto.digests.SHA256Digest md = new org.bouncycastle.crypto.digests.SHA256Digest();
      byte[] buffer = new byte[1 << 20];
      try (Stream<Path> files = Files.walk(Path.of(args[0]))) {
        for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
          try (java.io.InputStream in = Files.newInputStream(p)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
              md.update(buffer, 0, n);
            }
          }
        }
      }
      byte[] out = new byte[32];
      md.doFinal(out, 0);
      System.out.println(HexFormat.of().formatHex(out));
    }
  }

  /** Writes {@code MiB} MiB of log-like text to a file: {@code LogText FILE MIB}. */
  public static final class LogText {
    public static void main(String[] args) throws Exception {
      Path file = Path.of(args[0]);
      if (!Files.exists(file)) {
        Files.write(file, Inputs.logText(Integer.parseInt(args[1])));
      }
    }
  }

  /** Jib-core building a scratch image of a path to a tar, with new, empty caches: {@code JibBuild SRC OUT CACHE}. */
  public static final class JibBuild {
    public static void main(String[] args) throws Exception {
      Path cache = Path.of(args[2]);
      Jib.fromScratch()
          .addLayer(List.of(Path.of(args[0])), AbsoluteUnixPath.get("/"))
          .containerize(Containerizer.to(TarImage.at(Path.of(args[1])).named("bench"))
              .setBaseImageLayersCache(cache.resolve("base"))
              .setApplicationLayersCache(cache.resolve("app")));
    }
  }
}
