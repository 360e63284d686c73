package io.github.scratch4j.elf;

import io.github.scratch4j.elf.internal.ElfInput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Parses ELF structures with every offset, size and count checked before use (System V gABI,
 * "ELF Header", "Sections", "Program Header", "Note Section", "Dynamic Section").
 */
final class ElfParser {
  /** More program headers than any real file has; PN_XNUM counts beyond this are refused. */
  static final int MAX_PROGRAM_HEADERS = 65535;
  static final int MAX_SECTIONS = 1 << 20;
  static final int MAX_DYNAMIC_ENTRIES = 1 << 16;
  static final int MAX_STRING = 4096;
  static final int MAX_NOTES_BYTES = 1 << 20;
  static final int MAX_ATTRIBUTES_BYTES = 1 << 16;

  private static final int PN_XNUM = 0xffff;
  private static final long DT_NULL = 0;
  private static final long DT_NEEDED = 1;
  private static final long DT_STRTAB = 5;
  private static final long DT_STRSZ = 10;
  private static final long DT_SONAME = 14;
  private static final long DT_RPATH = 15;
  private static final long DT_RUNPATH = 29;
  private static final long DT_FLAGS_1 = 0x6ffffffbL;
  private static final int EM_ARM = 40;
  private static final long SHT_ARM_ATTRIBUTES = 0x70000003L;

  private final ElfInput in;
  private final String name;
  private ElfClass elfClass;
  private ByteOrder order;
  private boolean is64;

  private ElfParser(ElfInput in) {
    this.in = in;
    this.name = in.name();
  }

  static Optional<ElfFile> parse(ElfInput in) throws IOException {
    return new ElfParser(in).parse();
  }

  private ElfFormatException error(long offset, String message) {
    return new ElfFormatException(name + ": " + message + " (at offset " + offset + ")");
  }

