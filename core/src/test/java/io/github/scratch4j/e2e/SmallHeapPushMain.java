package io.github.scratch4j.e2e;

import io.github.scratch4j.Digest;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.RegistryOptions;
import io.github.scratch4j.Source;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Pushes an image with one 512 MiB file of random bytes, made as they are read (no file on disk),
 * gzipped, to {@code args[0]}, with the pull cache in {@code args[1]}; prints the digest and the
 * process's peak resident memory. Run by {@link SmallHeapPushIT} in a JVM with a small heap.
 */
public final class SmallHeapPushMain {
  static final long SIZE = 512L << 20;

  private SmallHeapPushMain() {}

  public static void main(String[] args) throws Exception {
    Source random = Source.of(SIZE, () -> new InputStream() {
      private final SplittableRandom r = new SplittableRandom(42);
      private long left = SIZE;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left == 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        byte[] chunk = new byte[n];
        r.nextBytes(chunk);
        System.arraycopy(chunk, 0, b, off, n);
        left -= n;
        return n;
      }
    });
    Digest d = Image.fromScratch().add(Entry.file("/big", random))
        .pushTo(args[0] + "/it/small-heap:1", RegistryOptions.defaults().withCacheDirectory(Path.of(args[1])));
    System.out.println(d);
    Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM")).forEach(System.out::println);
  }
}
