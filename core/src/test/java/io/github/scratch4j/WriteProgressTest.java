package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A write reports each blob's progress to the listener of {@link WriteOptions#withProgress}: in
 * steps that never go back, throttled by time, ending with the blob's size; and what the listener
 * throws ends the write with nothing left behind.
 */
class WriteProgressTest {
  /** Events per second the throttle allows, besides each blob's final event. */
  private static final int PER_SECOND = 20;

  @TempDir Path dir;

  enum Target { FILE, STREAM, LAYOUT }

  /** The events of one write, each with when it came. */
  private static final class Recorder implements Consumer<WriteEvent> {
    final List<WriteEvent> events = Collections.synchronizedList(new ArrayList<>());
    final AtomicBoolean overlapped = new AtomicBoolean();
    private final AtomicBoolean inside = new AtomicBoolean();
    int pause;

    @Override
    public void accept(WriteEvent e) {
      if (!inside.compareAndSet(false, true)) {
        overlapped.set(true);
      }
      events.add(e);
      if (pause > 0) {
        try {
          Thread.sleep(pause);
        } catch (InterruptedException x) {
          Thread.currentThread().interrupt();
        }
      }
      inside.set(false);
    }

    Map<Integer, List<WriteEvent>> byBlob() {
      Map<Integer, List<WriteEvent>> out = new TreeMap<>();
      for (WriteEvent e : events) {
        out.computeIfAbsent(e.blob(), b -> new ArrayList<>()).add(e);
      }
      return out;
    }
  }

