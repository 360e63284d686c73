package io.github.scratch4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.scratch4j.Entry;
import io.github.scratch4j.HardlinkEntry;
import io.github.scratch4j.Image;
import io.github.scratch4j.Layer;
import io.github.scratch4j.Source;
import io.github.scratch4j.UnpackOption;
import io.github.scratch4j.Whiteout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Image#unpackTo} makes the tree {@code umoci unpack} makes of the same image: a busybox
 * base, a layer of files, a hard link and a directory of mode 0750, and a layer that whites out a
 * file and makes a directory opaque. Compared path by path: type, mode, owner, link target, size,
 * content and, but for directories, modification time.
 */
class UnpackIT {
  private static final Instant T = Instant.parse("2024-05-06T07:08:09Z");

  @TempDir Path dir;

  private static Source text(String s) {
    return Source.of(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aBusyboxBasedImageWithWhiteoutsUnpacksToWhatUmociMakes() throws Exception {
    Commands.require("umoci");
    String tag = "scratch4j-it/unpack-" + UUID.randomUUID().toString().substring(0, 8) + ":1";
    Layer files = Layer.builder().mtime(T)
        .add(Entry.directory("/data").withMode(0750))
        .add(Entry.file("/data/a", text("a " + Nonce.text())).withMode(0640))
        .add(Entry.file("/data/sub/b", text("b")).withMode(04755))
        .add(new HardlinkEntry("/data/hard", "/data/a", 0640, 0, 0, T))
        .add(Entry.symlink("/data/link", "sub/b"))
        .add(Entry.file("/etc/keep", text("keep")).withOwner(1000, 1000))
        .build();
    Layer whiteouts = Layer.builder().mtime(T)
        .add(Whiteout.of("/etc/motd"))
        .add(Whiteout.opaque("/data"))
        .add(Entry.file("/data/after", text("after the opaque whiteout")))
        .add(Whiteout.of("/bin/cat"))
        .build();
    Image image = Image.from(BusyboxRootfs.tarball(dir)).add(files).add(whiteouts).tag(tag);
    Path archive = dir.resolve("image.tar");
    image.writeTo(archive);

    Path layout = RunBundles.extract(archive, dir.resolve("layout"));
    Path umoci = RunBundles.unpack(layout, tag, dir.resolve("bundle")).resolve("rootfs");

    boolean root = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    UnpackOption[] options = root ? new UnpackOption[] {UnpackOption.OWNERS} : new UnpackOption[0];
    Path fromArchive = dir.resolve("from-archive");
    Image.from(archive).unpackTo(fromArchive, options);
    Path built = dir.resolve("built");
    image.unpackTo(built, options);

    List<String> expected = tree(umoci, root);
    assertThat(expected).as("umoci's tree").anyMatch(l -> l.startsWith("/bin/busybox file"))
        .anyMatch(l -> l.startsWith("/data/after file")).noneMatch(l -> l.startsWith("/data/a "))
        .noneMatch(l -> l.startsWith("/etc/motd ")).noneMatch(l -> l.startsWith("/bin/cat "));
    assertThat(tree(fromArchive, root)).as("unpacked from the archive").isEqualTo(expected);
    assertThat(tree(built, root)).as("unpacked from the image as built").isEqualTo(expected);
  }

  /** Every path under {@code root} with what umoci and scratch4j must agree on. */
  private static List<String> tree(Path root, boolean owners) throws IOException {
    List<String> out = new ArrayList<>();
    MessageDigest sha = sha256();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all.filter(p -> !p.equals(root)).sorted()::iterator) {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,lastModifiedTime,nlink",
            LinkOption.NOFOLLOW_LINKS);
        StringBuilder line = new StringBuilder("/").append(root.relativize(p)).append(' ');
        if (Files.isSymbolicLink(p)) {
          line.append("link -> ").append(Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          line.append("dir");
        } else {
          line.append("file ").append(a.get("size")).append(' ')
              .append(HexFormat.of().formatHex(sha.digest(Files.readAllBytes(p)))).append(" links ").append(a.get("nlink"));
        }
        if (!Files.isSymbolicLink(p)) {
          line.append(" mode ").append(Integer.toOctalString((Integer) a.get("mode") & 07777));
        }
        if (owners) {
          line.append(" owner ").append(a.get("uid")).append(':').append(a.get("gid"));
        }
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          line.append(" mtime ").append(a.get("lastModifiedTime"));
        }
        out.add(line.toString());
      }
    }
    return out;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