  private Optional<ElfFile> parse() throws IOException {
    long size = in.size();
    if (size < 4) {
      return Optional.empty();
    }
    ByteBuffer magic = in.read(0, 4, ByteOrder.LITTLE_ENDIAN, "magic");
    if (magic.get(0) != 0x7f || magic.get(1) != 'E' || magic.get(2) != 'L' || magic.get(3) != 'F') {
      return Optional.empty();
    }
    if (size < 16) {
      throw error(0, "truncated identification: " + size + " bytes, need 16");
    }
    ByteBuffer ident = in.read(0, 16, ByteOrder.LITTLE_ENDIAN, "identification");
    elfClass = switch (ident.get(4)) {
      case 1 -> ElfClass.ELF32;
      case 2 -> ElfClass.ELF64;
      default -> throw error(4, "invalid EI_CLASS " + ident.get(4) + " (expected 1 or 2)");
    };
    is64 = elfClass == ElfClass.ELF64;
    order = switch (ident.get(5)) {
      case 1 -> ByteOrder.LITTLE_ENDIAN;
      case 2 -> ByteOrder.BIG_ENDIAN;
      default -> throw error(5, "invalid EI_DATA " + ident.get(5) + " (expected 1 or 2)");
    };
    int osAbi = ident.get(7) & 0xff;
    int headerSize = is64 ? 64 : 52;
    if (size < headerSize) {
      throw error(0, "truncated ELF header: " + size + " bytes, need " + headerSize);
    }
    ByteBuffer h = in.read(0, headerSize, order, "ELF header");
    int type = h.getShort(16) & 0xffff;
    int machine = h.getShort(18) & 0xffff;
    long entry = is64 ? h.getLong(24) : h.getInt(24) & 0xffffffffL;
    long phoff = is64 ? h.getLong(32) : h.getInt(28) & 0xffffffffL;
    long shoff = is64 ? h.getLong(40) : h.getInt(32) & 0xffffffffL;
    int phentsize = h.getShort(is64 ? 54 : 42) & 0xffff;
    long phnum = h.getShort(is64 ? 56 : 44) & 0xffff;
    int shentsize = h.getShort(is64 ? 58 : 46) & 0xffff;
    long shnum = h.getShort(is64 ? 60 : 48) & 0xffff;

    // gABI "Sections": with PN_XNUM, or e_shnum 0 and a section table, the real counts live in
    // section header 0 (sh_info for program headers, sh_size for sections).
    if (phnum == PN_XNUM && shoff == 0) {
      throw error(is64 ? 56 : 44, "e_phnum is PN_XNUM but there is no section header 0 holding the real count");
    }
    if (phnum == PN_XNUM || (shnum == 0 && shoff != 0)) {
      ByteBuffer s0 = sectionHeader(shoff, shentsize, 0);
      if (phnum == PN_XNUM) {
        phnum = s0.getInt(is64 ? 44 : 28) & 0xffffffffL;
      }
      if (shnum == 0) {
        shnum = is64 ? s0.getLong(32) : s0.getInt(20) & 0xffffffffL;
      }
    }
    if (phnum > MAX_PROGRAM_HEADERS) {
      throw error(is64 ? 56 : 44, "implausible program header count " + phnum);
    }
    if (shnum > MAX_SECTIONS || shnum < 0) {
      throw error(is64 ? 60 : 48, "implausible section count " + Long.toUnsignedString(shnum));
    }
    List<ProgramHeader> phs = new ArrayList<>();
    if (phnum > 0) {
      int expected = is64 ? 56 : 32;
      if (phentsize != expected) {
        throw error(is64 ? 54 : 42, "e_phentsize is " + phentsize + ", but a program header is " + expected + " bytes");
      }
      ByteBuffer table = in.read(phoff, multiply(phnum, phentsize, phoff, "program header table"), order,
          "program header table");
      for (int i = 0; i < phnum; i++) {
        int o = i * phentsize;
        phs.add(is64
            ? new ProgramHeader(table.getInt(o) & 0xffffffffL, table.getInt(o + 4) & 0xffffffffL, table.getLong(o + 8),
                table.getLong(o + 16), table.getLong(o + 24), table.getLong(o + 32), table.getLong(o + 40),
                table.getLong(o + 48))
            : new ProgramHeader(table.getInt(o) & 0xffffffffL, table.getInt(o + 24) & 0xffffffffL,
                table.getInt(o + 4) & 0xffffffffL, table.getInt(o + 8) & 0xffffffffL,
                table.getInt(o + 12) & 0xffffffffL, table.getInt(o + 16) & 0xffffffffL,
                table.getInt(o + 20) & 0xffffffffL, table.getInt(o + 28) & 0xffffffffL));
      }
    }

    Optional<String> interpreter = Optional.empty();
    Dynamic dynamic = new Dynamic();
    Optional<String> gnuBuildId = Optional.empty();
    Optional<String> goBuildId = Optional.empty();
    for (ProgramHeader p : phs) {
      if (p.type() == ProgramHeader.PT_INTERP && interpreter.isEmpty()) {
        interpreter = Optional.of(interpreter(p));
      } else if (p.type() == ProgramHeader.PT_DYNAMIC && !dynamic.seen) {
        dynamic = dynamic(p, phs);
      } else if (p.type() == ProgramHeader.PT_NOTE) {
        Notes notes = notes(p);
        gnuBuildId = gnuBuildId.or(() -> notes.gnu);
        goBuildId = goBuildId.or(() -> notes.go);
      }
    }
    Optional<String> armVariant = machine == EM_ARM ? armVariant(shoff, shentsize, shnum) : Optional.empty();
    return Optional.of(new ElfFile(elfClass, order, osAbi, type, machine, entry, phs, interpreter,
        dynamic.needed, dynamic.soname, dynamic.rpath, dynamic.runpath, dynamic.flags1, gnuBuildId, goBuildId,
        armVariant));
  }

  private long multiply(long count, long size, long offset, String what) throws ElfFormatException {
    try {
      return Math.multiplyExact(count, size);
    } catch (ArithmeticException e) {
      throw error(offset, what + " size overflows");
    }
  }

