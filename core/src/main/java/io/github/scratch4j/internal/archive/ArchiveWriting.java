package io.github.scratch4j.internal.archive;

import io.github.scratch4j.Manifest;
import io.github.scratch4j.internal.build.PlannedImage;
import io.github.scratch4j.internal.io.AtomicFile;
import io.github.scratch4j.internal.io.FileArchiveOutput;
import io.github.scratch4j.internal.io.StreamArchiveOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/** Picks how planned images are written to a target. */
public final class ArchiveWriting {
  /** Copy buffer size; large enough that per-call overhead vanishes against hashing. */
  static final int BUFFER = 1 << 20;

  private ArchiveWriting() {}

  /** Writes a combined archive file, atomically. */
  public static List<Manifest> toFile(List<PlannedImage> images, Path target) throws IOException {
    return AtomicFile.write(target, channel -> {
      try (FileArchiveOutput out = new FileArchiveOutput(channel, BUFFER)) {
        return new CombinedTarWriter(out, BUFFER).write(images);
      }
    });
  }

  /** Writes a combined archive to a stream. */
  public static List<Manifest> toStream(List<PlannedImage> images, OutputStream stream) throws IOException {
    StreamArchiveOutput out = new StreamArchiveOutput(stream);
    List<Manifest> manifests = new CombinedTarWriter(out, BUFFER).write(images);
    out.flush();
    return manifests;
  }
}
