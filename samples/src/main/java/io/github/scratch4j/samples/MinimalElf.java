package io.github.scratch4j.samples;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes the smallest useful static Linux executable: it prints {@code hello world} with the
 * {@code write} system call and ends with {@code exit(0)}. No C compiler is needed: the machine
 * code is a dozen hand-assembled instructions, wrapped in a 64-bit ELF header and one loadable
 * segment (System V gABI, "ELF Header" and "Program Header").
 */
public final class MinimalElf {
  private static final long BASE = 0x400000;
  private static final int ELF_HEADER = 64;
  private static final int PROGRAM_HEADER = 56;
  private static final byte[] MESSAGE = "hello world\n".getBytes(StandardCharsets.US_ASCII);

  private MinimalElf() {}

  /** The executable for the architecture Java runs on ({@code amd64} or {@code arm64}). */
  public static byte[] forHost() {
    String arch = System.getProperty("os.arch");
    return switch (arch) {
      case "amd64", "x86_64" -> x86_64();
      case "aarch64", "arm64" -> aarch64();
      default -> throw new IllegalStateException(
          "no built-in hello world for " + arch + "; pass the path of a static binary instead");
    };
  }

  /** x86-64: write(1, msg, 12) is syscall 1, exit(0) is syscall 60. */
  public static byte[] x86_64() {
    ByteBuffer code = ByteBuffer.allocate(33).order(ByteOrder.LITTLE_ENDIAN);
    code.put(new byte[] {(byte) 0xb8, 1, 0, 0, 0});            // mov eax, 1      (write)
    code.put(new byte[] {(byte) 0xbf, 1, 0, 0, 0});            // mov edi, 1      (stdout)
    code.put(new byte[] {0x48, (byte) 0x8d, 0x35});            // lea rsi, [rip + msg]
    code.putInt(33 - 17);                                      //   msg follows the code
    code.put(new byte[] {(byte) 0xba, (byte) MESSAGE.length, 0, 0, 0}); // mov edx, 12
    code.put(new byte[] {0x0f, 0x05});                         // syscall
    code.put(new byte[] {(byte) 0xb8, 60, 0, 0, 0});           // mov eax, 60     (exit)
    code.put(new byte[] {0x31, (byte) 0xff});                  // xor edi, edi
    code.put(new byte[] {0x0f, 0x05});                         // syscall
    return elf(62, code.array());
  }

  /** AArch64: write is syscall 64, exit is 93, both through {@code svc #0} with x8 the number. */
  public static byte[] aarch64() {
    int[] instructions = {
      0xd2800020, // mov x0, #1      (stdout)
      0x100000e1, // adr x1, msg     (28 bytes ahead: the message follows the 8 instructions)
      0xd2800182, // mov x2, #12
      0xd2800808, // mov x8, #64     (write)
      0xd4000001, // svc #0
      0xd2800000, // mov x0, #0
      0xd2800ba8, // mov x8, #93     (exit)
      0xd4000001, // svc #0
    };
    ByteBuffer code = ByteBuffer.allocate(instructions.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i : instructions) {
      code.putInt(i);
    }
    return elf(183, code.array());
  }

  private static byte[] elf(int machine, byte[] code) {
    int fileSize = ELF_HEADER + PROGRAM_HEADER + code.length + MESSAGE.length;
    long entry = BASE + ELF_HEADER + PROGRAM_HEADER;
    ByteBuffer b = ByteBuffer.allocate(fileSize).order(ByteOrder.LITTLE_ENDIAN);
    // e_ident: magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT, ELFOSABI_NONE, padding.
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    b.putShort((short) 2);              // e_type: ET_EXEC
    b.putShort((short) machine);        // e_machine: EM_X86_64 (62) or EM_AARCH64 (183)
    b.putInt(1);                        // e_version
    b.putLong(entry);                   // e_entry
    b.putLong(ELF_HEADER);              // e_phoff
    b.putLong(0);                       // e_shoff: no section headers
    b.putInt(0);                        // e_flags
    b.putShort((short) ELF_HEADER);     // e_ehsize
    b.putShort((short) PROGRAM_HEADER); // e_phentsize
    b.putShort((short) 1);              // e_phnum
    b.putShort((short) 64);             // e_shentsize
    b.putShort((short) 0);              // e_shnum
    b.putShort((short) 0);              // e_shstrndx
    // One PT_LOAD segment mapping the whole file, readable and executable.
    b.putInt(1);                        // p_type: PT_LOAD
    b.putInt(5);                        // p_flags: PF_R | PF_X
    b.putLong(0);                       // p_offset
    b.putLong(BASE);                    // p_vaddr
    b.putLong(BASE);                    // p_paddr
    b.putLong(fileSize);                // p_filesz
    b.putLong(fileSize);                // p_memsz
    b.putLong(0x1000);                  // p_align
    b.put(code);
    b.put(MESSAGE);
    return b.array();
  }
}
