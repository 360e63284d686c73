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

  /** The JDK's SHA-256 over every regular file under a path, mapped: the hash alone. */
  public static final class HashFiles {
    public static void main(String[] args) throws Exception {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (Stream<Path> files = Files.walk(Path.of(args[0]))) {
        for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
          try (FileChannel ch = FileChannel.open(p)) {
            long size = ch.size();
            for (long at = 0; at < size; at += 32L << 20) {
              MappedByteBuffer window = ch.map(FileChannel.MapMode.READ_ONLY, at, Math.min(32L << 20, size - at));
              md.update(window);
            }
          }
        }
      }
      System.out.println(HexFormat.of().formatHex(md.digest()));
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
