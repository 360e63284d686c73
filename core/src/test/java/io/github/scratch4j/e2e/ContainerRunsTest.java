package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.e2e.ContainerRuns.Engine;
import io.github.scratch4j.e2e.ContainerRuns.Outcome;
import io.github.scratch4j.e2e.ContainerRuns.ProbeImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * The probe behind {@link ContainerRuns}, against stand-in engines: shell scripts that load fine
 * and then run the probe, or fail to run it as podman under crun does on a cgroup v1 host.
 */
class ContainerRunsTest {
  private static final String CRUN = "Error: OCI runtime error: crun: cgroups in hybrid mode not supported,"
      + " drop all controllers from cgroupv2";
  private static final String RUNS = "echo '" + ContainerRuns.PROBE_OUTPUT + "'; exit 0";
  private static final String CANNOT_RUN = "echo '" + CRUN + "' >&2; exit 126";

  @TempDir Path dir;
  private ProbeImage probe;
  private final Map<Engine, Path> engines = new EnumMap<>(Engine.class);

  @BeforeEach
  void probeImage() throws IOException {
    // The stand-ins never read it; the real probe image is a compiled binary (ContainerRuns).
    probe = new ProbeImage(Files.writeString(dir.resolve("probe.tar"), "an archive"), "scratch4j-it/probe-x:latest");
  }

