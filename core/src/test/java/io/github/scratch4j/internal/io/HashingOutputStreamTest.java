package io.github.scratch4j.internal.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HashingOutputStreamTest {
  @Test
  void aLargeWriteIsPassedOnInSlicesEachHashedFirst() throws Exception {
    byte[] content = new byte[(1 << 20) + 123];
    new Random(16).nextBytes(content);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    List<Integer> writes = new ArrayList<>();
    List<Long> counted = new ArrayList<>();
    HashingOutputStream[] hashing = new HashingOutputStream[1];
    OutputStream next = new OutputStream() {
      @Override
      public void write(int b) {
        throw new AssertionError("single bytes");
      }

      @Override
      public void write(byte[] b, int off, int len) {
        writes.add(len);
        counted.add(hashing[0].count());
        all.write(b, off, len);
      }
    };
    hashing[0] = new HashingOutputStream(next);
    hashing[0].write(content, 0, content.length);

    assertThat(writes).hasSize(17).allMatch(n -> n <= HashingOutputStream.SLICE);
    // Each slice was counted (and hashed) before it was passed on, not the whole write first.
    assertThat(counted.get(0)).isEqualTo(HashingOutputStream.SLICE);
    assertThat(all.toByteArray()).isEqualTo(content);
    assertThat(hashing[0].count()).isEqualTo(content.length);
    assertThat(hashing[0].digest()).isEqualTo(Sha256.of(content));
  }

  @Test
  void boundsOutsideTheArrayAreRefusedBeforeAnythingPasses() {
    HashingOutputStream hashing = new HashingOutputStream(OutputStream.nullOutputStream());
    assertThatThrownBy(() -> hashing.write(new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(hashing.count()).isZero();
  }

  @Test
  void aWholeSliceHashesEachWriteAndPassesItOnInOnePiece() throws Exception {
    byte[] content = new byte[(1 << 20) + 123];
    new Random(17).nextBytes(content);
    List<Integer> writes = new ArrayList<>();
    List<Long> metered = new ArrayList<>();
    ByteArrayOutputStream all = new ByteArrayOutputStream() {
      @Override
      public synchronized void write(byte[] b, int off, int len) {
        writes.add(len);
        super.write(b, off, len);
      }
    };
    HashingOutputStream hashing = new HashingOutputStream(all, metered::add, HashingOutputStream.WHOLE);
    hashing.write(content, 0, 1 << 20);
    hashing.write(content, 1 << 20, 123);
    assertThat(writes).containsExactly(1 << 20, 123);
    assertThat(metered).containsExactly((long) (1 << 20), 123L);
    assertThat(all.toByteArray()).isEqualTo(content);
    assertThat(hashing.digest()).isEqualTo(Sha256.of(content));
    assertThatThrownBy(() -> new HashingOutputStream(all, n -> { }, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
