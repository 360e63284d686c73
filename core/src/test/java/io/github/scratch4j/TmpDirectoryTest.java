package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Image#tmpDirectory()} gives an image a {@code /tmp} everyone may write, sticky, owned by root. */
class TmpDirectoryTest {
  private static final Instant BASE_TIME = Instant.parse("2001-02-03T04:05:06Z");

  @TempDir Path dir;

  private Image base(Layer layer) throws IOException {
    Path base = dir.resolve("base-" + System.nanoTime() + ".tar");
    Image.fromScratch().add(layer).withoutDependencyCheck().writeTo(base);
    return Image.from(base).withoutDependencyCheck();
  }

  /** The last layer's tar, as written. */
  private byte[] topLayerTar(Image image) throws IOException {
    Path out = dir.resolve("out-" + System.nanoTime() + ".tar");
    Manifest m = image.withoutDependencyCheck().writeTo(out);
    return TarFiles.read(out).get("blobs/sha256/" + m.layers().get(m.layers().size() - 1).digest().hex()).content();
  }

  private static Source text(String s) {
    return Source.of(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aScratchImageGetsTmpWithTheStickyBitInTheTarModeField() throws IOException {
    byte[] tar = topLayerTar(Image.fromScratch().tmpDirectory());
    Map<String, TarFiles.Item> layer = TarFiles.read(tar);
    assertThat(layer.keySet()).containsExactly("tmp/");
    assertThat(layer.get("tmp/").header().isDirectory()).isTrue();
    assertThat(layer.get("tmp/").header().getMode() & 07777).isEqualTo(01777);
    assertThat(layer.get("tmp/").header().getLongUserId()).isZero();
    assertThat(layer.get("tmp/").header().getLongGroupId()).isZero();
    // The ustar header's mode field (offset 100, 8 bytes) itself, as docker and tar read it.
    assertThat(new String(Arrays.copyOfRange(tar, 100, 107), StandardCharsets.US_ASCII)).isEqualTo("0001777");
  }

  @Test
  void theStickyBitSurvivesReadingTheImageBack() throws IOException {
    Path out = dir.resolve("tmp.tar");
    Image.fromScratch().tmpDirectory().withoutDependencyCheck().writeTo(out);
    assertThat(Image.from(out).layers().get(0).entries())
        .containsExactly(new DirectoryEntry("/tmp", 01777, 0, 0, Entry.directory("/x").mtime()));
    // And writing the read image on top of a base again keeps it: the base is copied byte for byte.
    Image rebuilt = Image.from(out).withoutDependencyCheck().add(Entry.file("/x", text("x")));
    assertThat(rebuilt.fileSystem().get("/tmp").mode()).isEqualTo(01777);
  }

  @Test
  void aBasesTmpGetsTheModeAndRootOwnerAndKeepsItsContent() throws IOException {
    Image base = base(Layer.builder()
        .add(Entry.directory("/tmp").withMode(0755).withOwner(1000, 1000).withMtime(BASE_TIME))
        .add(Entry.file("/tmp/keep", text("kept")).withMtime(BASE_TIME))
        .build());
    Image image = base.tmpDirectory();
    assertThat(image.layers()).hasSize(2);
    Map<String, TarFiles.Item> layer = TarFiles.read(topLayerTar(image));
    assertThat(layer.keySet()).containsExactly("tmp/");
    assertThat(layer.get("tmp/").header().getMode() & 07777).isEqualTo(01777);
    assertThat(layer.get("tmp/").header().getLongUserId()).isZero();
    assertThat(image.fileSystem()).containsKey("/tmp/keep");
  }

  @Test
  void aBaseWhoseTmpIsRightAlreadyIsLeftAlone() throws IOException {
    Image base = base(Layer.builder().add(Entry.directory("/tmp").withMode(01777).withMtime(BASE_TIME)).build());
    assertThat(base.tmpDirectory()).isEqualTo(base);
    assertThat(base.tmpDirectory().layers()).hasSize(1);
  }

  @Test
  void aTmpThatIsALinkMakesTheDirectoryItLeadsToStickyAndTheLinkStays() throws IOException {
    Image base = base(Layer.builder()
        .add(Entry.directory("/var"))
        .add(Entry.directory("/var/tmp"))
        .add(Entry.symlink("/tmp", "var/tmp"))
        .build());
    Image image = base.tmpDirectory();
    assertThat(TarFiles.read(topLayerTar(image)).keySet()).containsExactly("var/", "var/tmp/");
    assertThat(image.fileSystem().get("/tmp")).isEqualTo(Entry.symlink("/tmp", "var/tmp"));
    assertThat(image.fileSystem().get("/var/tmp").mode()).isEqualTo(01777);
  }

  @Test
  void aTmpAddedEarlierToTheSameLayerIsChangedInPlaceWithItsFiles() throws IOException {
    Path tree = java.nio.file.Files.createDirectories(dir.resolve("tree"));
    java.nio.file.Files.writeString(tree.resolve("cache"), "c");
    Image image = Image.fromScratch().add(tree, "/tmp").tmpDirectory();
    assertThat(image.layers()).hasSize(1);
    Map<String, TarFiles.Item> layer = TarFiles.read(topLayerTar(image));
    assertThat(layer.keySet()).containsExactly("tmp/", "tmp/cache");
    assertThat(layer.get("tmp/").header().getMode() & 07777).isEqualTo(01777);
  }

  @Test
  void callingItTwiceChangesNothingMore() {
    Image once = Image.fromScratch().tmpDirectory();
    assertThat(once.tmpDirectory()).isEqualTo(once);
    Image closed = Image.fromScratch().add(Layer.builder().add(Entry.directory("/tmp").withMode(01777)).build());
    assertThat(closed.tmpDirectory()).isEqualTo(closed);
  }
}
