package io.github.scratch4j.samples.cli;

import io.github.scratch4j.Archive;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageIndex;
import io.github.scratch4j.Layer;
import io.github.scratch4j.ReadOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code scratch4j verify}: reads every blob of an archive or image and checks its digest and size. */
final class Verify implements Command {
  private static final CommandSpec SPEC = new CommandSpec("verify", "SOURCE", 1, 1,
      "check every digest and size of an archive, layout or registry image",
      """
      Reads SOURCE (an archive, an OCI layout directory, or a registry reference) whole and checks
      every blob against its descriptor's digest and size, every layer's diff_id against the
      configuration, and every layer entry (none may leave the root). Prints OK and what was
      checked, or the first mismatch (exit 1).

      Example:
        scratch4j verify server.tar""",
      Shared.concat(List.of(Option.single("--platform", "OS/ARCH[/VARIANT]",
          "from a registry, pull and check this platform's image (default: linux on this machine's\n"
              + "architecture); an archive or layout is checked whole")), Shared.REGISTRY));

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public int run(ParsedArgs args, Io io) throws UsageException, IOException {
    String source = args.operands().get(0);
    List<Image> images = new ArrayList<>();
    int indexes = 0;
    if (Shared.isLocal(source)) {
      // Archive.read checks every digest, size and diff_id before it returns (see its Javadoc).
      Archive archive = Archive.read(Path.of(source), ReadOptions.defaults());
      images.addAll(archive.images());
      for (ImageIndex index : archive.indexes()) {
        images.addAll(index.images());
        indexes++;
      }
    } else {
      Shared.reference("SOURCE", source);
      // A pull checks every blob it downloads (or finds in the cache) against its digest.
      Progress pull = io.progress("pulling", "downloaded");
      try {
        images.add(Image.from(source, Shared.registry(args, pull)));
      } finally {
        pull.close();
      }
    }
    Set<String> blobs = new HashSet<>();
    long bytes = 0;
    for (Image image : images) {
      for (Layer l : image.layers()) {
        if (l.blob().isPresent() && blobs.add(l.blob().get().digest().toString())) {
          bytes += l.blob().get().size();
        }
      }
    }
    io.out().println("OK " + source + ": " + images.size() + (images.size() == 1 ? " image" : " images")
        + (indexes > 0 ? " in " + indexes + (indexes == 1 ? " index" : " indexes") : "") + ", " + blobs.size()
        + " layer blobs (" + bytes + " bytes): digests, sizes and diff_ids match");
    return 0;
  }
}