  private ByteBuffer sectionHeader(long shoff, int shentsize, long index) throws IOException {
    int expected = is64 ? 64 : 40;
    if (shentsize != expected) {
      throw error(is64 ? 58 : 46, "e_shentsize is " + shentsize + ", but a section header is " + expected + " bytes");
    }
    long at;
    try {
      at = Math.addExact(shoff, Math.multiplyExact(index, (long) shentsize));
    } catch (ArithmeticException e) {
      throw error(shoff, "section header " + index + " offset overflows");
    }
    return in.read(at, shentsize, order, "section header " + index);
  }

  private String interpreter(ProgramHeader p) throws IOException {
    if (p.filesz() == 0 || Long.compareUnsigned(p.filesz(), MAX_STRING) > 0) {
      throw error(p.offset(), "PT_INTERP has an implausible size " + Long.toUnsignedString(p.filesz()));
    }
    ByteBuffer b = in.read(p.offset(), p.filesz(), order, "PT_INTERP");
    int end = -1;
    for (int i = 0; i < b.limit(); i++) {
      if (b.get(i) == 0) {
        end = i;
        break;
      }
    }
    if (end < 0) {
      throw error(p.offset(), "PT_INTERP is not terminated by a NUL byte");
    }
    return new String(b.array(), 0, end, StandardCharsets.UTF_8);
  }

  /** What the dynamic section says. */
  private static final class Dynamic {
    boolean seen;
    final List<String> needed = new ArrayList<>();
    Optional<String> soname = Optional.empty();
    Optional<String> rpath = Optional.empty();
    Optional<String> runpath = Optional.empty();
    long flags1;
  }

  private Dynamic dynamic(ProgramHeader p, List<ProgramHeader> phs) throws IOException {
    Dynamic d = new Dynamic();
    d.seen = true;
    int entSize = is64 ? 16 : 8;
    long count = Long.divideUnsigned(p.filesz(), entSize);
    if (count > MAX_DYNAMIC_ENTRIES) {
      throw error(p.offset(), "dynamic section has an implausible " + count + " entries");
    }
    ByteBuffer b = in.read(p.offset(), count * entSize, order, "dynamic section");
    List<Long> needed = new ArrayList<>();
    long strtab = -1;
    long strsz = -1;
    long soname = -1;
    long rpath = -1;
    long runpath = -1;
    boolean terminated = false;
    for (int i = 0; i < count; i++) {
      long tag = is64 ? b.getLong(i * 16) : b.getInt(i * 8);
      long val = is64 ? b.getLong(i * 16 + 8) : b.getInt(i * 8 + 4) & 0xffffffffL;
      if (tag == DT_NULL) {
        terminated = true;
        break;
      }
      if (tag == DT_NEEDED) {
        needed.add(val);
      } else if (tag == DT_STRTAB) {
        strtab = val;
      } else if (tag == DT_STRSZ) {
        strsz = val;
      } else if (tag == DT_SONAME) {
        soname = val;
      } else if (tag == DT_RPATH) {
        rpath = val;
      } else if (tag == DT_RUNPATH) {
        runpath = val;
      } else if (tag == DT_FLAGS_1) {
        d.flags1 = val;
      }
    }
    if (!terminated) {
      throw error(p.offset(), "dynamic section has no DT_NULL terminator");
    }
    boolean needsStrings = !needed.isEmpty() || soname >= 0 || rpath >= 0 || runpath >= 0;
    if (!needsStrings) {
      return d;
    }
    if (strtab < 0 || strsz < 0) {
      throw error(p.offset(), "dynamic section names strings but has no DT_STRTAB or DT_STRSZ");
    }
    if (Long.compareUnsigned(strsz, 64L << 20) > 0) {
      throw error(p.offset(), "implausible DT_STRSZ " + Long.toUnsignedString(strsz));
    }
    long strOffset = addressToOffset(strtab, phs, p.offset());
    for (long n : needed) {
      d.needed.add(string(strOffset, strsz, n));
    }
    if (soname >= 0) {
      d.soname = Optional.of(string(strOffset, strsz, soname));
    }
    if (rpath >= 0) {
      d.rpath = Optional.of(string(strOffset, strsz, rpath));
    }
    if (runpath >= 0) {
      d.runpath = Optional.of(string(strOffset, strsz, runpath));
    }
    return d;
  }

