package io.github.scratch4j.assertj;

import static io.github.scratch4j.assertj.ImageAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.Archive;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageCheck;
import io.github.scratch4j.ImageIndex;
import io.github.scratch4j.Layer;
import io.github.scratch4j.Platform;
import io.github.scratch4j.Source;
import io.github.scratch4j.WriteOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assertions users write in their tests: an archive read back from bytes and checked without a
 * cast, and for each assertion a failure whose message says what the image has instead.
 */
class ImageAssertionsTest {
  private static Archive archive;
  private static Image image;

  /** The smallest static x86-64 ELF executable: a header and one loadable segment. */
  static byte[] staticElf() {
    byte[] b = new byte[64 + 56];
    b[0] = 0x7f;
    b[1] = 'E';
    b[2] = 'L';
    b[3] = 'F';
    b[4] = 2; // 64-bit
    b[5] = 1; // little-endian
    b[6] = 1; // version
    b[16] = 2; // ET_EXEC
    b[18] = 62; // EM_X86_64
    b[20] = 1;
    b[24] = 0x78; // entry 0x400078
    b[25] = 0;
    b[26] = 0x40;
    b[32] = 64; // e_phoff
    b[52] = 64; // e_ehsize
    b[54] = 56; // e_phentsize
    b[56] = 1; // e_phnum
    b[64] = 1; // PT_LOAD
    b[68] = 5; // R+X
    b[64 + 16 + 2] = 0x40; // p_vaddr 0x400000
    b[64 + 24 + 2] = 0x40; // p_paddr
    b[64 + 32] = (byte) b.length; // p_filesz
    b[64 + 40] = (byte) b.length; // p_memsz
    b[64 + 49] = 0x10; // p_align 0x1000
    return b;
  }

  @BeforeAll
  static void readBackFromBytes() throws IOException {
    Image built = Image.fromScratch()
        .add(Layer.builder()
            .addFile("/app", Source.of(staticElf()), 0755)
            .addFile("/etc/app.conf", Source.of("mode: test\n".getBytes(StandardCharsets.UTF_8)))
            .addSymlink("/usr/bin/app", "/app")
            .addDirectory("/data")
            .build())
        .add(Entry.file("/etc/secret", Source.of(new byte[] {7})).withMode(0600).withOwner(1000, 1000))
        .entrypoint("/app").cmd("--port", "8080")
        .env("MODE", "test").user("1000").workingDir("/data").expose("8080/tcp").label("team", "tools")
        .platform(Platform.LINUX_AMD64)
        .tag("app:1.0");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    built.writeTo(out);
    archive = Archive.read(out.toByteArray());
    image = archive.image("app:1.0").orElseThrow();
  }

  @Test
  void anArchiveReadFromBytesPassesEveryAssertion() {
    assertThat(archive).hasImages(1).hasImage("app:1.0")
        .hasEntrypoint("/app").hasCmd("--port", "8080").hasEnv("MODE", "test").hasUser("1000")
        .hasWorkingDir("/data").exposes("8080").hasLabel("team", "tools").hasPlatform("linux/amd64")
        .hasTag("docker.io/library/app:1.0").hasLayers(2)
        .hasSymlink("/usr/bin/app", "/app").hasDirectory("/data").doesNotHave("/etc/motd")
        .isStaticallyLinked("/app")
        .hasFile("/app").isExecutable().withMode(0755).withOwner(0, 0).withSize(120)
        .and().hasFile("/etc/app.conf").withContent("mode: test\n").withMode(0644)
        .and().hasFile("/etc/secret").withContent(new byte[] {7}).withOwner(1000, 1000).withMode(0600);
  }

