package io.github.scratch4j.samples.cli;

import io.github.scratch4j.Archive;
import io.github.scratch4j.Compression;
import io.github.scratch4j.CopyOption;
import io.github.scratch4j.Digest;
import io.github.scratch4j.DockerDaemon;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageCheck;
import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.Layer;
import io.github.scratch4j.LoadedImages;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.Platform;
import io.github.scratch4j.RegistryOptions;
import io.github.scratch4j.WriteOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** {@code scratch4j build}: an image from a base (or scratch), files and configuration. */
final class Build implements Command {
  private static final CommandSpec SPEC = new CommandSpec("build", "", 0, 0,
      "build an image and write it to a file or push it",
      """
      Builds an image from scratch or from --from, with the files --add names (in the order given,
      into one new layer) and the configuration the other options set, and writes it with -o or
      pushes it with --push, or loads it into the Docker daemon with --load (any of them together).
      Prints what it wrote: the path, reference or daemon, the image ID, the manifest digest and
      the tags.

      Example:
        scratch4j build --add ./server:/app/server --entrypoint /app/server --expose 8080 \\
            --env MODE=prod --non-root --tag server:1.0 -o server.tar""",
      Shared.concat(List.of(
          Option.single("--from", "BASE",
              "start from this image: an archive, an OCI layout directory, or a registry\n"
                  + "reference (default: an empty image, like FROM scratch)"),
          Option.single("--platform", "OS/ARCH[/VARIANT]",
              "set the image's platform, and take this platform's image from a multi-platform\n"
                  + "base (default: from the entrypoint's ELF header, else the base, else linux/amd64)"),
          Option.repeated("--add", "SRC[:DEST]",
              "add a file, link or directory tree from disk at DEST (default /NAME);\n"
                  + "DEST ending in / means inside that directory"),
          Option.repeated("--add-with-libraries", "BINARY",
              "add a dynamically linked executable with its loader and shared libraries, at their paths"),
          Option.repeated("--remove", "PATH", "remove PATH (and what is under it) from the image"),
          Option.flag("--follow-links", "--add: archive what symbolic links point at, not the links"),
          Option.flag("--keep-permissions", "--add: keep the exact mode bits (default: 0755 or 0644)"),
          Option.flag("--special-files", "--add: archive named pipes and device nodes (default: refused)"),
          Option.flag("--replace-invalid-names", "--add: store a name that is not UTF-8 with U+FFFD"),
          Option.flag("--ca-certificates", "add this machine's CA certificates and set SSL_CERT_FILE"),
          Option.repeated("--ca-certificates-file", "PEM", "add the CA certificates of a PEM file"),
          Option.flag("--time-zones", "add all of this machine's /usr/share/zoneinfo"),
          Option.repeated("--time-zone", "ZONE", "add one zone of /usr/share/zoneinfo, such as Europe/Paris"),
          Option.flag("--tmp", "add /tmp with mode 1777"),
          Option.flag("--non-root", "run as the user nonroot (uid and gid 65532), adding it to /etc/passwd"),
          Option.single("--non-root-user", "NAME:UID", "run as this user, adding it to /etc/passwd and /etc/group"),
          Option.repeated("--entrypoint", "ARG",
              "the program the container runs; each use adds one word (clears a base's command)"),
          Option.repeated("--cmd", "ARG", "the default arguments (or command); each use adds one word"),
          Option.repeated("--env", "NAME=VALUE", "set an environment variable"),
          Option.single("--user", "USER", "the user the process runs as: name, uid or uid:gid"),
          Option.single("--workdir", "DIR", "the working directory"),
          Option.repeated("--expose", "PORT[/PROTO]", "expose a port, such as 8080 or 53/udp"),
          Option.repeated("--label", "KEY=VALUE", "set a label"),
          Option.repeated("--volume", "PATH", "declare a volume"),
          Option.single("--stop-signal", "SIGNAL", "the signal that stops the container, such as SIGTERM"),
          Option.repeated("--tag", "NAME[:TAG]",
              "name the image (default: its entrypoint's file name, NAME:latest)", "-t"),
          Option.flag("--no-dependency-check", "same as --no-check dependencies --no-check entrypoint"),
          Option.single("--output", "FILE|DIR", "write the image to this tar file, or OCI layout directory", "-o"),
          Option.single("--format", "FORMAT",
              "archive (one tar, a docker-archive and an OCI layout at once) or oci-layout (a\n"
                  + "directory); default: oci-layout when -o is an existing directory, else archive"),
          Option.single("--compression", "ALGO",
              "compress the layers built: none, gzip or zstd (default: none for -o, gzip for --push)"),
          Option.single("--compression-level", "N", "gzip 0-9 (default 6) or zstd -7-22 (default 3)"),
          Option.flag("--gzip", "same as --compression gzip"),
          Option.flag("--zstd", "same as --compression zstd"),
          Option.flag("--uncompressed", "same as --compression none"),
          Option.flag("--sbom", "store the image's SPDX SBOM with it: in the archive or layout of -o, and\n"
              + "attached in the registry of --push (an OCI 1.1 referrer of the image)"),
          Option.single("--push", "REFERENCE", "push the image to a registry, such as localhost:5000/app:1.0"),
          Option.flag("--load", "load the image into the Docker daemon of DOCKER_HOST (a unix:// socket) or "
              + "/var/run/docker.sock, as docker load would, with no file")),
          Shared.CHECKS, Shared.REGISTRY));

