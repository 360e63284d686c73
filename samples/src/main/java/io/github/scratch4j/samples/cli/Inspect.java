package io.github.scratch4j.samples.cli;

import io.github.scratch4j.Archive;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.ImageIndex;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.Layer;
import io.github.scratch4j.Platform;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@code scratch4j inspect}: what an archive, layout or registry image holds. */
final class Inspect implements Command {
  private static final CommandSpec SPEC = new CommandSpec("inspect", "SOURCE", 1, 1,
      "print an image's tags, platform, layers and configuration",
      """
      Reads SOURCE (an archive, an OCI layout directory, or a registry reference) and prints, for
      each image, its tags, platform, layers (digest, size, media type) and configuration
      (entrypoint, command, environment, user, working directory, ports, volumes, labels). Of a
      multi-platform image, --platform shows one platform; from a registry, one platform is pulled
      (this machine's unless --platform says). Reading checks every digest, as verify does.

      Example:
        scratch4j inspect server.tar""",
      Shared.concat(List.of(Option.single("--platform", "OS/ARCH[/VARIANT]",
          "show only this platform's image (from a registry: pull this platform)")), Shared.REGISTRY));

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public int run(ParsedArgs args, Io io) throws UsageException, IOException {
    String source = args.operands().get(0);
    Optional<Platform> platform = Shared.platform(args);
    PrintStream out = io.out();
    if (!Shared.isLocal(source)) {
      ImageReference ref = Shared.reference("SOURCE", source);
      Progress pull = io.progress("pulling", "downloaded");
      Image image;
      try {
        image = Image.from(source, Shared.registry(args, pull));
      } finally {
        pull.close();
      }
      out.println(source + ": image from " + ref.registry());
      print(out, "", List.of(ref), image);
      return 0;
    }
    Archive archive = Archive.read(Path.of(source));
    int count = archive.images().size() + archive.indexes().size();
    out.println(source + ": " + count + (count == 1 ? " image" : " images")
        + (archive.indexes().isEmpty() ? "" : " (" + archive.indexes().size() + " multi-platform)"));
    boolean shown = false;
    for (Image image : archive.images()) {
      if (wanted(image, platform)) {
        print(out, "", image.tags(), image);
        shown = true;
      }
    }
    for (ImageIndex index : archive.indexes()) {
      List<Image> images = index.images().stream().filter(i -> wanted(i, platform)).toList();
      if (images.isEmpty()) {
        continue;
      }
      shown = true;
      out.println();
      out.println("index " + names(index.tags()));
      out.println("  platforms    " + index.images().stream()
          .map(i -> i.config().platform().map(Platform::toString).orElse("?")).collect(Collectors.joining(", ")));
      for (Image image : images) {
        print(out, "  ", List.of(), image);
      }
    }
    if (!shown) {
      throw new io.github.scratch4j.ImageFormatException(source + " has no image for " + platform.get());
    }
    return 0;
  }

  private static boolean wanted(Image image, Optional<Platform> platform) {
    return platform.isEmpty() || image.config().platform().filter(p -> Shared.matches(p, platform.get())).isPresent();
  }

  private static String names(List<ImageReference> tags) {
    return tags.isEmpty() ? "(untagged)" : tags.stream().map(ImageReference::familiarName).collect(Collectors.joining(" "));
  }

  private static void print(PrintStream out, String indent, List<ImageReference> tags, Image image) {
    ImageConfig c = image.config();
    out.println();
    out.println(indent + "image " + (tags.isEmpty() && !indent.isEmpty()
        ? c.platform().map(Platform::toString).orElse("?") : names(tags)));
    field(out, indent, "platform", c.platform().map(Platform::toString).orElse("(not set)"));
    field(out, indent, "layers", String.valueOf(image.layers().size()));
    for (Layer l : image.layers()) {
      if (l.blob().isPresent()) {
        Descriptor d = l.blob().get();
        out.println(indent + "    " + d.digest() + "  " + String.format("%,d", d.size()) + " bytes  " + d.mediaType());
      } else {
        out.println(indent + "    (built, " + l.entries().size() + " entries)");
      }
    }
    field(out, indent, "entrypoint", argv(c.entrypoint()));
    field(out, indent, "cmd", argv(c.cmd()));
    field(out, indent, "env", c.env().isEmpty() ? "" : String.join("\n" + indent + "             ", c.env()));
    field(out, indent, "user", c.user().orElse(""));
    field(out, indent, "workdir", c.workingDir().orElse(""));
    field(out, indent, "exposed", String.join(" ", c.exposedPorts()));
    field(out, indent, "volumes", String.join(" ", c.volumes()));
    field(out, indent, "labels", c.labels().entrySet().stream().map(Map.Entry::toString)
        .collect(Collectors.joining("\n" + indent + "             ")));
    field(out, indent, "stop signal", c.stopSignal().orElse(""));
    field(out, indent, "created", c.created().map(Object::toString).orElse(""));
  }

  private static void field(PrintStream out, String indent, String name, String value) {
    if (!value.isEmpty()) {
      out.println(indent + "  " + name + " ".repeat(Math.max(1, 11 - name.length())) + value);
    }
  }

  /** An argument vector as JSON-like quoted words, so that spaces inside words show. */
  private static String argv(List<String> words) {
    return words.isEmpty() ? ""
        : words.stream().map(w -> "\"" + w.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
            .collect(Collectors.joining(", ", "[", "]"));
  }
}
