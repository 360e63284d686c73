package io.github.scratch4j.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A small root file system tarball made from Debian's {@code busybox-static}, the way
 * {@code alpine-minirootfs-*.tar.gz} is shaped: gzipped, names starting with {@code ./}.
 */
final class BusyboxRootfs {
  private BusyboxRootfs() {}

  static Path tarball(Path work) throws IOException {
    Commands.require("busybox", "tar");
    Path root = Files.createDirectories(work.resolve("rootfs"));
    Path bin = Files.createDirectories(root.resolve("bin"));
    Files.createDirectories(root.resolve("usr/bin"));
    Files.createDirectories(root.resolve("tmp"));
    Files.copy(Path.of(Commands.run(Duration.ofSeconds(10), "sh", "-c", "command -v busybox").assertSuccess()
        .stdout().strip()), bin.resolve("busybox"));
    bin.resolve("busybox").toFile().setExecutable(true, false);
    for (String applet : new String[] {"sh", "ls", "cat", "echo", "test", "["}) {
      Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
    }
    Path etc = Files.createDirectories(root.resolve("etc"));
    Files.writeString(etc.resolve("motd"), "Welcome to busybox\n");
    Files.writeString(etc.resolve("hostname.base"), "busybox\n");
    Path tarball = work.resolve("rootfs.tar.gz");
    Commands.run(Duration.ofMinutes(1), "tar", "-C", root.toString(), "--numeric-owner", "-czf",
        tarball.toString(), ".").assertSuccess();
    return tarball;
  }
}
