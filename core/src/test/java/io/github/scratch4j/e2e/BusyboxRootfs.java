package io.github.scratch4j.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A small root file system tarball made from Debian's {@code busybox-static}, the way
 * {@code alpine-minirootfs-*.tar.gz} is shaped: gzipped, names starting with {@code ./}. Each holds
 * a {@link Nonce} in {@code /etc/nonce}, so that no two tests load the same base layer.
 */
final class BusyboxRootfs {
  private static final String[] APPLETS = {"sh", "ls", "cat", "echo", "test", "[", "stat", "readlink"};

  private BusyboxRootfs() {}

  /** The classic layout: {@code /bin/busybox} and its applets in {@code /bin}. */
  static Path tarball(Path work) throws IOException {
    Commands.require("busybox", "tar");
    Path root = Files.createDirectories(work.resolve("rootfs"));
    Path bin = Files.createDirectories(root.resolve("bin"));
    Files.createDirectories(root.resolve("usr/bin"));
    Files.createDirectories(root.resolve("tmp"));
    busybox(bin);
    Path etc = Files.createDirectories(root.resolve("etc"));
    Files.writeString(etc.resolve("motd"), "Welcome to busybox\n");
    Files.writeString(etc.resolve("hostname.base"), "busybox\n");
    Files.writeString(etc.resolve("nonce"), Nonce.text());
    return tar(root, work.resolve("rootfs.tar.gz"));
  }

  /**
   * Debian's usrmerge layout: busybox and its applets in {@code /usr/bin}, with {@code /bin ->
   * usr/bin}, {@code /sbin -> usr/bin} and {@code /lib -> usr/lib} as symbolic links, a file in
   * {@code /usr/lib}, and {@code /usr/local/bin} with mode {@code 0750} owned by 1000:1000.
   */
  static Path usrmergeTarball(Path work) throws IOException {
    Commands.require("busybox", "tar");
    Path root = Files.createDirectories(work.resolve("usrmerge-rootfs"));
    busybox(Files.createDirectories(root.resolve("usr/bin")));
    Files.writeString(Files.createDirectories(root.resolve("usr/lib")).resolve("libbase.txt"), "base library\n");
    Path local = Files.createDirectories(root.resolve("usr/local/bin"));
    Commands.run(Duration.ofSeconds(10), "chmod", "0750", local.toString()).assertSuccess();
    Commands.run(Duration.ofSeconds(10), "chown", "1000:1000", local.toString()).assertSuccess();
    Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
    Files.createSymbolicLink(root.resolve("sbin"), Path.of("usr/bin"));
    Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
    Files.createDirectories(root.resolve("tmp"));
    Files.writeString(Files.createDirectories(root.resolve("etc")).resolve("nonce"), Nonce.text());
    return tar(root, work.resolve("usrmerge-rootfs.tar.gz"));
  }

  private static void busybox(Path bin) throws IOException {
    Files.copy(Path.of(Commands.run(Duration.ofSeconds(10), "sh", "-c", "command -v busybox").assertSuccess()
        .stdout().strip()), bin.resolve("busybox"));
    bin.resolve("busybox").toFile().setExecutable(true, false);
    for (String applet : APPLETS) {
      Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
    }
  }

  private static Path tar(Path root, Path tarball) {
    Commands.run(Duration.ofMinutes(1), "tar", "-C", root.toString(), "--numeric-owner", "-czf",
        tarball.toString(), ".").assertSuccess();
    return tarball;
  }
}