  @Override
  public CommandSpec spec() {
    return SPEC;
  }

  @Override
  public int run(ParsedArgs args, Io io) throws UsageException, IOException {
    Optional<Path> output = args.value("--output").map(Path::of);
    Optional<String> push = args.value("--push");
    boolean load = args.has("--load");
    if (output.isEmpty() && push.isEmpty() && !load) {
      throw new UsageException("build needs -o FILE, --push REFERENCE or --load (or several)");
    }
    if (args.has("--sbom") && output.isEmpty() && push.isEmpty()) {
      throw new UsageException("--sbom stores the SBOM in the archive or layout of -o, or in the registry of --push; "
          + "the Docker engine of --load keeps no SBOM");
    }
    // Made first: it readies the JDK's socket support while the image is built.
    Optional<DockerDaemon> daemon = load ? Optional.of(DockerDaemon.fromEnvironment()) : Optional.empty();
    if (push.isPresent()) {
      Shared.reference("--push", push.get());
    }
    Optional<Platform> platform = Shared.platform(args);
    WriteOptions write = writeOptions(args);
    Optional<Compression> compression = compression(args);
    ImageCheck[] skipped = Shared.checks(args);

    Progress pull = io.progress("pulling", "downloaded");
    Image image;
    try {
      image = base(args, platform, Shared.registry(args, pull));
    } finally {
      pull.close();
    }
    image = configure(image, args, platform, skipped);

    if (output.isPresent()) {
      Progress progress = io.progress("writing", "written");
      Manifest m;
      try {
        m = write(image, output.get(), write, progress);
      } finally {
        progress.close();
      }
      String size = Files.isRegularFile(output.get()) ? " (" + Files.size(output.get()) + " bytes)" : "";
      io.out().println("wrote " + output.get() + size + ": image ID " + m.config().digest() + ", manifest "
          + m.digest() + tags(image));
    }
    if (push.isPresent()) {
      Progress progress = io.progress("pushing", "uploaded");
      Digest d;
      try {
        RegistryOptions options = Shared.registry(args, progress);
        RegistryOptions compressed = options.withCompression(compression.orElse(Compression.GZIP));
        if (args.has("--sbom")) {
          compressed = compressed.withSbom();
        }
        d = image.pushTo(push.get(), compressed.withLayerOptions(
            compressed.layerOptions().withProgress(Progress.layerListener(progress))));
      } finally {
        progress.close();
      }
      io.out().println("pushed " + push.get() + "@" + d);
    }
    if (load) {
      LoadedImages loaded = daemon.orElseThrow().load(image);
      io.out().println("loaded " + String.join(", ", loaded.tags()) + " into the daemon at unix://" + daemon.orElseThrow().socket()
          + ": image ID " + loaded.imageIds().get(0));
    }
    return 0;
  }

