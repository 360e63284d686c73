package io.github.scratch4j.internal.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.Compression;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageCheck;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.ReadOptions;
import io.github.scratch4j.Source;
import io.github.scratch4j.WriteOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A blob read beside its download shows what reading its file afterwards shows. */
class PassAlongsideTest {
  @TempDir
  Path dir;

  private static void feed(OutputStream out, byte[] content, int piece) throws IOException {
    for (int at = 0; at < content.length; at += piece) {
      out.write(content, at, Math.min(piece, content.length - at));
    }
    out.close();
  }

  @Test
  void showsWhatReadingTheFileShows() throws Exception {
    byte[] data = new byte[3 << 20];
    new Random(18).nextBytes(data);
    Manifest m = Image.fromScratch().add(Entry.file("/data", Source.of(data))).cmd("/data")
        .without(ImageCheck.ENTRYPOINT)
        .writeTo(Files.createDirectory(dir.resolve("layout")), WriteOptions.defaults().withCompression(Compression.GZIP));
    Descriptor layer = m.layers().get(0);
    Path file = dir.resolve("layout/blobs/sha256/" + layer.digest().hex());
    byte[] blob = Files.readAllBytes(file);

    PassAlongside pass = PassAlongside.start(layer, file.toString(), new ReadBudget(ReadOptions.defaults()));
    feed(pass.input(), blob, 7_000);
    BlobFile alongside = pass.result(file);
    BlobFile after = LayoutDirectory.blobAt(file, layer, new ReadBudget(ReadOptions.defaults()));

    assertThat(alongside.digest()).isEqualTo(layer.digest()).isEqualTo(after.digest());
    assertThat(alongside.size()).isEqualTo(blob.length).isEqualTo(after.size());
    assertThat(alongside.compression()).isEqualTo(Compression.GZIP);
    assertThat(alongside.diffId()).isEqualTo(after.diffId());
    assertThat(alongside.uncompressedSize()).isEqualTo(after.uncompressedSize());
    assertThat(alongside.listing()).isPresent();
    assertThat(alongside.listing().get().headers()).isNotEmpty().isEqualTo(after.listing().get().headers());
    assertThat(alongside.name()).isEqualTo(after.name());
  }

  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aPassThatStopsNeverHoldsUpTheFeederAndSaysWhyItStopped() throws Exception {
    byte[] notGzip = new byte[16 << 20];
    new Random(19).nextBytes(notGzip);
    notGzip[0] = 0x1f;
    notGzip[1] = (byte) 0x8b;
    Descriptor d = Descriptor.of(MediaType.OCI_LAYER_GZIP, io.github.scratch4j.internal.io.Sha256.of(notGzip), notGzip.length);
    PassAlongside pass = PassAlongside.start(d, "blob x", new ReadBudget(ReadOptions.defaults()));
    // 16 MiB in 64 KiB pieces: far more than the pass holds in flight, so the feeder finishes only
    // because the stopped pass no longer takes anything.
    feed(pass.input(), notGzip, 1 << 16);
    assertThatThrownBy(() -> pass.result(dir.resolve("x"))).isInstanceOf(ImageFormatException.class)
        .hasMessageContaining("blob x");
  }

  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void closingStopsThePassAndTheFeederGoesOn() throws Exception {
    byte[] some = new byte[1 << 20];
    Descriptor d = Descriptor.of(MediaType.OCI_LAYER, io.github.scratch4j.internal.io.Sha256.of(some), 2L * some.length);
    PassAlongside pass = PassAlongside.start(d, "blob y", new ReadBudget(ReadOptions.defaults()));
    pass.input().write(some);
    pass.close();
    pass.input().write(new byte[8 << 20]);
    assertThatThrownBy(() -> pass.result(dir.resolve("y"))).isInstanceOf(java.io.InterruptedIOException.class);
  }

  @Test
  void aFetchedImageTakesThePassOfABlobAndDoesNotReadItsFileAgain() throws Exception {
    byte[] data = new byte[1 << 20];
    new Random(20).nextBytes(data);
    Path layout = Files.createDirectory(dir.resolve("layout"));
    Manifest m = Image.fromScratch().add(Entry.file("/data", Source.of(data))).cmd("/data")
        .without(ImageCheck.ENTRYPOINT).writeTo(layout, WriteOptions.defaults().withCompression(Compression.GZIP));
    Descriptor layer = m.layers().get(0);
    Path blobs = layout.resolve("blobs/sha256");
    byte[] layerBytes = Files.readAllBytes(blobs.resolve(layer.digest().hex()));
    // Where the fetch says the layer is, a file of the same size that is not the layer: reading it
    // would fail the digest check.
    Path decoy = Files.write(dir.resolve("decoy"), new byte[layerBytes.length]);
    ReadBudget budget = new ReadBudget(ReadOptions.defaults());
    PassAlongside pass = PassAlongside.start(layer, decoy.toString(), budget);
    feed(pass.input(), layerBytes, 50_000);
    Descriptor manifest = Descriptor.of(MediaType.OCI_MANIFEST, m.digest(),
        Files.size(blobs.resolve(m.digest().hex())));

    ReadImage image = FetchedImages.image(manifest, new FetchedImages.Fetch() {
      @Override
      public Path file(Descriptor d) {
        return d.digest().equals(layer.digest()) ? decoy : blobs.resolve(d.digest().hex());
      }

      @Override
      public java.util.Optional<PassAlongside> passed(Descriptor d) {
        return d.digest().equals(layer.digest()) ? java.util.Optional.of(pass) : java.util.Optional.empty();
      }
    }, "test", budget);

    assertThat(image.layers()).hasSize(1);
    assertThat(image.layers().get(0).blob()).isEqualTo(layer);
    assertThat(image.layers().get(0).entries()).extracting(Entry::path).containsExactly("/data");
  }
}