  /** Maps a virtual address to a file offset through the PT_LOAD segment that holds it. */
  private long addressToOffset(long address, List<ProgramHeader> phs, long at) throws ElfFormatException {
    for (ProgramHeader p : phs) {
      if (p.type() == ProgramHeader.PT_LOAD
          && Long.compareUnsigned(address, p.vaddr()) >= 0
          && Long.compareUnsigned(address - p.vaddr(), p.filesz()) < 0) {
        long offset = p.offset() + (address - p.vaddr());
        if (offset < 0) {
          throw error(at, "string table address 0x" + Long.toHexString(address) + " maps to a negative offset");
        }
        return offset;
      }
    }
    throw error(at, "DT_STRTAB address 0x" + Long.toHexString(address) + " is in no PT_LOAD segment");
  }

  private String string(long tableOffset, long tableSize, long index) throws IOException {
    if (Long.compareUnsigned(index, tableSize) >= 0) {
      throw error(tableOffset, "string table index " + Long.toUnsignedString(index) + " is out of range (table of "
          + tableSize + " bytes)");
    }
    long available = Math.min(tableSize - index, MAX_STRING);
    long start;
    try {
      start = Math.addExact(tableOffset, index);
    } catch (ArithmeticException e) {
      throw error(tableOffset, "string offset overflows");
    }
    available = Math.min(available, Math.max(0, in.size() - start));
    ByteBuffer b = in.read(start, available, order, "string at table index " + index);
    for (int i = 0; i < b.limit(); i++) {
      if (b.get(i) == 0) {
        return new String(b.array(), 0, i, StandardCharsets.UTF_8);
      }
    }
    throw error(start, "string at table index " + index + " is not NUL-terminated within the table");
  }

  /** Build IDs found in a note segment. */
  private static final class Notes {
    Optional<String> gnu = Optional.empty();
    Optional<String> go = Optional.empty();
  }

  private Notes notes(ProgramHeader p) throws IOException {
    Notes notes = new Notes();
    if (Long.compareUnsigned(p.filesz(), MAX_NOTES_BYTES) > 0) {
      throw error(p.offset(), "note segment of " + Long.toUnsignedString(p.filesz()) + " bytes is implausibly large");
    }
    ByteBuffer b = in.read(p.offset(), p.filesz(), order, "note segment");
    // gABI "Note Section": name and descriptor are padded to 4 bytes (8 in segments aligned to 8).
    int align = p.align() == 8 ? 8 : 4;
    int i = 0;
    while (b.limit() - i >= 12) {
      long namesz = b.getInt(i) & 0xffffffffL;
      long descsz = b.getInt(i + 4) & 0xffffffffL;
      long type = b.getInt(i + 8) & 0xffffffffL;
      long nameStart = i + 12L;
      long descStart = alignUp(nameStart + namesz, align);
      long next = alignUp(descStart + descsz, align);
      if (descStart + descsz > b.limit() || nameStart + namesz > b.limit()) {
        throw error(p.offset() + i, "note sizes (name " + namesz + ", descriptor " + descsz + ") run past the segment");
      }
      String noteName = new String(b.array(), (int) nameStart, (int) Math.max(0, namesz - 1), StandardCharsets.US_ASCII);
      if (noteName.equals("GNU") && type == 3 && notes.gnu.isEmpty()) {
        notes.gnu = Optional.of(HexFormat.of().formatHex(b.array(), (int) descStart, (int) (descStart + descsz)));
      } else if (noteName.equals("Go") && type == 4 && notes.go.isEmpty()) {
        notes.go = Optional.of(new String(b.array(), (int) descStart, (int) descsz, StandardCharsets.UTF_8));
      }
      if (next > b.limit()) {
        break;
      }
      i = (int) next;
    }
    return notes;
  }

  private static long alignUp(long n, int align) {
    return (n + align - 1) / align * align;
  }

