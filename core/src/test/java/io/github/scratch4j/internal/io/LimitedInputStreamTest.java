package io.github.scratch4j.internal.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One bounded stream: a limit that refuses more, or a window that ends. */
class LimitedInputStreamTest {
  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  /** Counts what is taken from the stream below. */
  private static final class Counted extends ByteArrayInputStream {
    long taken;

    Counted(byte[] b) {
      super(b);
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
      int n = super.read(b, off, len);
      taken += Math.max(n, 0);
      return n;
    }
  }

  @Test
  void anInputOfExactlyTheLimitReadsWhole() throws IOException {
    assertThat(LimitedInputStream.readAll(new ByteArrayInputStream(bytes(100)), 100,
        () -> new IOException("too long"))).isEqualTo(bytes(100));
  }

  @Test
  void anInputPastTheLimitFailsWithTheCallersExceptionAfterOneByteMore() {
    Counted below = new Counted(bytes(1 << 20));
    InputStream in = new LimitedInputStream(below, 100, () -> new IOException("the blob is more than 100 bytes"));

    assertThatThrownBy(in::readAllBytes).hasMessage("the blob is more than 100 bytes");
    assertThat(below.taken).isEqualTo(101);
  }

  @Test
  void skippedAndSingleBytesCountToo() throws IOException {
    InputStream in = new LimitedInputStream(new ByteArrayInputStream(bytes(10)), 5, () -> new IOException("over"));
    assertThat(in.skip(4)).isEqualTo(4);
    assertThat(in.read()).isEqualTo(4);

    assertThatThrownBy(in::read).hasMessage("over");
  }

  @Test
  void aSubclassChargesWhatIsReadWithinTheLimitToItsOwn() throws IOException {
    AtomicLong charged = new AtomicLong();
    InputStream in = new LimitedInputStream(new ByteArrayInputStream(bytes(10)), 50, () -> new IOException("over")) {
      @Override
      protected void charged(long n) {
        charged.addAndGet(n);
      }
    };

    in.readAllBytes();

    assertThat(charged).hasValue(10);
  }

  @Test
  void aWindowEndsAtItsLengthWhateverFollows() throws IOException {
    InputStream in = LimitedInputStream.window(new ByteArrayInputStream(bytes(10)), 4);

    assertThat(in.read()).isZero();
    assertThat(in.skip(100)).isEqualTo(3);
    assertThat(in.read()).isEqualTo(-1);
    assertThat(in.read(new byte[8], 0, 8)).isEqualTo(-1);
    assertThat(LimitedInputStream.window(new ByteArrayInputStream(bytes(10)), 4).readAllBytes())
        .containsExactly(0, 1, 2, 3);
  }

  @Test
  void aWindowLongerThanItsInputEndsWithTheInput() throws IOException {
    assertThat(LimitedInputStream.window(new ByteArrayInputStream(bytes(3)), 4).readAllBytes()).containsExactly(0, 1, 2);
  }
}