  /** Writes the image to {@code output}, each blob's progress told to {@code progress}. */
  static Manifest write(Image image, Path output, WriteOptions options, BlobProgress progress) throws IOException {
    return image.writeTo(output, options.withProgress(Progress.writeListener(progress)));
  }

  private static String tags(Image image) {
    return image.tags().isEmpty() ? ""
        : ", tags " + image.tags().stream().map(t -> t.familiarName()).collect(Collectors.joining(" "));
  }

  private static Optional<Compression> compression(ParsedArgs args) throws UsageException {
    Optional<Compression> c = Optional.empty();
    // The last of the compression options wins, as they were given.
    for (ParsedArgs.Value v : args.values()) {
      switch (v.option()) {
        case "--compression" -> c = Optional.of(Shared.compression("--compression", v.value()));
        case "--gzip" -> c = Optional.of(Compression.GZIP);
        case "--zstd" -> c = Optional.of(Compression.ZSTD);
        case "--uncompressed" -> c = Optional.of(Compression.NONE);
        default -> { }
      }
    }
    return c;
  }

  private static WriteOptions writeOptions(ParsedArgs args) throws UsageException {
    WriteOptions w = WriteOptions.defaults();
    Optional<String> format = args.value("--format");
    if (format.isPresent()) {
      w = switch (format.get().toLowerCase(Locale.ROOT)) {
        case "archive", "tar", "docker-archive" -> w.withFormat(WriteOptions.Format.ARCHIVE);
        case "oci-layout", "oci", "layout" -> w.withFormat(WriteOptions.Format.OCI_LAYOUT);
        default -> throw new UsageException("--format takes archive or oci-layout, not '" + format.get() + "'");
      };
    }
    if (args.has("--sbom")) {
      w = w.withSbom();
    }
    Compression c = compression(args).orElse(Compression.NONE);
    Optional<String> level = args.value("--compression-level");
    if (level.isPresent()) {
      int l = Shared.integer("--compression-level", level.get());
      final WriteOptions base = w;
      return Shared.value("--compression-level", level.get(), v -> base.withCompression(c, l));
    }
    return w.withCompression(c);
  }

  private static Image base(ParsedArgs args, Optional<Platform> platform, RegistryOptions registry)
      throws IOException, UsageException {
    Optional<String> from = args.value("--from");
    if (from.isEmpty()) {
      return Image.fromScratch();
    }
    String base = from.get();
    if (!Shared.isLocal(base)) {
      Shared.reference("--from", base);
      return Image.from(base, registry);
    }
    Path path = Path.of(base);
    if (platform.isEmpty()) {
      return Image.from(path);
    }
    // Image.from(Path) takes this machine's platform from an index; another one is picked here
    // and rebuilt as a base: its layers byte for byte and its configuration, without its tags.
    Archive archive = Archive.read(path);
    Image picked = Shared.pick(archive, path, platform);
    Image image = Image.fromScratch();
    for (Layer l : picked.layers()) {
      image = image.add(l);
    }
    return image.config(picked.config());
  }

