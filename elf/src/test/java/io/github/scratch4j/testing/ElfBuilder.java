package io.github.scratch4j.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds small ELF images in memory for tests: a header, program headers, and the interpreter,
 * dynamic section, string table and notes they point at, all inside one PT_LOAD segment.
 */
public final class ElfBuilder {
  static final long BASE = 0x400000;

  boolean is64 = true;
  ByteOrder order = ByteOrder.LITTLE_ENDIAN;
  int type = 2;
  int machine = 62;
  int osAbi = 0;
  long entry = BASE + 0x100;
  String interp;
  final List<String> needed = new ArrayList<>();
  String soname;
  String rpath;
  String runpath;
  long flags1;
  byte[] gnuBuildId;
  String goBuildId;
  byte[] armAttributes;
  boolean dynamic;

  /** Where the pieces ended up, for tests that corrupt them. */
  public record Built(byte[] bytes, int phoff, int interpOffset, int dynamicOffset, int strtabOffset, int noteOffset,
      int shoff) {}

  public static ElfBuilder elf64() {
    return new ElfBuilder();
  }

  public static ElfBuilder elf32() {
    ElfBuilder b = new ElfBuilder();
    b.is64 = false;
    b.machine = 3;
    return b;
  }

  public ElfBuilder bigEndian() {
    order = ByteOrder.BIG_ENDIAN;
    return this;
  }

  public ElfBuilder machine(int m) {
    machine = m;
    return this;
  }

  public ElfBuilder type(int t) {
    type = t;
    return this;
  }

  public ElfBuilder entry(long e) {
    entry = e;
    return this;
  }

  public ElfBuilder interp(String i) {
    interp = i;
    return this;
  }

  public ElfBuilder needed(String... libs) {
    needed.addAll(List.of(libs));
    dynamic = true;
    return this;
  }

  public ElfBuilder soname(String s) {
    soname = s;
    dynamic = true;
    return this;
  }

  public ElfBuilder rpath(String r) {
    rpath = r;
    dynamic = true;
    return this;
  }

  public ElfBuilder runpath(String r) {
    runpath = r;
    dynamic = true;
    return this;
  }

  public ElfBuilder flags1(long f) {
    flags1 = f;
    dynamic = true;
    return this;
  }

  public ElfBuilder dynamic() {
    dynamic = true;
    return this;
  }

  public ElfBuilder gnuBuildId(byte[] id) {
    gnuBuildId = id;
    return this;
  }

  public ElfBuilder goBuildId(String id) {
    goBuildId = id;
    return this;
  }

  /** An .ARM.attributes section whose aeabi file attributes hold Tag_CPU_arch = {@code cpuArch}. */
  public ElfBuilder armCpuArch(int cpuArch) {
    machine = 40;
    is64 = false;
    ByteBuffer attrs = ByteBuffer.allocate(64).order(order);
    attrs.put((byte) 'A');
    int sectionStart = attrs.position();
    attrs.putInt(0);
    attrs.put("aeabi\0".getBytes(StandardCharsets.US_ASCII));
    int fileStart = attrs.position();
    attrs.put((byte) 1);
    attrs.putInt(0);
    attrs.put((byte) 5).put("7-A\0".getBytes(StandardCharsets.US_ASCII)); // Tag_CPU_name
    attrs.put((byte) 6).put((byte) cpuArch);                                // Tag_CPU_arch
    attrs.put((byte) 8).put((byte) 1);                                      // Tag_ARM_ISA_use
    int end = attrs.position();
    attrs.putInt(fileStart + 1, end - fileStart);
    attrs.putInt(sectionStart, end - sectionStart);
    armAttributes = java.util.Arrays.copyOf(attrs.array(), end);
    return this;
  }

