package io.github.scratch4j.internal.compress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * core runs with only its mandatory dependencies, and a missing optional codec is the message
 * that names the artifact, not a NoClassDefFoundError: checked in a JVM whose class path is this
 * one's without commons-compress (and its commons-*), xz and zstd-jni.
 */
class WithoutOptionalCodecsTest {
  @TempDir Path dir;

  private static boolean optional(String entry) {
    String name = Path.of(entry).getFileName().toString();
    return name.startsWith("commons-") || name.startsWith("xz-") || name.startsWith("zstd-jni-")
        || name.startsWith("bcprov-");
  }

  @Test
  void buildsWithoutTheOptionalJarsAndNamesTheArtifactWhenOneIsNeeded() throws Exception {
    Map<String, byte[]> rootfs = new LinkedHashMap<>();
    rootfs.put("./etc/os-release", "ID=test\n".getBytes(StandardCharsets.UTF_8));
    Path tar = dir.resolve("rootfs.tar");
    io.github.scratch4j.TarFiles.write(tar, rootfs);
    try (OutputStream out = new org.tukaani.xz.XZOutputStream(Files.newOutputStream(dir.resolve("rootfs.tar.xz")),
        new org.tukaani.xz.LZMA2Options())) {
      Files.copy(tar, out);
    }
    try (OutputStream out = new org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream(
        Files.newOutputStream(dir.resolve("rootfs.tar.bz2")))) {
      Files.copy(tar, out);
    }
    try (OutputStream out = new com.github.luben.zstd.ZstdOutputStream(Files.newOutputStream(dir.resolve("rootfs.tar.zst")))) {
      Files.copy(tar, out);
    }

    // Under surefire the classes may be on the module path, the class path, or both.
    List<String> path = new ArrayList<>();
    for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
      for (String entry : System.getProperty(property, "").split(File.pathSeparator)) {
        if (!entry.isEmpty() && !optional(entry) && !path.contains(entry)) {
          path.add(entry);
        }
      }
    }
    assertThat(path).anyMatch(e -> e.contains("jackson-databind")).noneMatch(e -> e.contains("commons-compress"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-cp", String.join(File.pathSeparator, path),
        WithoutOptionalCodecsMain.class.getName(), dir.toString(), "rootfs.tar.xz", "rootfs.tar.bz2", "rootfs.tar.zst")
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("plain: ok")
        .contains("rootfs.tar.xz: io.github.scratch4j.ImageFormatException: " + dir.resolve("rootfs.tar.xz")
            + " is compressed with xz; reading it needs " + OptionalCodecs.XZ_ARTIFACT)
        .contains("rootfs.tar.bz2: io.github.scratch4j.ImageFormatException: " + dir.resolve("rootfs.tar.bz2")
            + " is compressed with bzip2; reading it needs " + OptionalCodecs.COMMONS_COMPRESS_ARTIFACT)
        .contains("rootfs.tar.zst: java.io.IOException: zstd needs " + Zstd.ARTIFACT)
        .contains("zstd write: java.io.IOException: zstd needs " + Zstd.ARTIFACT)
        .contains("sign: true")
        .contains("key write: java.lang.IllegalStateException: writing an encrypted cosign key needs scrypt and"
            + " XSalsa20-Poly1305, which the JDK lacks: add org.bouncycastle:bcprov-jdk18on")
        .doesNotContain("NoClassDefFoundError");
  }
}
