package io.github.scratch4j.internal.archive;

import io.github.scratch4j.Compression;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.MediaType;
import io.github.scratch4j.Source;
import io.github.scratch4j.internal.archive.LayerEncoder.Encoded;
import io.github.scratch4j.internal.archive.WriteProgress.Meter;
import io.github.scratch4j.internal.compress.LayerMediaTypes;
import io.github.scratch4j.internal.io.HashingOutputStream;
import io.github.scratch4j.internal.layer.LayerPlan;
import io.github.scratch4j.internal.layer.LayerTarWriter;
import io.github.scratch4j.internal.registry.Pusher;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Blobs as a registry's: each layer generated once and sent as it is made, blobs of known digest
 * sent only when the repository lacks them, and manifests put after their blobs (see
 * {@link Pusher}). Nothing is written to disk.
 */
final class RegistryBlobTarget implements BlobTarget {
  private final Pusher pusher;

  RegistryBlobTarget(Pusher pusher) {
    this.pusher = pusher;
  }

  @Override
  public void write(Descriptor d, byte[] content, Meter meter) throws IOException {
    String type = d.mediaType();
    if (type.equals(MediaType.OCI_MANIFEST) || type.equals(MediaType.OCI_INDEX)
        || type.equals(MediaType.DOCKER_MANIFEST) || type.equals(MediaType.DOCKER_MANIFEST_LIST)) {
      pusher.document(d, content);
    } else {
      pusher.blob(d, content);
    }
    meter.done(d.digest());
  }

  @Override
  public void copy(Descriptor d, Source content, Meter meter) throws IOException {
    pusher.blob(d, content);
    meter.done(d.digest());
  }

  @Override
  public Encoded generate(LayerPlan plan, Compression compression, int level, Meter meter) throws IOException {
    AtomicReference<Encoded> encoded = new AtomicReference<>();
    AtomicInteger passes = new AtomicInteger();
    Descriptor d = pusher.layer(LayerMediaTypes.oci(compression), LayerTarWriter.size(plan), out -> {
      // A generation after a failed chunk is not counted again: it only gets back to where it was.
      boolean first = passes.getAndIncrement() == 0;
      // The upload's pipe gathers bytes into whole buffers before it sends any.
      Encoded e = new LayerEncoder(ArchiveWriting.BUFFER, HashingOutputStream.WHOLE)
          .encode(plan, compression, level, out, first ? meter : n -> { });
      encoded.set(e);
      return e.digest();
    });
    Encoded e = encoded.get();
    if (!e.digest().equals(d.digest()) || e.size() != d.size()) {
      throw new IllegalStateException("layer pushed as " + d.digest() + " (" + d.size() + " bytes) was generated as "
          + e.digest() + " (" + e.size() + " bytes)");
    }
    meter.done(e.digest());
    return e;
  }

  /** Layers are generated and sent side by side, as many at once as the registry options allow. */
  @Override
  public List<Encoded> generateAll(List<LayerPlan> plans, Compression compression, int level, List<Meter> meters)
      throws IOException {
    List<Callable<Encoded>> tasks = new ArrayList<>();
    for (int i = 0; i < plans.size(); i++) {
      LayerPlan plan = plans.get(i);
      Meter meter = meters.get(i);
      tasks.add(() -> generate(plan, compression, level, meter));
    }
    return pusher.parallel(tasks);
  }
}