  @Test
  void aMissingFileShowsTheNearestPathsAndTheListing() {
    assertThatThrownBy(() -> assertThat(image).hasFile("/etc/app.cnf"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expecting the image to have a regular file at /etc/app.cnf but it has nothing there.")
        .hasMessageContaining("Nearest paths it has:\n  -rw-r--r-- 0:0 11 /etc/app.conf")
        .hasMessageContaining("Its file system (8 entries):")
        .hasMessageContaining("lrwxrwxrwx 0:0 /usr/bin/app -> /app");
  }

  @Test
  void somethingElseAtAFilesPathIsShown() {
    assertThatThrownBy(() -> assertThat(image).hasFile("/usr/bin/app"))
        .hasMessageContaining("but it has this there:\n  lrwxrwxrwx 0:0 /usr/bin/app -> /app");
    assertThatThrownBy(() -> assertThat(image).hasDirectory("/app"))
        .hasMessageContaining("to have a directory at /app but it has this there:\n  -rwxr-xr-x 0:0 120 /app");
  }

  @Test
  void fileAssertionsSayWhatTheFileIs() {
    assertThatThrownBy(() -> assertThat(image).hasFile("/etc/app.conf").withMode(0600))
        .hasMessage("Expecting /etc/app.conf to have mode 0600 but it has 0644");
    assertThatThrownBy(() -> assertThat(image).hasFile("/etc/app.conf").isExecutable())
        .hasMessage("Expecting /etc/app.conf to be executable but its mode is 0644");
    assertThatThrownBy(() -> assertThat(image).hasFile("/etc/secret").withOwner(0, 0))
        .hasMessage("Expecting /etc/secret to be owned by 0:0 but it is owned by 1000:1000");
    assertThatThrownBy(() -> assertThat(image).hasFile("/etc/app.conf").withContent("mode: prod\n"))
        .hasMessage("Expecting /etc/app.conf to contain\n  \"mode: prod\n\"\nbut it contains (11 bytes)\n  \"mode: test\n\"");
    assertThatThrownBy(() -> assertThat(image).hasFile("/etc/secret").withContent(new byte[] {7, 8}))
        .hasMessage("Expecting /etc/secret to hold the 2 bytes given but it holds 1 bytes, first different at offset 1");
    assertThatThrownBy(() -> assertThat(image).hasFile("/app").withSize(1))
        .hasMessage("Expecting /app to be 1 bytes but it is 120");
  }

  @Test
  void linkAndAbsenceFailuresSayWhatIsThere() {
    assertThatThrownBy(() -> assertThat(image).hasSymlink("/usr/bin/app", "/bin/app"))
        .hasMessage("Expecting the symbolic link /usr/bin/app to point to /bin/app but it points to /app");
    assertThatThrownBy(() -> assertThat(image).hasSymlink("/usr/bin/ap", "/app"))
        .hasMessageContaining("to have a symbolic link at /usr/bin/ap -> /app but it has nothing there.")
        .hasMessageContaining("Nearest paths it has:\n  lrwxrwxrwx 0:0 /usr/bin/app -> /app");
    assertThatThrownBy(() -> assertThat(image).doesNotHave("/etc/secret"))
        .hasMessage("Expecting the image to have nothing at /etc/secret but it has:\n"
            + "  -rw------- 1000:1000 1 /etc/secret\n(in layer 2 of 2)");
  }

  @Test
  void configurationFailuresShowTheActualConfiguration() {
    assertThatThrownBy(() -> assertThat(image).hasEntrypoint("/bin/app"))
        .hasMessageStartingWith("Expecting the image's entrypoint to be [/bin/app] but it is [/app]\nIts configuration: ");
    assertThatThrownBy(() -> assertThat(image).hasCmd())
        .hasMessageStartingWith("Expecting the image's cmd to be [] but it is [--port, 8080]");
    assertThatThrownBy(() -> assertThat(image).hasEnv("MODE", "prod"))
        .hasMessageStartingWith("Expecting the image's environment variable MODE to be \"prod\" but it is \"test\"");
    assertThatThrownBy(() -> assertThat(image).hasEnv("TZ", "UTC"))
        .hasMessageStartingWith("Expecting the image's environment variable TZ to be \"UTC\" but it is not set");
    assertThatThrownBy(() -> assertThat(image).hasUser("root"))
        .hasMessageStartingWith("Expecting the image's user to be \"root\" but it is \"1000\"");
    assertThatThrownBy(() -> assertThat(image).hasWorkingDir("/"))
        .hasMessageStartingWith("Expecting the image's working directory to be \"/\" but it is \"/data\"");
    assertThatThrownBy(() -> assertThat(image).hasLabel("team", "core"))
        .hasMessageStartingWith("Expecting the image's label team to be \"core\" but it is \"tools\"");
    assertThatThrownBy(() -> assertThat(image).exposes("9090/udp"))
        .hasMessageStartingWith("Expecting the image to expose 9090/udp but it exposes [8080/tcp]");
    assertThatThrownBy(() -> assertThat(image).hasPlatform("linux/arm64/v8"))
        .hasMessageStartingWith("Expecting the image's platform to be \"linux/arm64/v8\" but it is \"linux/amd64\"");
    assertThatThrownBy(() -> assertThat(image).hasTag("app:2.0"))
        .hasMessage("Expecting the image to be tagged app:2.0 but its tags are [app:1.0]");
    assertThatThrownBy(() -> assertThat(image).hasLayers(1))
        .hasMessageStartingWith("Expecting the image to have 1 layers but it has 2:\n  1: ");
  }

  @Test
  void aDynamicallyLinkedOrNonElfFileIsNotStatic() throws IOException {
    byte[] dynamic = staticElf();
    // A PT_INTERP program header makes it dynamically linked.
    byte[] withInterp = new byte[dynamic.length + 56 + 28];
    System.arraycopy(dynamic, 0, withInterp, 0, dynamic.length);
    withInterp[56] = 2; // e_phnum
    int ph = 64 + 56;
    withInterp[ph] = 3; // PT_INTERP
    withInterp[ph + 8] = (byte) (ph + 56); // p_offset
    withInterp[ph + 32] = 28; // p_filesz
    byte[] name = "/lib64/ld-linux-x86-64.so.2\0".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, withInterp, ph + 56, name.length);
    Image dyn = Image.fromScratch().add(Entry.file("/dyn", Source.of(withInterp)).withMode(0755))
        .add(Entry.file("/text", Source.of("#!/bin/sh\n".getBytes(StandardCharsets.US_ASCII))))
        .without(ImageCheck.values());
    assertThatThrownBy(() -> assertThat(dyn).isStaticallyLinked("/dyn"))
        .hasMessageStartingWith("Expecting /dyn to be a statically linked ELF executable but it is DYNAMIC, "
            + "with program interpreter /lib64/ld-linux-x86-64.so.2");
    assertThatThrownBy(() -> assertThat(dyn).isStaticallyLinked("/text"))
        .hasMessage("Expecting /text to be a statically linked ELF executable but it is not ELF "
            + "(it starts with 23 21 2f 62 69 6e 2f 73)");
  }

  @Test
  void archiveAndIndexFailuresListWhatTheyHold(@TempDir Path dir) throws IOException {
    assertThatThrownBy(() -> assertThat(archive).hasImage("app:2.0"))
        .hasMessage("Expecting the archive to have an image tagged app:2.0 but its tags are [app:1.0]");
    assertThatThrownBy(() -> assertThat(archive).hasImages(2))
        .hasMessage("Expecting the archive to hold 2 images but it holds 1, tagged [app:1.0]");

    Image amd64 = image.platform(Platform.LINUX_AMD64);
    Image arm64 = Image.fromScratch().add(Entry.file("/x", Source.of(new byte[] {1}))).without(ImageCheck.values())
        .platform(Platform.LINUX_ARM64);
    Path multi = dir.resolve("multi.tar");
    ImageIndex.of(amd64, arm64).tag("multi:1").writeTo(multi, WriteOptions.defaults());
    Archive read = Archive.read(multi);
    assertThat(read).hasIndex("multi:1").hasPlatforms("linux/arm64/v8", "linux/amd64")
        .hasImageFor("linux/arm64/v8").hasFile("/x");
    assertThatThrownBy(() -> assertThat(read).hasIndex("multi:1").hasPlatforms("linux/amd64"))
        .hasMessage("Expecting the index to hold the platforms [linux/amd64] but it holds [linux/amd64, linux/arm64/v8]");
    assertThatThrownBy(() -> assertThat(read).hasIndex("multi:1").hasImageFor("linux/riscv64"))
        .hasMessage("Expecting the index to have an image for linux/riscv64 but it holds [linux/amd64, linux/arm64/v8]");
    assertThatThrownBy(() -> assertThat(read).hasIndex("other:1"))
        .hasMessage("Expecting the archive to have an index tagged other:1 but its tags are [multi:1 (index)]");
  }
}
