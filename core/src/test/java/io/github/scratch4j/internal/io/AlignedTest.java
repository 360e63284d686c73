package io.github.scratch4j.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The buffers files are read into start at a page boundary and hold exactly what was asked. */
class AlignedTest {
  @Test
  void aBufferStartsAtAPageBoundaryWithTheSizeAsked() {
    for (int size : new int[] {1, 4096, 256 << 10, (1 << 20) + 3}) {
      ByteBuffer b = Aligned.direct(size);
      assertThat(b.isDirect()).isTrue();
      assertThat(b.capacity()).isEqualTo(size);
      assertThat(b.limit()).isEqualTo(size);
      assertThat(b.position()).isZero();
      assertThat(b.alignmentOffset(0, Aligned.PAGE)).as("%d bytes", size).isZero();
    }
  }

  @Test
  void theBuffersFilesAreReadIntoAreAligned() {
    assertThat(ReadAhead.newChunk().alignmentOffset(0, Aligned.PAGE)).isZero();
  }
}
