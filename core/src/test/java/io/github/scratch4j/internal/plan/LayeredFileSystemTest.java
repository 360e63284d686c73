package io.github.scratch4j.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.scratch4j.Entry;
import io.github.scratch4j.Layer;
import io.github.scratch4j.Source;
import io.github.scratch4j.Whiteout;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LayeredFileSystemTest {
  private static Layer many(int files, long seed) {
    Random random = new Random(seed);
    Layer.Builder b = Layer.builder();
    for (int i = 0; i < files; i++) {
      String path = "/d" + random.nextInt(30) + "/e" + random.nextInt(5) + "/f" + i;
      b.addFile(path, Source.of(new byte[] {(byte) i}));
    }
    return b.build();
  }

  @Test
  void aFirstLayerLoadedInOneGoIsTheSameTreeAsOneLoadedEntryByEntry() {
    Layer first = many(2000, 1);
    LayeredFileSystem bulk = LayeredFileSystem.of(List.of(first));
    // On top of another layer, the same layer goes in entry by entry.
    LayeredFileSystem slow = LayeredFileSystem.of(List.of(Layer.builder().addFile("/zz", Source.of(new byte[0])).build(), first));
    java.util.SortedMap<String, Entry> withoutZz = new java.util.TreeMap<>(slow.entries());
    assertThat(withoutZz.remove("/zz")).isNotNull();
    assertThat(bulk.entries()).isEqualTo(withoutZz);
    assertThat(List.copyOf(bulk.entries().keySet())).isEqualTo(first.entries().stream().map(Entry::path).toList());
    for (Entry e : first.entries()) {
      assertThat(bulk.get(e.path())).contains(e);
    }
    assertThat(bulk.contains("/d3/e4")).isTrue();
    assertThat(bulk.contains("/d3/e5")).isFalse();
  }

  @Test
  void layersAboveABulkLoadedOneStillReplaceAndDelete() {
    Layer first = many(500, 2);
    Layer second = Layer.builder()
        .add(Whiteout.of("/d1"))
        .add(Whiteout.opaque("/d2/e0"))
        .addFile("/d3", Source.of(new byte[0]))
        .addFile("/d4/e1/new", Source.of(new byte[0]))
        .build();
    LayeredFileSystem fs = LayeredFileSystem.of(List.of(first, second));
    assertThat(fs.entries().keySet()).noneMatch(p -> p.equals("/d1") || p.startsWith("/d1/"));
    assertThat(fs.entries().keySet()).noneMatch(p -> p.startsWith("/d2/e0/"));
    assertThat(fs.contains("/d2/e0")).isTrue();
    assertThat(fs.entries().keySet()).noneMatch(p -> p.startsWith("/d3/"));
    assertThat(fs.get("/d3").orElseThrow()).isInstanceOf(io.github.scratch4j.FileEntry.class);
    assertThat(fs.contains("/d4/e1/new")).isTrue();
    assertThat(fs.entries().keySet()).anyMatch(p -> p.startsWith("/d4/e1/f"));
  }
}