  private Path sparse(String name, long size) throws IOException {
    Path file = dir.resolve(name);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size); // a hole: costs no disk, reads as zeros
    }
    return file;
  }

  private static Image image(Path file) {
    return Image.fromScratch()
        .add(Layer.builder().addFile("/hello", Source.of(new byte[] {1, 2, 3}), 0755).build())
        .add(file, "/data/" + file.getFileName())
        .entrypoint("/hello");
  }

  private Manifest write(Image image, Target target, WriteOptions options) throws IOException {
    switch (target) {
      case FILE:
        return image.writeTo(dir.resolve("out.tar"), options);
      case STREAM:
        return image.writeTo(OutputStream.nullOutputStream(), options);
      default:
        return image.writeTo(dir.resolve("layout"), options.withFormat(WriteOptions.Format.OCI_LAYOUT));
    }
  }

  /**
   * Checks what holds for every write: per blob, bytes never go back and the one final event is
   * the last, with bytes == size; blobs are numbered 0.. in order; calls never overlap; and no more
   * events came than the throttle allows in the time the write took, plus one final per blob.
   */
  private static void assertWellFormed(Recorder r, long elapsedNanos) {
    Map<Integer, List<WriteEvent>> blobs = r.byBlob();
    assertThat(blobs.keySet()).containsExactlyElementsOf(
        java.util.stream.IntStream.range(0, blobs.size()).boxed().toList());
    for (List<WriteEvent> events : blobs.values()) {
      long last = -1;
      for (int i = 0; i < events.size(); i++) {
        WriteEvent e = events.get(i);
        assertThat(e.bytes()).as("bytes of %s", e).isGreaterThanOrEqualTo(last);
        last = e.bytes();
        assertThat(e.done()).as("only the last event of a blob is final: %s", events).isEqualTo(i == events.size() - 1);
        assertThat(e.size()).isEqualTo(events.get(0).size());
      }
      WriteEvent end = events.get(events.size() - 1);
      assertThat(end.bytes()).isEqualTo(end.size());
      assertThat(end.digest()).isPresent();
    }
    assertThat(r.overlapped).as("listener called from two threads at once").isFalse();
    long writing = r.events.stream().filter(e -> !e.done()).count();
    // Generous: one more per second for scheduling, and two of slack.
    double seconds = elapsedNanos / 1e9;
    assertThat(writing).as("progress events in %.2f s", seconds).isLessThanOrEqualTo((long) (seconds * (PER_SECOND + 1)) + 2);
  }

  @Test
  void reportsAGibibyteLayerInStepsUpToItsSize() throws Exception {
    Path big = sparse("big.bin", 1L << 30);
    // One layer: generated in place in the file, the big file read ahead in chunks by a copier
    // thread that writes them while they are hashed.
    Image image = Image.fromScratch().add(Layer.builder()
        .addFile("/hello", Source.of(new byte[] {1, 2, 3}), 0755)
        .addFile("/data/big.bin", Source.of(big), 0644).build()).entrypoint("/hello");
    Recorder r = new Recorder();
    long start = System.nanoTime();
    Manifest m = image.writeTo(dir.resolve("out.tar"), WriteOptions.defaults().withProgress(r));
    long elapsed = System.nanoTime() - start;
    assertWellFormed(r, elapsed);

    List<WriteEvent> layer = r.byBlob().values().stream()
        .filter(events -> events.get(0).size() > 1L << 30).findFirst().orElseThrow();
    WriteEvent end = layer.get(layer.size() - 1);
    assertThat(end.kind()).isEqualTo(WriteEvent.Kind.WRITTEN);
    assertThat(end.mediaType()).isEqualTo(MediaType.OCI_LAYER);
    assertThat(end.digest()).contains(m.layers().get(0).digest());
    assertThat(layer.stream().filter(e -> !e.done()))
        .allSatisfy(e -> assertThat(e.digest()).isEmpty())
        // The throttle allows one per 50 ms: the write took long enough for ten, with room to spare
        // on a machine that hashes a gibibyte in under a second.
        .hasSizeGreaterThanOrEqualTo((int) Math.min(10, elapsed / 100_000_000L));
  }

  @Test
  void endsWithTheConfigurationAndManifestNamedByTheirDigests() throws Exception {
    Recorder r = new Recorder();
    Manifest m = image(sparse("small.bin", 3000)).writeTo(dir.resolve("out.tar"), WriteOptions.defaults().withProgress(r));
    // By blob number: layers built side by side may end in either order.
    List<WriteEvent> finals = r.byBlob().values().stream().map(events -> events.get(events.size() - 1)).toList();
    assertThat(finals).extracting(WriteEvent::mediaType)
        .containsExactly(MediaType.OCI_LAYER, MediaType.OCI_LAYER, MediaType.OCI_CONFIG, MediaType.OCI_MANIFEST);
    assertThat(finals.get(2).digest()).contains(m.config().digest());
    assertThat(finals.get(2).size()).isEqualTo(m.config().size());
    assertThat(finals.get(1).digest()).contains(m.layers().get(1).digest());
    // An uncompressed layer's tar is its blob.
    assertThat(finals.get(1).size()).isEqualTo(m.layers().get(1).size());
  }

  static Stream<Arguments> targetsAndCompressions() {
    return Stream.of(Target.values()).flatMap(t -> Stream.of(Compression.NONE, Compression.GZIP).map(c -> Arguments.of(t, c)));
  }

  @ParameterizedTest
  @MethodSource("targetsAndCompressions")
  void everyTargetReportsEveryBlobToItsEnd(Target target, Compression compression) throws Exception {
    Path big = sparse("big.bin", 32L << 20);
    Recorder r = new Recorder();
    long start = System.nanoTime();
    Manifest m = write(image(big), target, WriteOptions.defaults().withCompression(compression).withProgress(r));
    assertWellFormed(r, System.nanoTime() - start);
    List<WriteEvent> finals = r.events.stream().filter(WriteEvent::done).toList();
    assertThat(finals).hasSize(4).allSatisfy(e -> assertThat(e.kind()).isEqualTo(WriteEvent.Kind.WRITTEN));
    WriteEvent layer = finals.stream().filter(e -> e.digest().equals(java.util.Optional.of(m.layers().get(1).digest())))
        .findFirst().orElseThrow();
    // The layer's size is its tar's, whatever the compression: the file and its header blocks.
    assertThat(layer.size()).isBetween(32L << 20, (32L << 20) + 8192);
    assertThat(layer.mediaType()).isEqualTo(compression == Compression.NONE ? MediaType.OCI_LAYER : MediaType.OCI_LAYER_GZIP);
  }

  @Test
  void anIndexEndsWithItsOwnDocumentAfterEachImagesManifest() throws Exception {
    Path file = sparse("shared.bin", 1 << 20);
    ImageIndex index = ImageIndex.of(image(file).platform(Platform.LINUX_AMD64), image(file).platform(Platform.LINUX_ARM64));
    Recorder r = new Recorder();
    long start = System.nanoTime();
    index.writeTo(dir.resolve("index.tar"), WriteOptions.defaults().withProgress(r));
    assertWellFormed(r, System.nanoTime() - start);
    List<WriteEvent> finals = r.events.stream().filter(WriteEvent::done).toList();
    // The layers both images share are written once, for the first.
    assertThat(finals).extracting(WriteEvent::mediaType).containsExactly(
        MediaType.OCI_LAYER, MediaType.OCI_LAYER, MediaType.OCI_CONFIG, MediaType.OCI_MANIFEST,
        MediaType.OCI_CONFIG, MediaType.OCI_MANIFEST, MediaType.OCI_INDEX);
  }

  @Test
  void layersWrittenSideBySideReachTheListenerOneAtATime() throws Exception {
    Image image = Image.fromScratch()
        .add(Layer.builder().addFile("/hello", Source.of(new byte[] {1, 2, 3}), 0755).build());
    for (int i = 0; i < 4; i++) {
      image = image.add(Layer.builder().addFile("/data/part" + i, Source.of(sparse("part" + i, 16L << 20)), 0644).build());
    }
    image = image.entrypoint("/hello");
    Recorder r = new Recorder();
    r.pause = 2; // widens the window in which a second thread's call would overlap
    long start = System.nanoTime();
    image.writeTo(dir.resolve("layout"), WriteOptions.defaults().withFormat(WriteOptions.Format.OCI_LAYOUT)
        .withCompression(Compression.GZIP).withProgress(r));
    assertWellFormed(r, System.nanoTime() - start);
    assertThat(r.byBlob()).hasSize(7);
  }

  @Test
  void aSecondWriteIntoALayoutReportsItsBlobsPresent() throws Exception {
    Image image = image(sparse("small.bin", 5000));
    Path layout = dir.resolve("layout");
    WriteOptions options = WriteOptions.defaults().withFormat(WriteOptions.Format.OCI_LAYOUT);
    Manifest m = image.writeTo(layout, options);
    Recorder r = new Recorder();
    image.writeTo(layout, options.withProgress(r));
    // Built layers are built again (their digest is known only then); the documents are found.
    List<WriteEvent> present = r.events.stream().filter(e -> e.kind() == WriteEvent.Kind.PRESENT).toList();
    assertThat(present).extracting(WriteEvent::mediaType).containsExactly(MediaType.OCI_CONFIG, MediaType.OCI_MANIFEST);
    assertThat(present.get(0).digest()).contains(m.config().digest());
    assertThat(present).allSatisfy(e -> assertThat(e.bytes()).isEqualTo(e.size()));
    assertThat(r.events).filteredOn(e -> e.kind() == WriteEvent.Kind.WRITTEN).extracting(WriteEvent::mediaType)
        .containsOnly(MediaType.OCI_LAYER);
  }

  static Stream<Arguments> targetsAndThrowingEvents() {
    // Thrown at the layer's first progress event, and at the very last event (the manifest's).
    return Stream.of(Target.values()).flatMap(t -> Stream.of(Arguments.of(t, false), Arguments.of(t, true)));
  }

  @ParameterizedTest
  @MethodSource("targetsAndThrowingEvents")
  void whatTheListenerThrowsEndsTheWriteAndLeavesNothing(Target target, boolean atTheEnd) throws Exception {
    Path inputs = Files.createDirectories(dir.resolve("in"));
    Path big = Files.move(sparse("big.bin", 16L << 20), inputs.resolve("big.bin"));
    IllegalStateException stop = new IllegalStateException("stop");
    AtomicInteger after = new AtomicInteger();
    AtomicBoolean thrown = new AtomicBoolean();
    Consumer<WriteEvent> listener = e -> {
      if (thrown.get()) {
        after.incrementAndGet();
      }
      boolean now = atTheEnd ? e.mediaType().equals(MediaType.OCI_MANIFEST) : e.kind() == WriteEvent.Kind.WRITING;
      if (now && !thrown.getAndSet(true)) {
        throw stop;
      }
    };
    Path out = Files.createDirectories(dir.resolve("out"));
    Image image = image(big);
    WriteOptions options = WriteOptions.defaults().withProgress(listener);
    assertThatThrownBy(() -> {
      switch (target) {
        case FILE -> image.writeTo(out.resolve("image.tar"), options);
        case STREAM -> image.writeTo(OutputStream.nullOutputStream(), options);
        default -> image.writeTo(out.resolve("layout"), options.withFormat(WriteOptions.Format.OCI_LAYOUT));
      }
    }).isSameAs(stop);
    assertThat(after).as("listener called after it threw").hasValue(0);
    try (Stream<Path> left = Files.list(out)) {
      assertThat(left).as("left in %s", out).isEmpty();
    }
  }

  @Test
  void aListenerThatThrowsStopsLayersWrittenSideBySide() throws Exception {
    Image image = Image.fromScratch()
        .add(Layer.builder().addFile("/hello", Source.of(new byte[] {1, 2, 3}), 0755).build());
    for (int i = 0; i < 3; i++) {
      byte[] random = new byte[8 << 20];
      new Random(i).nextBytes(random);
      image = image.add(Layer.builder().addFile("/data/part" + i, Source.of(random), 0644).build());
    }
    Image built = image.entrypoint("/hello");
    RuntimeException stop = new RuntimeException("enough");
    Path out = Files.createDirectories(dir.resolve("out"));
    assertThatThrownBy(() -> built.writeTo(out.resolve("layout"), WriteOptions.defaults()
        .withFormat(WriteOptions.Format.OCI_LAYOUT).withCompression(Compression.GZIP).withProgress(e -> {
          if (e.mediaType().equals(MediaType.OCI_LAYER_GZIP) && e.done()) {
            throw stop;
          }
        }))).isSameAs(stop);
    try (Stream<Path> left = Files.list(out)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void optionsWithTheSameListenerAreEqual() {
    Consumer<WriteEvent> listener = e -> {};
    WriteOptions a = WriteOptions.defaults().withProgress(listener);
    assertThat(a).isEqualTo(WriteOptions.defaults().withProgress(listener)).hasSameHashCodeAs(WriteOptions.defaults().withProgress(listener));
    assertThat(a).isNotEqualTo(WriteOptions.defaults()).isNotEqualTo(WriteOptions.defaults().withProgress(e -> {}));
    assertThat(a.withCompression(Compression.GZIP).progress()).containsSame(listener);
    assertThat(new WriteOptions(java.util.Optional.empty(), Compression.NONE, java.util.OptionalInt.empty()))
        .isEqualTo(WriteOptions.defaults());
  }

  @Test
  void rejectsAFinalEventShortOfItsSize() {
    assertThatThrownBy(() -> new WriteEvent(WriteEvent.Kind.WRITTEN, 0, MediaType.OCI_LAYER, 10, 9,
        java.util.Optional.of(Digest.parse("sha256:" + "0".repeat(64)))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
