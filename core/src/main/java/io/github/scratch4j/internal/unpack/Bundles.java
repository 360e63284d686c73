package io.github.scratch4j.internal.unpack;

import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.Layer;
import io.github.scratch4j.RuntimeConfig;
import io.github.scratch4j.UnpackOption;
import io.github.scratch4j.internal.json.RuntimeSpecJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Writes an OCI runtime bundle (runtime-spec, bundle.md): the image's root file system in
 * {@code rootfs/} and {@code config.json} beside it, made in a temporary sibling and renamed into
 * place once whole.
 */
public final class Bundles {
  /** The search path Docker gives a process whose image sets none. */
  static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private Bundles() {}

  /**
   * Writes the bundle of an image.
   *
   * @param files the text of a file of the image's file system by absolute path, if it has one
   * @throws IllegalStateException if there is nothing to run, or the user cannot be found or
   *     cannot exist in a user namespace
   */
  public static void write(List<Layer> layers, ImageConfig image, Function<String, Optional<String>> files,
      Path target, RuntimeConfig config, Set<UnpackOption> options) throws IOException {
    RuntimeSpecJson.Process process = process(image, files, config);
    long[] host = hostIds();
    byte[] json = RuntimeSpecJson.write(process, config, host[0], host[1]);
    Unpacker.make(target, options, bundle -> {
      Path rootfs = Files.createDirectory(bundle.resolve("rootfs"));
      Unpacker.fill(layers, rootfs, options.contains(UnpackOption.OWNERS));
      Files.write(bundle.resolve("config.json"), json);
    });
  }

  /** The process: the image's or the configuration's arguments, environment, directory and user. */
  static RuntimeSpecJson.Process process(ImageConfig image, Function<String, Optional<String>> files,
      RuntimeConfig config) {
    List<String> args = new ArrayList<>(config.args());
    if (args.isEmpty()) {
      args.addAll(image.entrypoint());
      args.addAll(image.cmd());
    }
    if (args.isEmpty()) {
      throw new IllegalStateException("the image has no entrypoint or command and the runtime configuration gives"
          + " no args: the bundle would run nothing");
    }
    List<String> env = new ArrayList<>(image.env());
    if (env.stream().noneMatch(e -> e.startsWith("PATH="))) {
      env.add(0, DEFAULT_PATH);
    }
    String cwd = image.workingDir().orElse("/");
    String user = config.user().or(image::user).orElse("");
    Users.Ids ids = Users.resolve(user, files);
    if (config.namespaces().contains(RuntimeConfig.Namespace.USER) && (ids.uid() != 0 || ids.gid() != 0)) {
      throw new IllegalStateException("user '" + user + "' is " + ids.uid() + ":" + ids.gid() + ", but a user namespace"
          + " maps only root (0:0) to the user who starts the runtime; run as root in the container, or without"
          + " Namespace.USER");
    }
    return new RuntimeSpecJson.Process(args, env, cwd, ids.uid(), ids.gid(), ids.groups());
  }

  /** This process's user and group: {@code /proc/self} belongs to them. */
  private static long[] hostIds() throws IOException {
    Path self = Path.of("/proc/self");
    return new long[] {((Integer) Files.getAttribute(self, "unix:uid")).longValue(),
        ((Integer) Files.getAttribute(self, "unix:gid")).longValue()};
  }
}