  /** A stand-in engine: `load` succeeds (or fails), `run` does what {@code run} says; every call is logged. */
  private Path engine(Engine engine, String run, boolean loads) throws IOException {
    Path script = dir.resolve(engine.tool());
    Files.writeString(script, "#!/bin/sh\n"
        + "echo \"$*\" >> '" + log(engine) + "'\n"
        + "case \"$1\" in\n"
        + "  info) echo 20.10.24;;\n"
        + "  load) " + (loads ? "echo 'Loaded image: " + probe.tag() + "'" : "echo 'Error: payload does not match' >&2; exit 125")
        + ";;\n"
        + "  run) " + run + ";;\n"
        + "  rmi) ;;\n"
        + "  *) exit 2;;\n"
        + "esac\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    engines.put(engine, script);
    return script;
  }

  private Path log(Engine engine) {
    return dir.resolve(engine.tool() + ".log");
  }

  private List<String> calls(Engine engine) throws IOException {
    return Files.exists(log(engine)) ? Files.readAllLines(log(engine)) : List.of();
  }

  private ContainerRuns runs(boolean ci) {
    return new ContainerRuns(ci, engines::get, () -> probe);
  }

  @Test
  void anEngineThatLoadsButCannotRunSkipsWithItsOwnError() throws IOException {
    engine(Engine.PODMAN, CANNOT_RUN, true);
    ContainerRuns runs = runs(false);

    assertThat(runs.verdict(Engine.PODMAN).outcome()).isEqualTo(Outcome.CANNOT_RUN);
    assertThatThrownBy(() -> runs.assume(Engine.PODMAN))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("podman cannot start a container on this machine: the probe image loaded")
        .hasMessageContaining("run --rm --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 " + probe.tag())
        .hasMessageContaining("exited with 126")
        .hasMessageContaining(CRUN);
    // The probe really tried to run the loaded image, with the tests' flags, and removed it after.
    assertThat(calls(Engine.PODMAN)).containsExactly(
        "load -i " + probe.archive(),
        "run --rm --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 " + probe.tag(),
        "rmi -f " + probe.tag());
  }

  @Test
  void inCiTheSkipNeedsAnotherEngineThatRanTheSameProbeImage() throws IOException {
    engine(Engine.PODMAN, CANNOT_RUN, true);
    engine(Engine.DOCKER, RUNS, true);

    assertThatThrownBy(() -> runs(true).assume(Engine.PODMAN))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining(CRUN)
        .hasMessageContaining("[docker] ran the same probe image");
    assertThat(calls(Engine.DOCKER)).contains("run --rm " + probe.tag());
  }

  @Test
  void inCiAProbeImageThatNoEngineRunsFailsInsteadOfSkipping() throws IOException {
    engine(Engine.PODMAN, CANNOT_RUN, true);
    engine(Engine.DOCKER, "echo 'exec /probe: no such file or directory' >&2; exit 1", true);

    assertThatThrownBy(() -> runs(true).assume(Engine.PODMAN))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("no container engine ran the probe image")
        .hasMessageContaining(CRUN)
        .hasMessageContaining("exec /probe: no such file or directory")
        .hasMessageContaining("runc: runc is not installed");
  }

  @Test
  void anEngineThatRanTheProbeNeverSkips() throws IOException {
    engine(Engine.PODMAN, RUNS, true);

    for (boolean ci : new boolean[] {true, false}) {
      ContainerRuns runs = runs(ci);
      assertThat(runs.verdict(Engine.PODMAN).outcome()).isEqualTo(Outcome.RAN);
      assertThatCode(() -> runs.assume(Engine.PODMAN)).doesNotThrowAnyException();
    }
  }

  @Test
  void aProbeThatExitsZeroWithoutItsOutputDidNotRun() throws IOException {
    engine(Engine.PODMAN, "exit 0", true);

    assertThat(runs(false).verdict(Engine.PODMAN).outcome()).isEqualTo(Outcome.CANNOT_RUN);
  }

  @Test
  void aMissingEngineFailsInCiAndSkipsElsewhere() {
    assertThatThrownBy(() -> runs(true).assume(Engine.PODMAN))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessage("CI=true and podman is not installed (see .ci/run for the packages)");
    assertThatThrownBy(() -> runs(false).assume(Engine.PODMAN))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("podman is not installed");
  }

  @Test
  void aDockerWhoseDaemonDoesNotAnswerIsMissingNotUnableToRun() throws IOException {
    Path docker = engine(Engine.DOCKER, RUNS, true);
    Files.writeString(docker, "#!/bin/sh\necho 'Cannot connect to the Docker daemon' >&2; exit 1\n");

    assertThat(runs(false).verdict(Engine.DOCKER).outcome()).isEqualTo(Outcome.MISSING);
    assertThatThrownBy(() -> runs(true).assume(Engine.DOCKER))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("the Docker engine does not answer: Cannot connect to the Docker daemon");
  }

  @Test
  void aProbeImageThatDoesNotLoadFailsEvenOutsideCi() throws IOException {
    engine(Engine.PODMAN, RUNS, false);

    assertThatThrownBy(() -> runs(false).assume(Engine.PODMAN))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("the probe image did not load")
        .hasMessageContaining("payload does not match");
    assertThat(calls(Engine.PODMAN)).noneMatch(c -> c.startsWith("run"));
  }

  @Test
  void eachEngineIsProbedOncePerInstance() throws IOException {
    engine(Engine.PODMAN, CANNOT_RUN, true);
    engine(Engine.DOCKER, RUNS, true);
    ContainerRuns runs = runs(false);

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> runs.assume(Engine.PODMAN)).isInstanceOf(TestAbortedException.class);
      runs.assume(Engine.DOCKER);
    }
    assertThat(calls(Engine.PODMAN)).filteredOn(c -> c.startsWith("run")).hasSize(1);
    assertThat(calls(Engine.DOCKER)).filteredOn(c -> c.startsWith("run")).hasSize(1);
  }

  @Test
  void runArgumentsAreWhatTheTestsAndTheProbeUse() {
    assertThat(Engine.PODMAN.runArguments(List.of("--entrypoint", "/bin/sh"), "img", "-c", "ls"))
        .containsExactly("run", "--rm", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
            "--entrypoint", "/bin/sh", "img", "-c", "ls");
    assertThat(Engine.DOCKER.runArguments(List.of(), "img")).containsExactly("run", "--rm", "img");
  }
}
