package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.Source;
import io.github.scratch4j.e2e.ContainerRuns.Engine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker (and runc, as umoci unpacks the image) runs an image's process as the user
 * {@link Image#nonRootUser()} adds, finds its name in the files it wrote, and on a base with accounts of its own still finds every one of the base's
 * users; {@link Image#tmpDirectory()}'s {@code /tmp} is sticky and writable by that user.
 */
class NonRootUserIT {
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final String NONROOT_LINE = "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n";

  @TempDir Path dir;

  private static String newTag(String name) {
    return "scratch4j-it/" + name + "-" + UUID.randomUUID().toString().substring(0, 8) + ":latest";
  }

  private static Path busybox() {
    Commands.require("busybox");
    return Path.of(Commands.run(Duration.ofSeconds(10), "sh", "-c", "command -v busybox").assertSuccess()
        .stdout().strip());
  }

  private static Source text(String s) {
    return Source.of(s.getBytes(StandardCharsets.UTF_8));
  }

  private static void load(Path archive) {
    Commands.run(Duration.ofMinutes(2), "docker", "load", "-i", archive.toString()).assertSuccess();
  }

  private static String configUser(String tag) {
    return Commands.run(MINUTE, "docker", "image", "inspect", "--format", "{{.Config.User}}", tag).assertSuccess()
        .stdout().strip();
  }

  @Test
  void aScratchImageRunsAsNonrootAndRootIsStillThere() throws IOException {
    Commands.requireDocker();
    String tag = newTag("nonroot-scratch");
    Path archive = dir.resolve("scratch.tar");
    Image.fromScratch()
        .add(busybox(), "/bin/busybox")
        .nonRootUser()
        .tmpDirectory()
        .add(Nonce.entry())
        .entrypoint("/bin/busybox", "id")
        .tag(tag)
        .writeTo(archive);
    try {
      load(archive);
      assertThat(configUser(tag)).isEqualTo("65532");

      // busybox's id prints as groups= what getgroups(2) returns. Docker (moby's getUser) gives the
      // process its primary gid as a supplementary group too, besides the groups of /etc/group
      // that list the user (runc's rule, Accounts.resolve), and none lists nonroot.
      assertThat(Commands.runContainer(Engine.DOCKER, tag).assertSuccess().stdout())
          .isEqualTo("uid=65532(nonroot) gid=65532(nonroot) groups=65532(nonroot)\n");
      // The root line the new /etc/passwd starts with is what `--user root` is resolved by.
      assertThat(Commands.runContainer(Engine.DOCKER, List.of("--user", "root"), tag).assertSuccess().stdout())
          .isEqualTo("uid=0(root) gid=0(root) groups=0(root)\n");

      String out = Commands.runContainer(Engine.DOCKER, List.of("--entrypoint", "/bin/busybox"), tag, "sh", "-c",
          "cd; /bin/busybox pwd; /bin/busybox stat -c '%a %U %G' /home/nonroot /tmp /etc/passwd /etc/group;"
              + " echo hi > /tmp/x && /bin/busybox stat -c '%U %a' /tmp/x;"
              + " /bin/busybox touch /home/nonroot/y && echo home-writable;"
              + " /bin/busybox touch /etc/z 2>/dev/null || echo etc-not-writable")
          .assertSuccess().stdout();
      assertThat(out).isEqualTo("/home/nonroot\n700 nonroot nonroot\n1777 root root\n644 root root\n644 root root\n"
          + "nonroot 644\nhome-writable\netc-not-writable\n");
    } finally {
      Commands.run(MINUTE, "docker", "rmi", "-f", tag);
    }
  }

  @Test
  void umociResolvesTheUserFromTheWrittenFilesAndRuncRunsAsIt() throws IOException {
    String tag = newTag("nonroot-runc");
    Path archive = dir.resolve("runc.tar");
    Image.fromScratch()
        .add(busybox(), "/bin/busybox")
        .nonRootUser()
        .add(Nonce.entry())
        .entrypoint("/bin/busybox", "id")
        .tag(tag)
        .writeTo(archive);
    Path bundle = RunBundles.unpack(RunBundles.extract(archive, dir.resolve("layout")), tag, dir.resolve("bundle"));
    // umoci looks the configured 65532 up in the unpacked /etc/passwd and writes the ids into the
    // runtime spec; unlike Docker it adds no primary gid to the supplementary groups.
    assertThat(RunBundles.run(bundle).assertSuccess().stdout()).isEqualTo("uid=65532(nonroot) gid=65532(nonroot)\n");
  }

  @Test
  void aBaseWithItsOwnUsersKeepsThemAndRunsAsNonroot() throws IOException {
    Commands.requireDocker();
    String user = "u" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    String basePasswd = "root:x:0:0:root:/root:/bin/sh\n"
        + "daemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
        + user + ":x:4321:4321:Test user:/home/" + user + ":/bin/sh\n";
    String baseGroup = "root:x:0:\ndaemon:x:1:\n" + user + ":x:4321:\nstaff:x:50:" + user + "\n";
    Path baseArchive = dir.resolve("base.tar");
    // A busybox root file system, as another tool would have written it, with the accounts in a
    // layer of their own: a base image such as a distribution's.
    Image.from(BusyboxRootfs.tarball(dir))
        .add(Entry.file("/etc/passwd", text(basePasswd)))
        .add(Entry.file("/etc/group", text(baseGroup)))
        .entrypoint("/bin/sh")
        .writeTo(baseArchive);

    String tag = newTag("nonroot-base");
    Path archive = dir.resolve("image.tar");
    Image.from(baseArchive)
        .nonRootUser()
        .add(Nonce.entry())
        .entrypoint("/bin/busybox", "id")
        .tag(tag)
        .writeTo(archive);
    try {
      load(archive);
      assertThat(configUser(tag)).isEqualTo("65532");
      assertThat(Commands.runContainer(Engine.DOCKER, tag).assertSuccess().stdout())
          .isEqualTo("uid=65532(nonroot) gid=65532(nonroot) groups=65532(nonroot)\n");
      // The base's user, by name: its gid, and staff (50), which lists it, as a supplementary group
      // (the kernel keeps the supplementary groups sorted by number: setgroups(2) sorts them).
      assertThat(Commands.runContainer(Engine.DOCKER, List.of("--user", user), tag).assertSuccess().stdout())
          .isEqualTo("uid=4321(" + user + ") gid=4321(" + user + ") groups=50(staff),4321(" + user + ")\n");
      assertThat(Commands.runContainer(Engine.DOCKER, List.of("--user", "daemon"), tag).assertSuccess().stdout())
          .isEqualTo("uid=1(daemon) gid=1(daemon) groups=1(daemon)\n");
      // id looking the base's user up itself, running as nonroot.
      assertThat(Commands.runContainer(Engine.DOCKER, tag, user).assertSuccess().stdout())
          .isEqualTo("uid=4321(" + user + ") gid=4321(" + user + ") groups=4321(" + user + "),50(staff)\n");

      assertThat(Commands.runContainer(Engine.DOCKER, List.of("--entrypoint", "/bin/cat"), tag, "/etc/passwd")
          .assertSuccess().stdout()).isEqualTo(basePasswd + NONROOT_LINE);
      assertThat(Commands.runContainer(Engine.DOCKER, List.of("--entrypoint", "/bin/cat"), tag, "/etc/group")
          .assertSuccess().stdout()).isEqualTo(baseGroup + "nonroot:x:65532:\n");
    } finally {
      Commands.run(MINUTE, "docker", "rmi", "-f", tag);
    }
  }
}
