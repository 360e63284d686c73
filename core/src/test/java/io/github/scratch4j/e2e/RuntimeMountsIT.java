package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageCheck;
import io.github.scratch4j.ImageCheckException;
import io.github.scratch4j.Source;
import io.github.scratch4j.e2e.ContainerRuns.Engine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the README's table says of a scratch image at {@code docker run}: the runtime adds
 * {@code /proc}, {@code /sys}, {@code /dev} and the three {@code /etc} files, and mounts its own
 * over whatever the image has there, which is why {@link ImageCheck#RUNTIME_PATHS} refuses them.
 */
class RuntimeMountsIT {
  private static final List<String> PATHS = List.of(
      "/etc/hosts", "/etc/resolv.conf", "/etc/hostname", "/dev/scratch4j", "/proc/scratch4j", "/sys/scratch4j");

  @TempDir Path dir;

  @Test
  void filesTheImageHasWhereTheRuntimeMountsAreNeverSeen() throws IOException {
    Commands.requireDocker();
    Commands.require("busybox");
    Path busybox = Path.of(Commands.run(Duration.ofSeconds(10), "sh", "-c", "command -v busybox").assertSuccess()
        .stdout().strip());
    String marker = "scratch4j-" + UUID.randomUUID();
    Image image = Image.fromScratch().add(busybox, "/bin/busybox").add(Nonce.entry())
        .entrypoint("/bin/busybox", "sh", "-c",
            "for f in " + String.join(" ", PATHS) + "; do /bin/busybox cat $f 2>/dev/null; done;"
                + " /bin/busybox ls / /dev /etc")
        .tag("scratch4j-it/runtime-mounts-" + marker.substring(10, 18) + ":latest");
    for (String p : PATHS) {
      image = image.add(Entry.file(p, Source.of((marker + " " + p + "\n").getBytes(StandardCharsets.UTF_8))));
    }
    Image withMounted = image;
    Path refused = dir.resolve("refused.tar");
    assertThatThrownBy(() -> withMounted.writeTo(refused)).isInstanceOf(ImageCheckException.class)
        .satisfies(e -> assertThat(((ImageCheckException) e).problems()).extracting(ImageCheckException.Problem::path)
            .containsExactlyInAnyOrderElementsOf(PATHS));
    assertThat(refused).doesNotExist();

    Path archive = dir.resolve("mounted.tar");
    String tag = withMounted.tags().get(0).toString();
    withMounted.without(ImageCheck.RUNTIME_PATHS).writeTo(archive);
    assertThat(Files.size(archive)).isPositive();
    Commands.run(Duration.ofMinutes(2), "docker", "load", "-i", archive.toString()).assertSuccess();
    try {
      String out = Commands.runContainer(Engine.DOCKER, tag).assertSuccess().stdout();
      // Not one of the image's own files is seen: the runtime's are there instead.
      assertThat(out).doesNotContain(marker);
      // What the runtime adds to an image that has only /bin and the nonce file.
      assertThat(out).contains("proc", "sys", "dev", "etc", "null", "zero", "urandom", "hosts", "hostname",
          "resolv.conf");
    } finally {
      Commands.run(Duration.ofMinutes(1), "docker", "rmi", "-f", tag);
    }
  }
}
