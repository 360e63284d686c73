package io.github.scratch4j.elf;

import io.github.scratch4j.testing.ElfBuilder;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every malformed file is an ElfFormatException that says what is wrong and where. */
class MalformedElfTest {
  private static ElfBuilder.Built dynamicElf() {
    return ElfBuilder.elf64().interp("/lib64/ld-linux-x86-64.so.2").needed("libc.so.6").soname("app").build();
  }

  private static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void refused(byte[] bytes, String... phrases) {
    var a = assertThatThrownBy(() -> ElfFile.read(bytes)).isInstanceOf(ElfFormatException.class)
        .hasMessageContaining("offset");
    for (String p : phrases) {
      a.hasMessageContaining(p);
    }
  }

  @Test
  void truncatedIdentification() {
    refused(new byte[] {0x7f, 'E', 'L', 'F', 2, 1}, "truncated identification");
  }

  @Test
  void truncatedHeader() {
    refused(Arrays.copyOf(dynamicElf().bytes(), 40), "truncated ELF header");
  }

  @Test
  void invalidClassAndData() {
    byte[] b = dynamicElf().bytes();
    b[4] = 7;
    refused(b, "EI_CLASS", "offset 4");
    byte[] c = dynamicElf().bytes();
    c[5] = 0;
    refused(c, "EI_DATA", "offset 5");
  }

  @Test
  void hugeProgramHeaderCount() {
    byte[] b = dynamicElf().bytes();
    le(b).putShort(56, (short) 0xfffe);
    refused(b, "program header table", "past the end");
  }

  @Test
  void pnXnumWithAnImplausibleCountInSectionZero() {
    byte[] base = dynamicElf().bytes();
    byte[] b = Arrays.copyOf(base, base.length + 64);
    ByteBuffer h = le(b);
    h.putShort(56, (short) 0xffff);          // e_phnum = PN_XNUM
    h.putLong(40, base.length);              // e_shoff: a section header 0 at the end
    h.putShort(58, (short) 64);              // e_shentsize
    h.putShort(60, (short) 1);
    h.putInt(base.length + 44, 0x7fffffff);  // sh_info: the real program header count
    refused(b, "implausible program header count");
  }

  @Test
  void pnXnumWithoutASectionHeader() {
    byte[] b = dynamicElf().bytes();
    le(b).putShort(56, (short) 0xffff);
    refused(b, "PN_XNUM", "no section header 0");
  }

  @Test
  void hugeSectionCount() {
    byte[] base = dynamicElf().bytes();
    byte[] b = Arrays.copyOf(base, base.length + 64);
    ByteBuffer h = le(b);
    h.putLong(40, base.length);
    h.putShort(58, (short) 64);
    h.putShort(60, (short) 0);               // e_shnum 0: the count is in section 0's sh_size
    h.putLong(base.length + 32, Long.MAX_VALUE);
    refused(b, "implausible section count");
  }

  @Test
  void wrongProgramHeaderEntrySize() {
    byte[] b = dynamicElf().bytes();
    le(b).putShort(54, (short) 32);
    refused(b, "e_phentsize is 32", "56");
  }

  @Test
  void programHeaderTablePastTheEnd() {
    byte[] b = dynamicElf().bytes();
    le(b).putLong(32, b.length - 10);
    refused(b, "past the end");
  }

  @Test
  void offsetsThatOverflow() {
    byte[] b = dynamicElf().bytes();
    le(b).putLong(32, Long.MAX_VALUE - 10);
    refused(b, "overflows");
    byte[] c = dynamicElf().bytes();
    le(c).putLong(32, -64);
    refused(c, "negative");
  }

  @Test
  void segmentPastTheEnd() {
    ElfBuilder.Built built = dynamicElf();
    byte[] b = built.bytes();
    // The PT_INTERP header is the second program header: p_offset at +8.
    le(b).putLong(built.phoff() + 56 + 8, b.length + 100L);
    refused(b, "PT_INTERP", "past the end");
  }

  @Test
  void interpreterWithoutNul() {
    ElfBuilder.Built built = dynamicElf();
    byte[] b = built.bytes();
    int at = built.interpOffset();
    int len = "/lib64/ld-linux-x86-64.so.2".length();
    b[at + len] = 'x';
    refused(b, "PT_INTERP is not terminated");
  }

  @Test
  void dynamicSectionWithoutDtNull() {
    ElfBuilder.Built built = dynamicElf();
    byte[] b = built.bytes();
    ByteBuffer h = le(b);
    // Entries: STRTAB, STRSZ, NEEDED, SONAME, NULL: turn NULL into another NEEDED.
    h.putLong(built.dynamicOffset() + 4 * 16, 1);
    refused(b, "no DT_NULL");
  }

  @Test
  void stringIndexOutOfRange() {
    ElfBuilder.Built built = dynamicElf();
    byte[] b = built.bytes();
    le(b).putLong(built.dynamicOffset() + 2 * 16 + 8, 1_000_000);
    refused(b, "string table index 1000000 is out of range");
  }

  @Test
  void stringTableAddressOutsideEverySegment() {
    ElfBuilder.Built built = dynamicElf();
    byte[] b = built.bytes();
    le(b).putLong(built.dynamicOffset() + 8, 0x10);
    refused(b, "DT_STRTAB address", "no PT_LOAD");
  }

  @Test
  void stringThatRunsToTheEndOfItsTable() {
    ElfBuilder.Built built = dynamicElf();
    byte[] b = built.bytes();
    // Shrink DT_STRSZ so that "libc.so.6" is cut before its NUL.
    le(b).putLong(built.dynamicOffset() + 16 + 8, 4);
    refused(b, "not NUL-terminated");
  }

  @Test
  void noteSizesThatOverflowTheSegment() {
    ElfBuilder.Built built = ElfBuilder.elf64().gnuBuildId(new byte[20]).build();
    byte[] b = built.bytes();
    le(b).putInt(built.noteOffset() + 4, 0x7ffffff0);
    refused(b, "note sizes");
  }

  @Test
  void dynamicSectionSaysStringsButHasNoTable() {
    ElfBuilder.Built built = dynamicElf();
    byte[] b = built.bytes();
    le(b).putLong(built.dynamicOffset(), 0x70000000L); // DT_STRTAB becomes an unknown tag
    refused(b, "no DT_STRTAB");
  }
}
