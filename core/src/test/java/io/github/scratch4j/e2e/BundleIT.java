package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.scratch4j.Image;
import io.github.scratch4j.RuntimeConfig;
import io.github.scratch4j.testing.Tools;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bundles written by {@link Image#writeBundle} run under {@code runc} and {@code crun} with the
 * isolation and limits their {@link RuntimeConfig} asks for, seed 003's steps without Docker: a
 * static probe compiled here prints hello, allocates memory, spins, forks, reads its host name,
 * writes to its root and says who it is.
 */
class BundleIT {
  /** The probe: {@code probe WHAT [ARG]}. */
  private static final String PROBE_C = """
      #include <errno.h>
      #include <fcntl.h>
      #include <stdio.h>
      #include <stdlib.h>
      #include <string.h>
      #include <sys/resource.h>
      #include <sys/wait.h>
      #include <time.h>
      #include <unistd.h>
      static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
      int main(int argc, char **argv) {
        const char *what = argc > 1 ? argv[1] : "hello";
        if (!strcmp(what, "hello")) { puts("hello world"); return 0; }
        if (!strcmp(what, "hog")) {
          long mib = atol(argv[2]);
          for (long i = 0; i < mib; i++) { char *p = malloc(1 << 20); if (!p) { puts("malloc failed"); return 2; } memset(p, 1, 1 << 20); }
          printf("allocated %ld MiB\\n", mib); return 0;
        }
        if (!strcmp(what, "spin")) {
          double start = now(), seconds = atof(argv[2]);
          while (now() - start < seconds) { for (volatile int i = 0; i < 100000; i++) {} }
          struct rusage r; getrusage(RUSAGE_SELF, &r);
          printf("cpu %.3f wall %.3f\\n", r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 + r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6, now() - start);
          return 0;
        }
        if (!strcmp(what, "fork")) {
          int n = 0;
          for (int i = 0; i < atoi(argv[2]); i++) { pid_t p = fork(); if (p < 0) break; if (p == 0) { sleep(2); _exit(0); } n++; }
          printf("forked %d\\n", n); while (wait(NULL) > 0) {} return 0;
        }
        if (!strcmp(what, "hostname")) { char h[128] = {0}; gethostname(h, sizeof h - 1); printf("hostname %s\\n", h); return 0; }
        if (!strcmp(what, "write")) {
          int fd = open(argv[2], O_CREAT | O_WRONLY, 0644);
          if (fd < 0) { printf("write failed: %s\\n", strerror(errno)); return 0; }
          puts("written"); return 0;
        }
        if (!strcmp(what, "id")) { printf("uid %d gid %d\\n", (int) getuid(), (int) getgid()); return 0; }
        return 3;
      }
      """;

  private static Path probe;
  @TempDir Path dir;

  @BeforeAll
  static void compile(@TempDir Path build) throws IOException {
    probe = Commands.compileC(build, "gcc", "probe", PROBE_C, "-static", "-O1");
  }

  private static Image image() {
    return Image.fromScratch().add(probe, "/probe").entrypoint("/probe").cmd("hello");
  }

  /** Writes the bundle and runs it with {@code runtime}; skips when that runtime cannot run containers here. */
  private Commands.Result run(String runtime, Image image, RuntimeConfig config) throws IOException {
    Path bundle = dir.resolve("bundle-" + UUID.randomUUID());
    image.writeBundle(bundle, config);
    return start(runtime, bundle);
  }

  private static Commands.Result start(String runtime, Path bundle) {
    String id = "scratch4j-" + UUID.randomUUID();
    try {
      return Commands.run(Duration.ofMinutes(1), Tools.find(runtime).toString(), "run", "--bundle", bundle.toString(),
          id);
    } finally {
      Commands.run(Duration.ofSeconds(30), Tools.find(runtime).toString(), "delete", "--force", id);
    }
  }

  /**
   * Runs the hello bundle first: a runtime that cannot start it while runc can is skipped with its
   * own error as the reason (crun on a cgroup v1 host); runc failing is a failure.
   */
  private void assumeRuns(String runtime) throws IOException {
    Commands.require(runtime);
    Commands.Result hello = run(runtime, image(), RuntimeConfig.defaults());
    if (hello.exitCode() != 0 && !runtime.equals("runc")) {
      Commands.Result runc = run("runc", image(), RuntimeConfig.defaults());
      runc.assertSuccess();
      Assumptions.abort(runtime + " cannot run a bundle here that runc runs: " + hello.stderr().strip());
    }
    hello.assertSuccess();
    assertThat(hello.stdout()).isEqualTo("hello world\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void helloRunsWithItsHostNameAndANonRootUser(String runtime) throws IOException {
    assumeRuns(runtime);
    assertThat(run(runtime, image(), RuntimeConfig.builder().hostname("probe-host").args("/probe", "hostname").build())
        .assertSuccess().stdout()).isEqualTo("hostname probe-host\n");
    assertThat(run(runtime, image().nonRootUser(), RuntimeConfig.builder().args("/probe", "id").build())
        .assertSuccess().stdout()).isEqualTo("uid 65532 gid 65532\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void aReadOnlyRootRefusesWrites(String runtime) throws IOException {
    assumeRuns(runtime);
    RuntimeConfig write = RuntimeConfig.builder().args("/probe", "write", "/new-file").build();
    assertThat(run(runtime, image(), write).assertSuccess().stdout()).isEqualTo("written\n");
    assertThat(run(runtime, image(), write.toBuilder().readOnlyRoot(true).build()).assertSuccess().stdout())
        .isEqualTo("write failed: Read-only file system\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void aMemoryLimitKillsAHogThatFitsUnderALargerOne(String runtime) throws IOException {
    assumeRuns(runtime);
    RuntimeConfig hog = RuntimeConfig.builder().args("/probe", "hog", "200").build();
    Commands.Result small = run(runtime, image(), hog.toBuilder().memoryLimit(80L << 20).build());
    assertThat(small.exitCode()).as(small.stderr()).isEqualTo(137);
    assertThat(small.stdout()).doesNotContain("allocated");
    assertThat(run(runtime, image(), hog.toBuilder().memoryLimit(512L << 20).build()).assertSuccess().stdout())
        .isEqualTo("allocated 200 MiB\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void aCpuLimitOfFivePercentHoldsABusyLoopToIt(String runtime) throws IOException {
    assumeRuns(runtime);
    RuntimeConfig spin = RuntimeConfig.builder().args("/probe", "spin", "2").build();
    double[] limited = cpuAndWall(run(runtime, image(), spin.toBuilder().cpus(0.05).build()).assertSuccess().stdout());
    // Seed 003's 5 %: quota 5,000 µs per 100,000 µs period. A wide margin: the limit is the point.
    assertThat(limited[0] / limited[1]).as("CPU share under a 5 %% limit: %s", List.of(limited[0], limited[1]))
        .isLessThanOrEqualTo(0.10);
    double[] free = cpuAndWall(run(runtime, image(), spin).assertSuccess().stdout());
    assertThat(free[0] / free[1]).as("CPU share without a limit").isGreaterThan(0.25);
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void aPidsLimitStopsAForkLoop(String runtime) throws IOException {
    assumeRuns(runtime);
    RuntimeConfig fork = RuntimeConfig.builder().args("/probe", "fork", "100").build();
    String limited = run(runtime, image(), fork.toBuilder().pidsLimit(16).build()).assertSuccess().stdout();
    assertThat(forked(limited)).as(limited).isLessThan(16);
    assertThat(run(runtime, image(), fork).assertSuccess().stdout()).isEqualTo("forked 100\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void aUserNamespaceRunsRootInsideAsTheUserOutside(String runtime) throws IOException {
    assumeRuns(runtime);
    RuntimeConfig userns = RuntimeConfig.builder().args("/probe", "id")
        .namespaces(RuntimeConfig.Namespace.USER, RuntimeConfig.Namespace.PID, RuntimeConfig.Namespace.MOUNT,
            RuntimeConfig.Namespace.IPC, RuntimeConfig.Namespace.UTS, RuntimeConfig.Namespace.NETWORK)
        .build();
    Commands.Result r = run(runtime, image(), userns);
    if (r.exitCode() != 0 && r.stderr().contains("user namespace")) {
      Assumptions.abort(runtime + " cannot make a user namespace here: " + r.stderr().strip());
    }
    assertThat(r.assertSuccess().stdout()).isEqualTo("uid 0 gid 0\n");
  }

  private static double[] cpuAndWall(String out) {
    Matcher m = Pattern.compile("cpu ([0-9.]+) wall ([0-9.]+)").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
  }

  private static int forked(String out) {
    Matcher m = Pattern.compile("forked (\\d+)").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