  /**
   * The ARM architecture version from the {@code .ARM.attributes} section's {@code Tag_CPU_arch}
   * ("Addenda to, and Errata in, the ABI for the Arm Architecture", section 3.3). A missing or
   * unreadable section gives no variant rather than an error: the variant is a refinement.
   */
  private Optional<String> armVariant(long shoff, int shentsize, long shnum) throws IOException {
    if (shoff == 0 || shnum == 0) {
      return Optional.empty();
    }
    for (long i = 0; i < shnum; i++) {
      ByteBuffer sh = sectionHeader(shoff, shentsize, i);
      long type = sh.getInt(4) & 0xffffffffL;
      if (type != SHT_ARM_ATTRIBUTES) {
        continue;
      }
      long offset = is64 ? sh.getLong(24) : sh.getInt(16) & 0xffffffffL;
      long size = is64 ? sh.getLong(32) : sh.getInt(20) & 0xffffffffL;
      if (Long.compareUnsigned(size, MAX_ATTRIBUTES_BYTES) > 0) {
        return Optional.empty();
      }
      return cpuArch(in.read(offset, size, order, ".ARM.attributes section")).map(ElfParser::armVersion);
    }
    return Optional.empty();
  }

  private static Optional<Long> cpuArch(ByteBuffer b) {
    if (b.limit() < 1 || b.get(0) != 'A') {
      return Optional.empty();
    }
    int i = 1;
    while (i + 4 <= b.limit()) {
      long length = b.getInt(i) & 0xffffffffL;
      if (length < 4 || i + length > b.limit()) {
        return Optional.empty();
      }
      int end = (int) (i + length);
      int v = i + 4;
      int vendorStart = v;
      while (v < end && b.get(v) != 0) {
        v++;
      }
      String vendor = new String(b.array(), vendorStart, v - vendorStart, StandardCharsets.US_ASCII);
      v++;
      if (vendor.equals("aeabi")) {
        while (v + 5 <= end) {
          int tag = b.get(v) & 0xff;
          long subLength = b.getInt(v + 1) & 0xffffffffL;
          if (subLength < 5 || v + subLength > end) {
            return Optional.empty();
          }
          if (tag == 1) { // Tag_File: attributes of the whole file
            return fileAttributes(b, v + 5, (int) (v + subLength));
          }
          v += (int) subLength;
        }
      }
      i = end;
    }
    return Optional.empty();
  }

  private static Optional<Long> fileAttributes(ByteBuffer b, int start, int end) {
    int[] pos = {start};
    while (pos[0] < end) {
      long tag = uleb(b, pos, end);
      if (tag < 0) {
        return Optional.empty();
      }
      if (tag == 6) { // Tag_CPU_arch
        long value = uleb(b, pos, end);
        return value < 0 ? Optional.empty() : Optional.of(value);
      }
      // Tag_CPU_raw_name (4), Tag_CPU_name (5) and Tag_conformance (67) are strings; from 32 on,
      // odd tags are strings and even ones numbers; Tag_compatibility (32) is a number and a string.
      boolean string = tag == 4 || tag == 5 || tag == 67 || (tag > 32 && tag % 2 == 1);
      if (tag == 32) {
        if (uleb(b, pos, end) < 0) {
          return Optional.empty();
        }
        string = true;
      }
      if (string) {
        while (pos[0] < end && b.get(pos[0]) != 0) {
          pos[0]++;
        }
        pos[0]++;
      } else if (uleb(b, pos, end) < 0) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static long uleb(ByteBuffer b, int[] pos, int end) {
    long result = 0;
    int shift = 0;
    while (pos[0] < end && shift < 63) {
      int x = b.get(pos[0]++) & 0xff;
      result |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        return result;
      }
      shift += 7;
    }
    return -1;
  }

  /** Tag_CPU_arch values: 3-5 are v5, 6-9 and 11-12 are v6, 10 and 13 are v7, 14 and later v8. */
  private static String armVersion(long cpuArch) {
    if (cpuArch >= 14) {
      return "v8";
    }
    if (cpuArch == 10 || cpuArch == 13) {
      return "v7";
    }
    if (cpuArch >= 6) {
      return "v6";
    }
    return "v5";
  }
}