  public Built build() {
    int ehsize = is64 ? 64 : 52;
    int phentsize = is64 ? 56 : 32;
    List<long[]> phs = new ArrayList<>(); // type, offset, filesz, align
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    int phnum = 1 + (interp != null ? 1 : 0) + (dynamic ? 1 : 0) + (gnuBuildId != null || goBuildId != null ? 1 : 0);
    int dataStart = ehsize + phnum * phentsize;

    int interpOffset = -1;
    if (interp != null) {
      interpOffset = dataStart + data.size();
      byte[] s = (interp + "\0").getBytes(StandardCharsets.UTF_8);
      data.writeBytes(s);
      phs.add(new long[] {3, interpOffset, s.length, 1});
      align(data, 8);
    }
    ByteArrayOutputStream strtab = new ByteArrayOutputStream();
    strtab.write(0);
    List<long[]> dyn = new ArrayList<>();
    for (String n : needed) {
      dyn.add(new long[] {1, addString(strtab, n)});
    }
    if (soname != null) {
      dyn.add(new long[] {14, addString(strtab, soname)});
    }
    if (rpath != null) {
      dyn.add(new long[] {15, addString(strtab, rpath)});
    }
    if (runpath != null) {
      dyn.add(new long[] {29, addString(strtab, runpath)});
    }
    if (flags1 != 0) {
      dyn.add(new long[] {0x6ffffffbL, flags1});
    }
    int strtabOffset = -1;
    int dynamicOffset = -1;
    if (dynamic) {
      strtabOffset = dataStart + data.size();
      data.writeBytes(strtab.toByteArray());
      align(data, 8);
      dyn.add(0, new long[] {5, BASE + strtabOffset});
      dyn.add(1, new long[] {10, strtab.size()});
      dyn.add(new long[] {0, 0});
      dynamicOffset = dataStart + data.size();
      ByteBuffer d = ByteBuffer.allocate(dyn.size() * (is64 ? 16 : 8)).order(order);
      for (long[] e : dyn) {
        if (is64) {
          d.putLong(e[0]).putLong(e[1]);
        } else {
          d.putInt((int) e[0]).putInt((int) e[1]);
        }
      }
      data.writeBytes(d.array());
      phs.add(new long[] {2, dynamicOffset, d.capacity(), 8});
    }
    int noteOffset = -1;
    if (gnuBuildId != null || goBuildId != null) {
      noteOffset = dataStart + data.size();
      ByteArrayOutputStream notes = new ByteArrayOutputStream();
      if (gnuBuildId != null) {
        note(notes, "GNU", 3, gnuBuildId);
      }
      if (goBuildId != null) {
        note(notes, "Go", 4, goBuildId.getBytes(StandardCharsets.UTF_8));
      }
      data.writeBytes(notes.toByteArray());
      phs.add(new long[] {4, noteOffset, notes.size(), 4});
    }
    int shoff = 0;
    int shnum = 0;
    byte[] sections = new byte[0];
    if (armAttributes != null) {
      int attrOffset = dataStart + data.size();
      data.writeBytes(armAttributes);
      align(data, 8);
      shoff = dataStart + data.size();
      shnum = 2;
      ByteBuffer sh = ByteBuffer.allocate(2 * 40).order(order);
      sh.position(40);
      sh.putInt(0).putInt(0x70000003).putInt(0).putInt(0).putInt(attrOffset).putInt(armAttributes.length)
          .putInt(0).putInt(0).putInt(1).putInt(0);
      sections = sh.array();
      data.writeBytes(sections);
    }
    int fileSize = dataStart + data.size();
    phs.add(0, new long[] {1, 0, fileSize, 0x1000});

    ByteBuffer out = ByteBuffer.allocate(fileSize).order(order);
    out.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) (is64 ? 2 : 1), (byte) (order == ByteOrder.LITTLE_ENDIAN ? 1 : 2),
        1, (byte) osAbi, 0, 0, 0, 0, 0, 0, 0, 0});
    out.putShort((short) type).putShort((short) machine).putInt(1);
    if (is64) {
      out.putLong(entry).putLong(ehsize).putLong(shoff);
    } else {
      out.putInt((int) entry).putInt(ehsize).putInt(shoff);
    }
    out.putInt(0).putShort((short) ehsize).putShort((short) phentsize).putShort((short) phs.size())
        .putShort((short) (is64 ? 64 : 40)).putShort((short) shnum).putShort((short) 0);
    for (long[] p : phs) {
      long vaddr = BASE + p[1];
      if (is64) {
        out.putInt((int) p[0]).putInt(p[0] == 1 ? 5 : 4).putLong(p[1]).putLong(vaddr).putLong(vaddr)
            .putLong(p[2]).putLong(p[2]).putLong(p[3]);
      } else {
        out.putInt((int) p[0]).putInt((int) p[1]).putInt((int) vaddr).putInt((int) vaddr).putInt((int) p[2])
            .putInt((int) p[2]).putInt(p[0] == 1 ? 5 : 4).putInt((int) p[3]);
      }
    }
    out.put(data.toByteArray());
    return new Built(out.array(), ehsize, interpOffset, dynamicOffset, strtabOffset, noteOffset, shoff);
  }

  private static long addString(ByteArrayOutputStream strtab, String s) {
    long at = strtab.size();
    strtab.writeBytes((s + "\0").getBytes(StandardCharsets.UTF_8));
    return at;
  }

  private void note(ByteArrayOutputStream out, String name, int type, byte[] desc) {
    byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(12 + pad(n.length) + pad(desc.length)).order(order);
    b.putInt(n.length).putInt(desc.length).putInt(type).put(n);
    b.position(12 + pad(n.length));
    b.put(desc);
    out.writeBytes(b.array());
  }

  private static int pad(int n) {
    return (n + 3) & ~3;
  }

  private static void align(ByteArrayOutputStream out, int a) {
    while (out.size() % a != 0) {
      out.write(0);
    }
  }
}
