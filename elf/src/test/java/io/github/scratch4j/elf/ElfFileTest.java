package io.github.scratch4j.elf;

import io.github.scratch4j.testing.ElfBuilder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.scratch4j.testing.Tools;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElfFileTest {
  @TempDir Path dir;

  @Test
  void gccStaticIsStatic() throws Exception {
    ElfFile elf = ElfFile.read(Tools.compileC(dir, "gcc", "hello", Tools.HELLO_C, "-static"));
    assertThat(elf.linkage()).isEqualTo(Linkage.STATIC);
    assertThat(elf.type()).isEqualTo(ElfType.EXEC);
    assertThat(elf.interpreter()).isEmpty();
    assertThat(elf.needed()).isEmpty();
    assertThat(elf.architecture()).contains(new Architecture("amd64", Optional.empty()));
    assertThat(elf.gnuBuildId()).hasValueSatisfying(id -> assertThat(id).matches("[0-9a-f]{40}"));
  }

  @Test
  void gccDynamicNeedsItsLoaderAndLibc() throws Exception {
    ElfFile elf = ElfFile.read(Tools.compileC(dir, "gcc", "hello", Tools.HELLO_C));
    assertThat(elf.linkage()).isEqualTo(Linkage.DYNAMIC);
    assertThat(elf.interpreter()).contains("/lib64/ld-linux-x86-64.so.2");
    assertThat(elf.needed()).containsExactly("libc.so.6");
    assertThat(elf.type()).isEqualTo(ElfType.DYN);
    assertThat(elf.isPie()).isTrue();
  }

  @Test
  void gccStaticPieIsAStaticPie() throws Exception {
    ElfFile elf = ElfFile.read(Tools.compileC(dir, "gcc", "hello", Tools.HELLO_C, "-static-pie"));
    assertThat(elf.type()).isEqualTo(ElfType.DYN);
    assertThat(elf.interpreter()).isEmpty();
    assertThat(elf.linkage()).isEqualTo(Linkage.STATIC_PIE);
  }

  @Test
  void muslStaticIsStatic() throws Exception {
    ElfFile elf = ElfFile.read(Tools.compileC(dir, "musl-gcc", "hello", Tools.HELLO_C, "-static"));
    assertThat(elf.linkage()).isIn(Linkage.STATIC, Linkage.STATIC_PIE);
    assertThat(elf.interpreter()).isEmpty();
    assertThat(elf.needed()).isEmpty();
  }

  @Test
  void sharedLibraryIsNotExecutableAndHasItsSoname() throws Exception {
    Path lib = Tools.compileC(dir, "gcc", "libgreet.so", "int greet(void) { return 42; }\n",
        "-shared", "-fPIC", "-Wl,-soname,libgreet.so.1");
    ElfFile elf = ElfFile.read(lib);
    assertThat(elf.soname()).contains("libgreet.so.1");
    assertThat(elf.linkage()).isEqualTo(Linkage.NOT_EXECUTABLE);
  }

  @Test
  void runpathAndRpathAreReadAsStored() throws Exception {
    Path lib = Tools.compileC(dir, "gcc", "libgreet.so", "int greet(void) { return 42; }\n", "-shared", "-fPIC");
    Path withRunpath = Tools.compileC(dir, "gcc", "app", "int greet(void); int main(void) { return greet() - 42; }\n",
        lib.toString(), "-Wl,-rpath,$ORIGIN/../lib", "-Wl,--enable-new-dtags");
    assertThat(ElfFile.read(withRunpath).runpath()).contains("$ORIGIN/../lib");
    Path withRpath = Tools.compileC(dir, "gcc", "app2", "int greet(void); int main(void) { return greet() - 42; }\n",
        lib.toString(), "-Wl,-rpath,/opt/lib", "-Wl,--disable-new-dtags");
    assertThat(ElfFile.read(withRpath).rpath()).contains("/opt/lib");
  }

  @Test
  void relocatableObjectIsNotExecutable() throws Exception {
    Path c = Files.writeString(dir.resolve("x.c"), "int x;\n");
    Tools.require("gcc");
    assertThat(Tools.run(java.util.List.of("gcc", "-c", "-o", dir.resolve("x.o").toString(), c.toString())).exitCode()).isZero();
    ElfFile elf = ElfFile.read(dir.resolve("x.o"));
    assertThat(elf.type()).isEqualTo(ElfType.REL);
    assertThat(elf.linkage()).isEqualTo(Linkage.NOT_EXECUTABLE);
  }

  @Test
  void builtImagesOfOtherShapes() throws IOException {
    ElfFile i386 = ElfFile.read(ElfBuilder.elf32().interp("/lib/ld-linux.so.2").needed("libc.so.6").build().bytes());
    assertThat(i386.elfClass()).isEqualTo(ElfClass.ELF32);
    assertThat(i386.architecture()).contains(new Architecture("386", Optional.empty()));
    assertThat(i386.needed()).containsExactly("libc.so.6");
    assertThat(i386.interpreter()).contains("/lib/ld-linux.so.2");

    ElfFile s390x = ElfFile.read(ElfBuilder.elf64().bigEndian().machine(22).needed("libc.so.6").soname("x")
        .runpath("$ORIGIN").build().bytes());
    assertThat(s390x.byteOrder()).isEqualTo(ByteOrder.BIG_ENDIAN);
    assertThat(s390x.architecture()).contains(new Architecture("s390x", Optional.empty()));
    assertThat(s390x.soname()).contains("x");
    assertThat(s390x.runpath()).contains("$ORIGIN");

    ElfFile arm64 = ElfFile.read(ElfBuilder.elf64().machine(183).build().bytes());
    assertThat(arm64.architecture()).contains(new Architecture("arm64", Optional.of("v8")));
    assertThat(arm64.linkage()).isEqualTo(Linkage.STATIC);

    ElfFile ppc = ElfFile.read(ElfBuilder.elf64().machine(21).build().bytes());
    assertThat(ppc.architecture()).contains(new Architecture("ppc64le", Optional.empty()));
    ElfFile ppcBe = ElfFile.read(ElfBuilder.elf64().bigEndian().machine(21).build().bytes());
    assertThat(ppcBe.architecture()).contains(new Architecture("ppc64", Optional.empty()));
    assertThat(ElfFile.read(ElfBuilder.elf64().machine(243).build().bytes()).architecture().orElseThrow().name()).isEqualTo("riscv64");
    assertThat(ElfFile.read(ElfBuilder.elf64().machine(258).build().bytes()).architecture().orElseThrow().name()).isEqualTo("loong64");
    assertThat(ElfFile.read(ElfBuilder.elf64().machine(8).build().bytes()).architecture().orElseThrow().name()).isEqualTo("mips64le");
    assertThat(ElfFile.read(ElfBuilder.elf32().bigEndian().machine(8).build().bytes()).architecture().orElseThrow().name()).isEqualTo("mips");
    assertThat(ElfFile.read(ElfBuilder.elf64().machine(9999).build().bytes()).architecture()).isEmpty();
  }

  @Test
  void armVariantComesFromTheAttributesSection() throws IOException {
    assertThat(ElfFile.read(ElfBuilder.elf32().armCpuArch(10).build().bytes()).architecture())
        .contains(new Architecture("arm", Optional.of("v7")));
    assertThat(ElfFile.read(ElfBuilder.elf32().armCpuArch(6).build().bytes()).architecture())
        .contains(new Architecture("arm", Optional.of("v6")));
    assertThat(ElfFile.read(ElfBuilder.elf32().armCpuArch(4).build().bytes()).architecture())
        .contains(new Architecture("arm", Optional.of("v5")));
    assertThat(ElfFile.read(ElfBuilder.elf32().armCpuArch(14).build().bytes()).architecture())
        .contains(new Architecture("arm", Optional.of("v8")));
    assertThat(ElfFile.read(ElfBuilder.elf32().machine(40).build().bytes()).architecture())
        .contains(new Architecture("arm", Optional.empty()));
  }

  @Test
  void buildIdsAndPieFlag() throws IOException {
    ElfFile elf = ElfFile.read(ElfBuilder.elf64().type(3).gnuBuildId(new byte[] {(byte) 0xab, 0x01, 0x23})
        .goBuildId("abc/def").flags1(ElfFile.DF_1_PIE).build().bytes());
    assertThat(elf.gnuBuildId()).contains("ab0123");
    assertThat(elf.goBuildId()).contains("abc/def");
    assertThat(elf.isPie()).isTrue();
    assertThat(elf.linkage()).isEqualTo(Linkage.STATIC_PIE);
  }

  @Test
  void sharedLibraryWithoutEntryIsNotExecutable() throws IOException {
    ElfFile lib = ElfFile.read(ElfBuilder.elf64().type(3).entry(0).soname("libx.so.1").build().bytes());
    assertThat(lib.linkage()).isEqualTo(Linkage.NOT_EXECUTABLE);
    ElfFile core = ElfFile.read(ElfBuilder.elf64().type(4).build().bytes());
    assertThat(core.linkage()).isEqualTo(Linkage.NOT_EXECUTABLE);
  }

  @Test
  void nonElfIsNotAnError() throws IOException {
    assertThat(ElfFile.probe("#!/bin/sh\necho hi\n".getBytes())).isEmpty();
    assertThat(ElfFile.probe(new byte[] {0x7f, 'E'})).isEmpty();
    assertThat(ElfFile.probe(new byte[0])).isEmpty();
    assertThatThrownBy(() -> ElfFile.read("text".getBytes())).isInstanceOf(NotElfException.class)
        .isNotInstanceOf(ElfFormatException.class);
  }

  @Test
  void readsOnlyWhatItNeedsOfAHugeFile() throws Exception {
    Path big = dir.resolve("big");
    Files.copy(Tools.compileC(dir, "gcc", "hello", Tools.HELLO_C), big);
    try (var raf = new java.io.RandomAccessFile(big.toFile(), "rw")) {
      raf.setLength(200L << 20); // a sparse 200 MB file with the ELF at its start
    }
    try (CountingChannel channel = new CountingChannel(Files.newByteChannel(big))) {
      ElfFile elf = ElfFile.read(channel);
      assertThat(elf.linkage()).isEqualTo(Linkage.DYNAMIC);
      assertThat(channel.bytesRead).isLessThan(64 << 10);
    }
  }

  /** Counts the bytes read through a channel. */
  static final class CountingChannel implements java.nio.channels.SeekableByteChannel {
    final java.nio.channels.SeekableByteChannel delegate;
    long bytesRead;

    CountingChannel(java.nio.channels.SeekableByteChannel delegate) {
      this.delegate = delegate;
    }

    @Override
    public int read(java.nio.ByteBuffer dst) throws IOException {
      int n = delegate.read(dst);
      bytesRead += Math.max(n, 0);
      return n;
    }

    @Override
    public int write(java.nio.ByteBuffer src) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long position() throws IOException {
      return delegate.position();
    }

    @Override
    public java.nio.channels.SeekableByteChannel position(long p) throws IOException {
      delegate.position(p);
      return this;
    }

    @Override
    public long size() throws IOException {
      return delegate.size();
    }

    @Override
    public java.nio.channels.SeekableByteChannel truncate(long size) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isOpen() {
      return delegate.isOpen();
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
