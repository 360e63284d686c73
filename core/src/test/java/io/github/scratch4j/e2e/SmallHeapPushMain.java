package io.github.scratch4j.e2e;

import io.github.scratch4j.Digest;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.Layer;
import io.github.scratch4j.RegistryOptions;
import io.github.scratch4j.Source;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Pushes an image with one 512 MiB file of random bytes, made as they are read (no file on disk),
 * gzipped, to {@code args[0]}, with the pull cache in {@code args[1]}; prints the digest and the
 * process's peak resident memory. With a count in {@code args[2]}, that many layers of 160 MiB
 * each instead, pushed side by side. Run by {@link SmallHeapPushIT} in a JVM with a small heap.
 */
public final class SmallHeapPushMain {
  static final long SIZE = 512L << 20;
  /** Each layer's size when there are several. */
  static final long LAYER = 160L << 20;

  private SmallHeapPushMain() {}

  public static void main(String[] args) throws Exception {
    int layers = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    Image image = Image.fromScratch();
    String repository = "it/small-heap";
    if (layers == 1) {
      image = image.add(Entry.file("/big", random(SIZE, 42)));
    } else {
      // Layers are made and sent side by side, each with its own buffers.
      for (int i = 0; i < layers; i++) {
        image = image.add(Layer.builder().addFile("/big" + i, random(LAYER, 42 + i)).build());
      }
      repository = "it/small-heap-layers";
    }
    Digest d = image.pushTo(args[0] + "/" + repository + ":1",
        RegistryOptions.defaults().withCacheDirectory(Path.of(args[1])));
    System.out.println(d);
    Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM")).forEach(System.out::println);
  }

  /** {@code size} random bytes, made as they are read. */
  private static Source random(long size, long seed) {
    return Source.of(size, () -> new InputStream() {
      private final SplittableRandom r = new SplittableRandom(seed);
      private long left = size;

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
  }
}