  private static Image configure(Image start, ParsedArgs args, Optional<Platform> platform, ImageCheck[] skipped)
      throws UsageException {
    Image image = start;
    List<CopyOption> copy = new ArrayList<>();
    if (args.has("--follow-links")) {
      copy.add(CopyOption.FOLLOW_LINKS);
    }
    if (args.has("--keep-permissions")) {
      copy.add(CopyOption.KEEP_PERMISSIONS);
    }
    if (args.has("--special-files")) {
      copy.add(CopyOption.INCLUDE_SPECIAL_FILES);
    }
    if (args.has("--replace-invalid-names")) {
      copy.add(CopyOption.REPLACE_INVALID_NAMES);
    }
    CopyOption[] options = copy.toArray(CopyOption[]::new);
    List<String> entrypoint = new ArrayList<>();
    List<String> cmd = new ArrayList<>();
    boolean cmdGiven = false;
    List<String> zones = new ArrayList<>();
    // Files go into the new layer in the order given; the configuration is set after them.
    for (ParsedArgs.Value v : args.values()) {
      String value = v.value();
      switch (v.option()) {
        case "--add" -> image = add(image, value, options);
        case "--add-with-libraries" -> image = image.addWithLibraries(Path.of(value));
        case "--remove" -> image = image.remove(value);
        case "--ca-certificates" -> image = image.caCertificates();
        case "--ca-certificates-file" -> image = image.caCertificates(Path.of(value));
        case "--time-zones" -> image = image.timeZones();
        case "--time-zone" -> zones.add(value);
        case "--tmp" -> image = image.tmpDirectory();
        case "--non-root" -> image = image.nonRootUser();
        case "--non-root-user" -> {
          int colon = value.lastIndexOf(':');
          if (colon <= 0) {
            throw new UsageException("--non-root-user takes NAME:UID, not '" + value + "'");
          }
          int uid = Shared.integer("--non-root-user", value.substring(colon + 1));
          final Image before = image;
          image = Shared.value("--non-root-user", value, x -> before.nonRootUser(value.substring(0, colon), uid));
        }
        case "--entrypoint" -> entrypoint.add(value);
        case "--cmd" -> {
          cmd.add(value);
          cmdGiven = true;
        }
        default -> { }
      }
    }
    if (!zones.isEmpty()) {
      final Image before = image;
      image = Shared.value("--time-zone", String.join(",", zones), x -> before.timeZones(zones.toArray(String[]::new)));
    }
    if (!entrypoint.isEmpty()) {
      boolean inheritedCmd = !image.config().cmd().isEmpty();
      image = image.entrypoint(entrypoint.toArray(String[]::new));
      if (inheritedCmd && !cmdGiven) {
        // As in a Dockerfile, a new entrypoint drops the base's command (a base picked from an
        // index by --platform is rebuilt, so the library cannot tell that the command is inherited).
        image = image.cmd();
      }
    }
    if (cmdGiven) {
      image = image.cmd(cmd.toArray(String[]::new));
    }
    ImageConfig.Builder config = image.config().toBuilder();
    for (ParsedArgs.Value v : args.values()) {
      String value = v.value();
      switch (v.option()) {
        case "--env" -> {
          String[] kv = Shared.pair("--env", value);
          Shared.value("--env", value, x -> config.env(kv[0], kv[1]));
        }
        case "--label" -> {
          String[] kv = Shared.pair("--label", value);
          Shared.value("--label", value, x -> config.label(kv[0], kv[1]));
        }
        case "--user" -> Shared.value("--user", value, config::user);
        case "--workdir" -> Shared.value("--workdir", value, config::workingDir);
        case "--expose" -> Shared.value("--expose", value, config::exposedPort);
        case "--volume" -> Shared.value("--volume", value, config::volume);
        case "--stop-signal" -> Shared.value("--stop-signal", value, config::stopSignal);
        default -> { }
      }
    }
    image = image.config(config.build());
    // A base's linux/arm64/v8 stays when linux/arm64 was asked for: it is that platform, said more exactly.
    if (platform.isPresent()
        && image.config().platform().filter(p -> Shared.matches(p, platform.get())).isEmpty()) {
      image = image.platform(platform.get());
    }
    for (String tag : args.all("--tag")) {
      final Image before = image;
      image = Shared.value("--tag", tag, before::tag);
    }
    if (args.has("--no-dependency-check")) {
      image = image.withoutDependencyCheck();
    }
    return skipped.length == 0 ? image : image.without(skipped);
  }

  private static Image add(Image image, String spec, CopyOption[] options) {
    // SRC:DEST splits at the last colon followed by an absolute path, so that a colon in a file
    // name needs no escape unless it is followed by a slash.
    int colon = spec.lastIndexOf(":/");
    if (colon > 0) {
      return image.add(Path.of(spec.substring(0, colon)), spec.substring(colon + 1), options);
    }
    Path source = Path.of(spec);
    return options.length == 0 ? image.add(source)
        : image.add(source, "/" + source.toAbsolutePath().normalize().getFileName(), options);
  }
}
