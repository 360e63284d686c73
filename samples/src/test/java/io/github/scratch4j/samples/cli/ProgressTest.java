package io.github.scratch4j.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.scratch4j.Digest;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.TransferEvent;
import io.github.scratch4j.WriteEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private static final String BLOB = "sha256:" + "ab".repeat(32);
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private long now = 1_000_000_000L;

  private Progress progress(Progress.Mode mode) {
    return new Progress(err, mode, "pushing", "uploaded", () -> now);
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void plainModePrintsOneLinePerFinishedBlobAndNothingWhileItMoves() {
    Progress p = progress(Progress.Mode.PLAIN);
    p.update(BLOB, 10, 2048, false);
    p.update(BLOB, 1000, 2048, false);
    p.update(BLOB, 2048, 2048, true);
    p.note("sha256:" + "cd".repeat(32), 300, "already there");
    p.close();
    assertThat(printed()).isEqualTo("sha256:abababababab uploaded (2.0 KiB)\nsha256:cdcdcdcdcdcd already there (300 B)\n");
  }

  @Test
  void noneModePrintsNothing() {
    Progress p = progress(Progress.Mode.NONE);
    p.update(BLOB, 10, 100, false);
    p.update(BLOB, 100, 100, true);
    p.note(BLOB, 100, "cached");
    p.close();
    assertThat(printed()).isEmpty();
  }

  @Test
  void barIsRedrawnInPlaceAtMostTenTimesASecond() {
    Progress p = progress(Progress.Mode.BAR);
    p.update(BLOB, 0, 1 << 20, false);
    p.update(BLOB, 1 << 10, 1 << 20, false);
    p.update(BLOB, 1 << 18, 1 << 20, false);
    assertThat(printed().split("\r", -1)).hasSize(2);
    now += 100_000_000L;
    p.update(BLOB, 1 << 19, 1 << 20, false);
    assertThat(printed().split("\r", -1)).hasSize(3);
    assertThat(printed()).endsWith("\r\033[Kpushing [===============>              ]  50% 512.0 KiB / 1.0 MiB, 0 of 1 blobs")
        .doesNotContain("\n");
  }

  @Test
  void finishedBlobLineGoesAboveTheBarAndCloseClearsTheBar() {
    Progress p = progress(Progress.Mode.BAR);
    String other = "sha256:" + "cd".repeat(32);
    p.update(BLOB, 10, 100, false);
    p.update(other, 100, 100, true);
    assertThat(printed()).contains("\r\033[Ksha256:cdcdcdcdcdcd uploaded (100 B)\n")
        .endsWith("110 B / 200 B, 1 of 2 blobs");
    p.close();
    assertThat(printed()).endsWith("\r\033[K");
  }

  @Test
  void registryEventsReachTheListenerAsProgressAndNotes() {
    List<String> heard = new ArrayList<>();
    BlobProgress recorder = new BlobProgress() {
      @Override
      public void update(String blob, long done, long total, boolean finished) {
        heard.add(blob.substring(0, 9) + " " + done + "/" + total + (finished ? " finished" : ""));
      }

      @Override
      public void note(String blob, long total, String what) {
        heard.add(blob.substring(0, 9) + " " + what);
      }
    };
    Consumer<TransferEvent> listener = Progress.registryListener(recorder);
    Digest d = Digest.parse(BLOB);
    listener.accept(new TransferEvent(TransferEvent.Kind.UPLOADING, d, 10, 4));
    listener.accept(new TransferEvent(TransferEvent.Kind.UPLOADED, d, 10, 10));
    listener.accept(new TransferEvent(TransferEvent.Kind.PRESENT, d, 10, 10));
    listener.accept(new TransferEvent(TransferEvent.Kind.DOWNLOADING, d, 10, 7));
    listener.accept(new TransferEvent(TransferEvent.Kind.CACHED, d, 10, 10));
    listener.accept(new TransferEvent(TransferEvent.Kind.MANIFEST_PUSHED, d, 10, 10));
    assertThat(heard).containsExactly("sha256:ab 4/10", "sha256:ab 10/10 finished", "sha256:ab already there",
        "sha256:ab 7/10", "sha256:ab cached", "sha256:ab manifest pushed");
  }

  @Test
  void aLocalWriteShowsEachBlobByNumberUntilItsDigestIsKnown() {
    Progress p = new Progress(err, Progress.Mode.PLAIN, "writing", "written", () -> now);
    Consumer<WriteEvent> listener = Progress.writeListener(p);
    Digest d = Digest.parse(BLOB);
    listener.accept(new WriteEvent(WriteEvent.Kind.WRITING, 0, MediaType.OCI_LAYER, 4096, 1024, Optional.empty()));
    listener.accept(new WriteEvent(WriteEvent.Kind.WRITTEN, 0, MediaType.OCI_LAYER, 4096, 4096, Optional.of(d)));
    listener.accept(new WriteEvent(WriteEvent.Kind.PRESENT, 1, MediaType.OCI_CONFIG, 300, 300,
        Optional.of(Digest.parse("sha256:" + "cd".repeat(32)))));
    p.close();
    assertThat(printed()).isEqualTo("sha256:abababababab written (4.0 KiB)\nsha256:cdcdcdcdcdcd already there (300 B)\n");
  }

  @Test
  void aPushedLayerMovesTheBarWhileItIsMadeAndIsReportedOnceByItsDigest() {
    Progress p = new Progress(err, Progress.Mode.BAR, "pushing", "uploaded", () -> now);
    Consumer<WriteEvent> layers = Progress.layerListener(p);
    Consumer<TransferEvent> registry = Progress.registryListener(p);
    Digest d = Digest.parse(BLOB);
    layers.accept(new WriteEvent(WriteEvent.Kind.WRITING, 0, MediaType.OCI_LAYER_GZIP, 4096, 1024, Optional.empty()));
    assertThat(printed()).contains("pushing [", " 25% 1.0 KiB / 4.0 KiB, 0 of 1 blobs").doesNotContain("\n");
    now += 200_000_000L;
    layers.accept(new WriteEvent(WriteEvent.Kind.WRITTEN, 0, MediaType.OCI_LAYER_GZIP, 4096, 4096, Optional.of(d)));
    registry.accept(new TransferEvent(TransferEvent.Kind.UPLOADED, d, 3000, 3000));
    p.close();
    // One line, by digest, with the size the registry took; no line for the layer's number.
    assertThat(printed().lines().filter(l -> l.contains("uploaded"))).singleElement().asString()
        .endsWith("sha256:abababababab uploaded (2.9 KiB)");
    // The layer's number was forgotten when the layer was made: never a second blob in the bar.
    assertThat(printed()).doesNotContain("of 2 blobs");
  }

  @Test
  void aLocalWritesBarCountsTheBlobUnderItsNumber() {
    Progress p = new Progress(err, Progress.Mode.BAR, "writing", "written", () -> now);
    Consumer<WriteEvent> listener = Progress.writeListener(p);
    listener.accept(new WriteEvent(WriteEvent.Kind.WRITING, 0, MediaType.OCI_LAYER, 4096, 2048, Optional.empty()));
    assertThat(printed()).contains("writing [", " 50% 2.0 KiB / 4.0 KiB, 0 of 1 blobs");
    now += 200_000_000L;
    listener.accept(new WriteEvent(WriteEvent.Kind.WRITTEN, 0, MediaType.OCI_LAYER, 4096, 4096,
        Optional.of(Digest.parse(BLOB))));
    assertThat(printed()).contains("sha256:abababababab written (4.0 KiB)\n");
  }

  @Test
  void sizesAreBinaryUnits() {
    assertThat(Progress.size(1023)).isEqualTo("1023 B");
    assertThat(Progress.size(1536)).isEqualTo("1.5 KiB");
    assertThat(Progress.size(1L << 30)).isEqualTo("1.0 GiB");
    // One decimal, rounded half up; the unit changes at 1024 of it, as before rounding.
    assertThat(Progress.size(1280)).isEqualTo("1.3 KiB");
    assertThat(Progress.size(1279)).isEqualTo("1.2 KiB");
    assertThat(Progress.size((1L << 20) - 1)).isEqualTo("1024.0 KiB");
    assertThat(Progress.size(536_880_128)).isEqualTo("512.0 MiB");
    assertThat(Progress.size(5L << 50)).isEqualTo("5120.0 TiB");
    assertThat(Progress.size(Long.MAX_VALUE)).isEqualTo("8388608.0 TiB");
    // The text java.util.Formatter gave (bytes / 1024.0 is exact, so both round the same value).
    for (long kib = 1; kib < 1024; kib += 3) {
      for (long rest : new long[] {0, 51, 52, 102, 103, 512, 973, 1023}) {
        long bytes = kib * 1024 + rest;
        assertThat(Progress.size(bytes)).as("%d bytes", bytes)
            .isEqualTo(String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0));
      }
    }
  }
}
