package io.github.scratch4j.samples.cli;

import io.github.scratch4j.Archive;
import io.github.scratch4j.Digest;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageCheck;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.ImageIndex;
import io.github.scratch4j.Platform;
import io.github.scratch4j.RegistryOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** {@code scratch4j push}: an archive's, layout's or registry's image to a registry. */
final class Push implements Command {
  private static final CommandSpec SPEC = new CommandSpec("push", "SOURCE REFERENCE", 2, 2,
      "push an archive's or another registry's image to a registry",
      """
      Pushes the image in SOURCE (an archive, an OCI layout directory, or a registry reference) to
      REFERENCE. A multi-platform image is pushed whole, as an index, unless --platform picks one
      platform; of an archive holding several images, --image picks one. Layers go as SOURCE stores
      them, compressed or not (build --push compresses the layers it builds). Prints REFERENCE@DIGEST.

      Example:
        scratch4j push server.tar registry.example.com/team/server:1.0""",
      Shared.concat(List.of(
          Option.single("--platform", "OS/ARCH[/VARIANT]",
              "push only this platform's image of a multi-platform source"),
          Option.single("--image", "NAME[:TAG]", "push the image with this tag, of an archive holding several")),
          Shared.CHECKS, Shared.REGISTRY));

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public int run(ParsedArgs args, Io io) throws UsageException, IOException {
    String source = args.operands().get(0);
    String target = args.operands().get(1);
    Shared.reference("REFERENCE", target);
    Optional<Platform> platform = Shared.platform(args);
    ImageCheck[] skipped = Shared.checks(args);

    Progress progress = io.progress("pushing", "uploaded");
    Digest digest;
    try {
      RegistryOptions registry = Shared.registry(args, progress);
      if (!Shared.isLocal(source)) {
        Shared.reference("SOURCE", source);
        Progress pull = io.progress("pulling", "downloaded");
        Image image;
        try {
          image = Image.from(source, Shared.registry(args, pull));
        } finally {
          pull.close();
        }
        digest = image.without(skipped).pushTo(target, registry);
      } else {
        Path path = Path.of(source);
        Archive archive = Archive.read(path);
        Optional<String> wanted = args.value("--image");
        if (wanted.isPresent()) {
          Shared.reference("--image", wanted.get());
          Image image = archive.image(wanted.get()).orElseThrow(() -> new ImageFormatException(
              source + " has no image tagged " + wanted.get() + "; it has " + archive.images().stream()
                  .flatMap(i -> i.tags().stream()).map(t -> t.familiarName()).toList()));
          digest = image.without(skipped).pushTo(target, registry);
        } else if (platform.isEmpty() && archive.images().isEmpty() && archive.indexes().size() == 1) {
          ImageIndex index = archive.indexes().get(0);
          if (skipped.length > 0) {
            index = ImageIndex.of(index.images().stream().map(i -> i.without(skipped)).toList());
          }
          digest = index.pushTo(target, registry);
        } else if (platform.isEmpty() && archive.images().size() + archive.indexes().size() > 1) {
          throw new ImageFormatException(source + " holds " + archive.images().size() + " images and "
              + archive.indexes().size() + " indexes; pick one with --image or --platform");
        } else {
          digest = Shared.pick(archive, path, platform).without(skipped).pushTo(target, registry);
        }
      }
    } finally {
      progress.close();
    }
    io.out().println("pushed " + target + "@" + digest);
    return 0;
  }
}
