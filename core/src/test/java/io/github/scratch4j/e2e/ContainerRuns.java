package io.github.scratch4j.e2e;

import io.github.scratch4j.Image;
import io.github.scratch4j.testing.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether each container engine can start a container on this machine, found out once per JVM by
 * running a probe image: a static binary compiled here, written into an image by scratch4j.
 *
 * <p>A test calls {@link #assumeCanRun} right before its run step, after its load step and the
 * checks that need no running container. The rule, in CI ({@code CI=true}) and elsewhere alike:
 *
 * <ul>
 *   <li>a missing engine fails the test in CI and skips it elsewhere ({@link Tools#unavailable});
 *   <li>an engine that loads the probe image but cannot run it (podman under crun on a cgroup v1
 *       host says {@code crun: cgroups in hybrid mode not supported}) skips the rest of the test,
 *       with the engine's own error as the reason. In CI only if another engine ran the same probe
 *       image: an image that no engine runs is scratch4j's fault, not the machine's, and fails;
 *   <li>a probe that ran makes a skip impossible: the test's own run step must then succeed;
 *   <li>a probe image that does not even load fails the test: loading is what is under test.
 * </ul>
 */
public final class ContainerRuns {
  /** What the probe binary prints. */
  static final String PROBE_OUTPUT = "scratch4j probe ran";

  private static final String PROBE_C =
      "#include <stdio.h>\nint main(void) { puts(\"" + PROBE_OUTPUT + "\"); return 0; }\n";
  private static final Duration LOAD = Duration.ofMinutes(2);
  private static final Duration RUN = Duration.ofMinutes(1);

  /** A container engine and how the tests start a container with it. */
  public enum Engine {
    DOCKER("docker"),
    PODMAN("podman"),
    RUNC("runc");

    private final String tool;

    Engine(String tool) {
      this.tool = tool;
    }

    /** The command's name. */
    public String tool() {
      return tool;
    }

    /**
     * The arguments that run {@code image} once, with {@code options}, and remove the container:
     * {@code docker run --rm}, and for podman explicit limits, since podman's defaults exceed the
     * hard limits of the sandboxes CI runs in. Not for runc, which runs bundles ({@link RunBundles}).
     */
    public List<String> runArguments(List<String> options, String image, String... command) {
      List<String> argv = new ArrayList<>(List.of("run", "--rm"));
      switch (this) {
        case DOCKER -> { }
        case PODMAN -> argv.addAll(List.of("--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"));
        case RUNC -> throw new IllegalArgumentException("runc runs bundles, not images");
      }
      argv.addAll(options);
      argv.add(image);
      argv.addAll(List.of(command));
      return argv;
    }
  }

  /** How a probe ended. */
  enum Outcome {
    /** The probe container ran and printed what it should. */
    RAN,
    /** The engine is not installed, or (docker) its daemon does not answer. */
    MISSING,
    /** The probe image did not load (or unpack, for runc). */
    LOAD_FAILED,
    /** The probe image loaded, and the engine could not run it. */
    CANNOT_RUN
  }

  /** A probe's outcome, with what the engine said. */
  record Verdict(Engine engine, Outcome outcome, String reason) {}

  /** The probe image: an archive holding one tagged image whose entrypoint prints {@link #PROBE_OUTPUT}. */
  record ProbeImage(Path archive, String tag) {}

  private static final ContainerRuns THIS_MACHINE = new ContainerRuns(Tools.ci(), ContainerRuns::installed,
      ContainerRuns::buildProbeImage);

  private final boolean ci;
  private final Map<Engine, Path> executables = new EnumMap<>(Engine.class);
  private final Supplier<ProbeImage> probeImageMaker;
  private final Map<Engine, Verdict> verdicts = new EnumMap<>(Engine.class);
  private final java.util.Set<Engine> announced = java.util.EnumSet.noneOf(Engine.class);
  private ProbeImage probeImage;

  /**
   * Probes with the given executables (an engine mapped to null is missing) and probe image;
   * {@code ci} says whether a missing engine or an image no engine runs fails or skips.
   */
  ContainerRuns(boolean ci, java.util.function.Function<Engine, Path> executables, Supplier<ProbeImage> probeImage) {
    this.ci = ci;
    for (Engine e : Engine.values()) {
      this.executables.put(e, executables.apply(e));
    }
    this.probeImageMaker = probeImage;
  }

  /**
   * Returns when {@code engine} can start containers here; otherwise skips the rest of the test
   * with the engine's own error, or fails it, as the class comment says.
   */
  public static void assumeCanRun(Engine engine) {
    THIS_MACHINE.assume(engine);
  }

  synchronized void assume(Engine engine) {
    Verdict v = verdict(engine);
    switch (v.outcome()) {
      case RAN -> { }
      case MISSING -> Tools.unavailable(ci, v.reason());
      case LOAD_FAILED -> Assertions.fail(v.reason());
      case CANNOT_RUN -> {
        List<Engine> witnesses = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (Engine other : Engine.values()) {
          if (other != engine) {
            Verdict w = verdict(other);
            if (w.outcome() == Outcome.RAN) {
              witnesses.add(other);
            } else {
              others.add(other.tool() + ": " + w.reason());
            }
          }
        }
        if (witnesses.isEmpty() && ci) {
          Assertions.fail("CI=true and no container engine ran the probe image, so the image is more likely at fault"
              + " than the machine:\n" + v.reason() + "\n" + String.join("\n", others));
        }
        String reason = v.reason() + (witnesses.isEmpty() ? ""
            : "\n(" + witnesses.stream().map(Engine::tool).toList() + " ran the same probe image.)");
        if (announced.add(engine)) {
          // Surefire and Failsafe print skips as counts only; this puts the reason in the build log once.
          System.err.println("[ContainerRuns] every " + engine.tool() + " run step is skipped in this JVM: " + reason);
        }
        Assumptions.abort(reason);
      }
    }
  }

  /** The engine's verdict, probing it the first time. */
  synchronized Verdict verdict(Engine engine) {
    Verdict v = verdicts.get(engine);
    if (v == null) {
      v = probe(engine);
      verdicts.put(engine, v);
    }
    return v;
  }

  private Verdict probe(Engine engine) {
    Path exe = executables.get(engine);
    if (exe == null) {
      return new Verdict(engine, Outcome.MISSING, engine.tool() + " is not installed (see .ci/run for the packages)");
    }
    if (engine == Engine.DOCKER) {
      Commands.Result info = Commands.run(Duration.ofSeconds(30), exe.toString(), "info", "--format",
          "{{.ServerVersion}}");
      if (info.exitCode() != 0) {
        return new Verdict(engine, Outcome.MISSING, "the Docker engine does not answer: " + info.stderr().strip());
      }
    }
    if (probeImage == null) {
      probeImage = probeImageMaker.get();
    }
    return engine == Engine.RUNC ? probeRunc(exe) : probeImageEngine(engine, exe);
  }

  private Verdict probeImageEngine(Engine engine, Path exe) {
    Commands.Result load = Commands.run(LOAD, exe.toString(), "load", "-i", probeImage.archive().toString());
    if (load.exitCode() != 0) {
      return new Verdict(engine, Outcome.LOAD_FAILED, describe(engine, "the probe image did not load", load));
    }
    try {
      List<String> argv = new ArrayList<>(List.of(exe.toString()));
      argv.addAll(engine.runArguments(List.of(), probeImage.tag()));
      return ran(engine, Commands.run(RUN, argv.toArray(String[]::new)));
    } finally {
      Commands.run(Duration.ofSeconds(30), exe.toString(), "rmi", "-f", probeImage.tag());
    }
  }

  private Verdict probeRunc(Path runc) {
    if (Tools.find("umoci") == null || Tools.find("tar") == null) {
      return new Verdict(Engine.RUNC, Outcome.MISSING, "umoci or tar is not installed; runc runs what umoci unpacks");
    }
    Path dir = probeImage.archive().resolveSibling("runc-" + UUID.randomUUID());
    try {
      Path layout = Files.createDirectories(dir.resolve("layout"));
      Commands.Result untar = Commands.run(LOAD, "tar", "-C", layout.toString(), "-xf",
          probeImage.archive().toString());
      String ref = io.github.scratch4j.ImageReference.parse(probeImage.tag()).fullName();
      Commands.Result unpack = untar.exitCode() != 0 ? untar : Commands.run(Duration.ofMinutes(5), "umoci", "unpack",
          "--image", layout + ":" + ref, dir.resolve("bundle").toString());
      if (unpack.exitCode() != 0) {
        return new Verdict(Engine.RUNC, Outcome.LOAD_FAILED, describe(Engine.RUNC, "the probe image did not unpack",
            unpack));
      }
      return ran(Engine.RUNC, RunBundles.start(runc, dir.resolve("bundle")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the probe image for runc in " + dir, e);
    } finally {
      deleteTree(dir);
    }
  }

  private static Verdict ran(Engine engine, Commands.Result run) {
    if (run.exitCode() == 0 && run.stdout().equals(PROBE_OUTPUT + "\n")) {
      return new Verdict(engine, Outcome.RAN, "");
    }
    String loaded = engine == Engine.RUNC ? "umoci unpacked the probe image" : "the probe image loaded";
    return new Verdict(engine, Outcome.CANNOT_RUN,
        describe(engine, engine.tool() + " cannot start a container on this machine: " + loaded, run));
  }

  private static String describe(Engine engine, String what, Commands.Result r) {
    return what + ", and `" + String.join(" ", r.command()) + "` exited with " + r.exitCode()
        + (r.stdout().isBlank() ? "" : "\nstdout: " + r.stdout().strip())
        + "\nstderr: " + r.stderr().strip();
  }

  /** The installed engine's path, or null. */
  private static Path installed(Engine engine) {
    return Tools.find(engine.tool());
  }

  /** Compiles the probe binary and writes its image, in a directory removed when the JVM exits. */
  private static ProbeImage buildProbeImage() {
    try {
      Path dir = Files.createTempDirectory("scratch4j-probe");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      Path binary = Commands.compileC(dir, "gcc", "probe", PROBE_C, "-static");
      String tag = "scratch4j-it/probe-" + UUID.randomUUID().toString().substring(0, 8) + ":latest";
      Path archive = dir.resolve("probe.tar");
      Image.fromScratch().add(binary).add(Nonce.entry()).entrypoint("/probe").tag(tag).writeTo(archive);
      return new ProbeImage(archive, tag);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build the probe image", e);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is not worth failing a test for.
    }
  }
}
