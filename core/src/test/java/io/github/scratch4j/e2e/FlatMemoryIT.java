package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.scratch4j.Image;
import io.github.scratch4j.Layer;
import io.github.scratch4j.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File contents never sit in the heap: a JVM with a 32 MiB heap writes an image whose layer is 32
 * times that, to a file and to a stream.
 */
class FlatMemoryIT {
  static final long SIZE = 1L << 30;

  @TempDir Path dir;

  @Test
  void aLayerThirtyTwoTimesTheHeapIsWritten() throws IOException {
    Path out = dir.resolve("big.tar");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Commands.Result r = Commands.run(Duration.ofMinutes(5),
        java, "-Xmx32m", "-cp", System.getProperty("java.class.path"), LargeLayer.class.getName(),
        out.toString(), Long.toString(SIZE));
    r.assertSuccess();
    assertThat(Files.size(out)).isGreaterThan(SIZE);
    assertThat(r.stdout()).contains("stream: " + Files.size(out) + " bytes");
  }

  /** Runs in the small-heap JVM. */
  public static final class LargeLayer {
    public static void main(String[] args) throws IOException {
      long size = Long.parseLong(args[1]);
      Image image = Image.fromScratch()
          .add(Layer.builder().addFile("/big.bin", Source.of(size, () -> new Pattern(size))).build());
      image.writeTo(Path.of(args[0]));
      long[] count = {0};
      image.writeTo(new OutputStream() {
        @Override
        public void write(int b) {
          count[0]++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
          count[0] += len;
        }
      });
      System.out.println("stream: " + count[0] + " bytes");
    }
  }

  /** {@code size} bytes of a repeating pattern, generated as read. */
  static final class Pattern extends InputStream {
    private long remaining;

    Pattern(long size) {
      this.remaining = size;
    }

    @Override
    public int read() {
      if (remaining == 0) {
        return -1;
      }
      remaining--;
      return (int) (remaining & 0xff);
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (remaining == 0) {
        return -1;
      }
      int n = (int) Math.min(len, remaining);
      for (int i = 0; i < n; i++) {
        b[off + i] = (byte) (remaining - i);
      }
      remaining -= n;
      return n;
    }
  }
}
