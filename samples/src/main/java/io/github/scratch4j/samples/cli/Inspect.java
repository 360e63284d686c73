package io.github.scratch4j.samples.cli;

import io.github.scratch4j.Archive;
import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.ImageIndex;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.Layer;
import io.github.scratch4j.Platform;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
          "show only this platform's image (from a registry: pull this platform)"),
          Option.flag("--json", "print one JSON object: {\"source\", \"images\": [{\"tags\", \"index\", "
              + "\"platform\", \"layers\", \"config\"}]}")), Shared.REGISTRY));

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  /** One image to show: its tags, and the tags of the index it is part of, if any. */
  private record Shown(List<ImageReference> tags, Optional<ImageIndex> index, Image image) {}

  @Override
  public int run(ParsedArgs args, Io io) throws UsageException, IOException {
    String source = args.operands().get(0);
    Optional<Platform> platform = Shared.platform(args);
    List<Shown> shown = new ArrayList<>();
    String header;
    if (!Shared.isLocal(source)) {
      ImageReference ref = Shared.reference("SOURCE", source);
      Progress pull = io.progress("pulling", "downloaded");
      try {
        shown.add(new Shown(List.of(ref), Optional.empty(), Image.from(source, Shared.registry(args, pull))));
      } finally {
        pull.close();
      }
      header = source + ": image from " + ref.registry();
    } else {
      Archive archive = Archive.read(Path.of(source));
      int count = archive.images().size() + archive.indexes().size();
      header = source + ": " + count + (count == 1 ? " image" : " images")
          + (archive.indexes().isEmpty() ? "" : " (" + archive.indexes().size() + " multi-platform)");
      for (Image image : archive.images()) {
        if (wanted(image, platform)) {
          shown.add(new Shown(image.tags(), Optional.empty(), image));
        }
      }
      for (ImageIndex index : archive.indexes()) {
        for (Image image : index.images()) {
          if (wanted(image, platform)) {
            shown.add(new Shown(List.of(), Optional.of(index), image));
          }
        }
      }
      if (shown.isEmpty()) {
        throw new ImageFormatException(source + " has no image" + platform.map(p -> " for " + p).orElse(""));
      }
    }
    if (args.has("--json")) {
      List<Object> images = new ArrayList<>();
      for (Shown s : shown) {
        images.add(json(s));
      }
      Map<String, Object> all = new LinkedHashMap<>();
      all.put("source", source);
      all.put("images", images);
      io.out().println(Json.write(all));
      return 0;
    }
    PrintStream out = io.out();
    out.println(header);
    Optional<ImageIndex> lastIndex = Optional.empty();
    for (Shown s : shown) {
      if (s.index().isPresent() && !s.index().equals(lastIndex)) {
        out.println();
        out.println("index " + names(s.index().get().tags()));
        out.println("  platforms    " + platforms(s.index().get()));
      }
      lastIndex = s.index();
      print(out, s.index().isPresent() ? "  " : "", s.tags(), s.image());
    }
    return 0;
  }

  private static Map<String, Object> json(Shown s) {
    ImageConfig c = s.image().config();
    Map<String, Object> image = new LinkedHashMap<>();
    image.put("tags", s.tags().stream().map(ImageReference::familiarName).toList());
    image.put("index", s.index().map(i -> Map.of("tags", i.tags().stream().map(ImageReference::familiarName).toList(),
        "platforms", List.of(platforms(i).split(", ")))).orElse(null));
    image.put("platform", c.platform().map(Platform::toString).orElse(null));
    List<Object> layers = new ArrayList<>();
    for (Layer l : s.image().layers()) {
      Map<String, Object> layer = new LinkedHashMap<>();
      l.blob().ifPresent(d -> {
        layer.put("digest", d.digest().toString());
        layer.put("size", d.size());
        layer.put("mediaType", d.mediaType());
      });
      l.diffId().ifPresent(d -> layer.put("diffId", d.toString()));
      layers.add(layer);
    }
    image.put("layers", layers);
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("entrypoint", c.entrypoint());
    config.put("cmd", c.cmd());
    config.put("env", c.env());
    config.put("user", c.user().orElse(null));
    config.put("workingDir", c.workingDir().orElse(null));
    config.put("exposedPorts", List.copyOf(c.exposedPorts()));
    config.put("volumes", List.copyOf(c.volumes()));
    config.put("labels", c.labels());
    config.put("stopSignal", c.stopSignal().orElse(null));
    config.put("created", c.created().map(Object::toString).orElse(null));
    image.put("config", config);
    return image;
  }

  private static String platforms(ImageIndex index) {
    return index.images().stream().map(i -> i.config().platform().map(Platform::toString).orElse("?"))
        .collect(Collectors.joining(", "));
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
