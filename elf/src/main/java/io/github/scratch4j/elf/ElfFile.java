package io.github.scratch4j.elf;

import io.github.scratch4j.elf.internal.ElfInput;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * What an ELF file says about itself: its identification and header, program headers, program
 * interpreter, dynamic section and notes (System V gABI, "Object Files" and "Program Loading and
 * Dynamic Linking").
 *
 * <p>Reading looks only at the headers and the segments it needs, with positioned reads: a large
 * binary is not read whole. Malformed input gives an {@link ElfFormatException} that says what is
 * wrong and at which offset; a file that is not ELF at all is not an error for {@link #probe}.
 */
public final class ElfFile {
  /** DF_1_PIE in DT_FLAGS_1: the object is a position-independent executable. */
  public static final long DF_1_PIE = 0x08000000L;

  private final ElfClass elfClass;
  private final ByteOrder byteOrder;
  private final int osAbi;
  private final ElfType type;
  private final int rawType;
  private final int machine;
  private final long entry;
  private final List<ProgramHeader> programHeaders;
  private final Optional<String> interpreter;
  private final List<String> needed;
  private final Optional<String> soname;
  private final Optional<String> rpath;
  private final Optional<String> runpath;
  private final long flags1;
  private final Optional<String> gnuBuildId;
  private final Optional<String> goBuildId;
  private final Optional<String> armVariant;

  ElfFile(ElfClass elfClass, ByteOrder byteOrder, int osAbi, int rawType, int machine, long entry,
      List<ProgramHeader> programHeaders, Optional<String> interpreter, List<String> needed,
      Optional<String> soname, Optional<String> rpath, Optional<String> runpath, long flags1,
      Optional<String> gnuBuildId, Optional<String> goBuildId, Optional<String> armVariant) {
    this.elfClass = elfClass;
    this.byteOrder = byteOrder;
    this.osAbi = osAbi;
    this.rawType = rawType;
    this.type = switch (rawType) {
      case 0 -> ElfType.NONE;
      case 1 -> ElfType.REL;
      case 2 -> ElfType.EXEC;
      case 3 -> ElfType.DYN;
      case 4 -> ElfType.CORE;
      default -> ElfType.OTHER;
    };
    this.machine = machine;
    this.entry = entry;
    this.programHeaders = List.copyOf(programHeaders);
    this.interpreter = interpreter;
    this.needed = List.copyOf(needed);
    this.soname = soname;
    this.rpath = rpath;
    this.runpath = runpath;
    this.flags1 = flags1;
    this.gnuBuildId = gnuBuildId;
    this.goBuildId = goBuildId;
    this.armVariant = armVariant;
  }

  /**
   * Reads an ELF file.
   *
   * @param file the file to read
   * @return what the file says about itself
   * @throws NotElfException if the file does not start with the ELF magic
   * @throws ElfFormatException if it does but is malformed
   * @throws IOException if the file cannot be opened or read
   */
  public static ElfFile read(Path file) throws IOException {
    try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ)) {
      return read(ElfInput.of(channel, file.toString()));
    }
  }

  /**
   * Reads an ELF file from a channel, with positioned reads; see {@link #read(Path)}.
   *
   * @param channel the file's content, from byte 0 of the channel; the caller keeps and closes it
   * @return what the file says about itself
   * @throws NotElfException if the content does not start with the ELF magic
   * @throws ElfFormatException if it does but is malformed
   * @throws IOException if the channel cannot be read
   */
  public static ElfFile read(SeekableByteChannel channel) throws IOException {
    return read(ElfInput.of(channel, "ELF input"));
  }

  /**
   * Reads an ELF file from bytes; see {@link #read(Path)}.
   *
   * @param bytes the whole file
   * @return what the file says about itself
   * @throws NotElfException if the bytes do not start with the ELF magic
   * @throws ElfFormatException if they do but are malformed
   */
  public static ElfFile read(byte[] bytes) throws IOException {
    return read(ElfInput.of(bytes, "ELF input"));
  }

  /**
   * Reads a file if it is ELF.
   *
   * @param file the file to read
   * @return what the file says about itself, or empty for a file that is not ELF (including one
   *     shorter than the magic)
   * @throws ElfFormatException if it is ELF but malformed
   * @throws IOException if the file cannot be opened or read
   */
  public static Optional<ElfFile> probe(Path file) throws IOException {
    try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ)) {
      return probe(ElfInput.of(channel, file.toString()));
    }
  }

  /**
   * Reads a channel if it is ELF; see {@link #probe(Path)}.
   *
   * @param channel the file's content, from byte 0 of the channel; the caller keeps and closes it
   * @return what the file says about itself, or empty when the content is not ELF
   * @throws ElfFormatException if it is ELF but malformed
   * @throws IOException if the channel cannot be read
   */
  public static Optional<ElfFile> probe(SeekableByteChannel channel) throws IOException {
    return probe(ElfInput.of(channel, "ELF input"));
  }

  /**
   * Reads bytes if they are ELF; see {@link #probe(Path)}.
   *
   * @param bytes the whole file
   * @return what the file says about itself, or empty when the bytes are not ELF
   * @throws ElfFormatException if they are ELF but malformed
   */
  public static Optional<ElfFile> probe(byte[] bytes) throws IOException {
    return probe(ElfInput.of(bytes, "ELF input"));
  }

  private static ElfFile read(ElfInput input) throws IOException {
    return probe(input).orElseThrow(() -> new NotElfException(input.name() + " is not an ELF file"));
  }

  private static Optional<ElfFile> probe(ElfInput input) throws IOException {
    return ElfParser.parse(input);
  }

  /**
   * Whether the file is 32- or 64-bit.
   *
   * @return the class from {@code EI_CLASS}
   */
  public ElfClass elfClass() {
    return elfClass;
  }

  /**
   * The byte order of its data.
   *
   * @return the order from {@code EI_DATA}
   */
  public ByteOrder byteOrder() {
    return byteOrder;
  }

  /**
   * The OS ABI byte ({@code EI_OSABI}): 0 for System V, 3 for GNU/Linux, ...
   *
   * @return the raw byte, 0 to 255
   */
  public int osAbi() {
    return osAbi;
  }

  /**
   * A readable name of the OS ABI, such as {@code SYSV} or {@code GNU/Linux}.
   *
   * @return the name, or {@code OS ABI <n>} for a value without one
   */
  public String osAbiName() {
    return switch (osAbi) {
      case 0 -> "SYSV";
      case 1 -> "HP-UX";
      case 2 -> "NetBSD";
      case 3 -> "GNU/Linux";
      case 6 -> "Solaris";
      case 9 -> "FreeBSD";
      case 12 -> "OpenBSD";
      case 97 -> "ARM";
      case 255 -> "Standalone";
      default -> "OS ABI " + osAbi;
    };
  }

  /**
   * The object file type.
   *
   * @return the type, {@link ElfType#OTHER} for a value outside the gABI's five
   */
  public ElfType type() {
    return type;
  }

  /**
   * The raw {@code e_type} value.
   *
   * @return the value as stored, also for the OS- and processor-specific ranges
   */
  public int rawType() {
    return rawType;
  }

  /**
   * The raw {@code e_machine} value: 62 for x86-64, 183 for AArch64, ...
   *
   * @return the value as stored
   */
  public int machine() {
    return machine;
  }

  /**
   * A readable name of the machine, such as {@code x86-64} or {@code AArch64}.
   *
   * @return the name, or {@code machine <n>} for a value without one
   */
  public String machineName() {
    return switch (machine) {
      case 0 -> "none";
      case 2 -> "SPARC";
      case 3 -> "Intel 80386";
      case 8 -> "MIPS";
      case 20 -> "PowerPC";
      case 21 -> "PowerPC64";
      case 22 -> "IBM S/390";
      case 40 -> "ARM";
      case 43 -> "SPARC v9";
      case 62 -> "x86-64";
      case 183 -> "AArch64";
      case 243 -> "RISC-V";
      case 247 -> "Linux BPF";
      case 258 -> "LoongArch";
      default -> "machine " + machine;
    };
  }

  /**
   * The entry point's virtual address.
   *
   * @return the address from {@code e_entry}, 0 when there is none
   */
  public long entry() {
    return entry;
  }

  /**
   * The program headers, in file order.
   *
   * @return an unmodifiable list, empty when the file has none
   */
  public List<ProgramHeader> programHeaders() {
    return programHeaders;
  }

  /**
   * The program interpreter ({@code PT_INTERP}), such as {@code /lib64/ld-linux-x86-64.so.2}.
   *
   * @return the interpreter's path as stored, or empty when the file has no {@code PT_INTERP}
   */
  public Optional<String> interpreter() {
    return interpreter;
  }

  /**
   * The shared libraries it needs ({@code DT_NEEDED}), in order.
   *
   * @return the names as stored, such as {@code libc.so.6}; an unmodifiable list, empty when there
   *     is no dynamic section or it needs nothing
   */
  public List<String> needed() {
    return needed;
  }

  /**
   * Its shared object name ({@code DT_SONAME}).
   *
   * @return the name, or empty when the dynamic section has none
   */
  public Optional<String> soname() {
    return soname;
  }

  /**
   * Its library search path {@code DT_RPATH}, as stored (colon-separated, may use $ORIGIN).
   *
   * @return the path list unexpanded, or empty when the dynamic section has none
   */
  public Optional<String> rpath() {
    return rpath;
  }

  /**
   * Its library search path {@code DT_RUNPATH}, as stored (colon-separated, may use $ORIGIN).
   *
   * @return the path list unexpanded, or empty when the dynamic section has none
   */
  public Optional<String> runpath() {
    return runpath;
  }

  /**
   * The {@code DT_FLAGS_1} value.
   *
   * @return the flags, 0 when absent
   */
  public long flags1() {
    return flags1;
  }

  /**
   * Whether {@code DT_FLAGS_1} marks it a position-independent executable.
   *
   * @return true when {@link #DF_1_PIE} is set
   */
  public boolean isPie() {
    return (flags1 & DF_1_PIE) != 0;
  }

  /**
   * The GNU build ID note ({@code NT_GNU_BUILD_ID}).
   *
   * @return the ID as lower-case hex, or empty when the file has no such note
   */
  public Optional<String> gnuBuildId() {
    return gnuBuildId;
  }

  /**
   * The Go build ID note.
   *
   * @return the ID as the Go linker wrote it, or empty when the file has no such note
   */
  public Optional<String> goBuildId() {
    return goBuildId;
  }

  /**
   * Whether it has a dynamic section.
   *
   * @return true when a {@code PT_DYNAMIC} program header is present
   */
  public boolean hasDynamicSection() {
    return programHeaders.stream().anyMatch(p -> p.type() == ProgramHeader.PT_DYNAMIC);
  }

  /**
   * How it runs: {@code ET_EXEC} is {@link Linkage#DYNAMIC} with a program interpreter and
   * {@link Linkage#STATIC} without. {@code ET_DYN} with an interpreter is dynamic; without one it
   * is {@link Linkage#STATIC_PIE} when it is an executable (DF_1_PIE set, or an entry point and no
   * needed libraries and no soname, as the dynamic loader itself and Go's static PIEs have) and
   * {@link Linkage#NOT_EXECUTABLE} otherwise (a shared library). Everything else is not
   * executable.
   *
   * @return how the file is linked
   */
  public Linkage linkage() {
    return switch (type) {
      case EXEC -> interpreter.isPresent() ? Linkage.DYNAMIC : Linkage.STATIC;
      case DYN -> {
        if (interpreter.isPresent()) {
          yield Linkage.DYNAMIC;
        }
        boolean executable = isPie() || (entry != 0 && needed.isEmpty() && soname.isEmpty());
        yield executable ? Linkage.STATIC_PIE : Linkage.NOT_EXECUTABLE;
      }
      default -> Linkage.NOT_EXECUTABLE;
    };
  }

  /**
   * The architecture with OCI names: x86-64 is {@code amd64}, AArch64 {@code arm64} variant
   * {@code v8}, 32-bit ARM {@code arm} with variant {@code v5} to {@code v8} from the
   * {@code .ARM.attributes} section's {@code Tag_CPU_arch} (no variant when the file has none),
   * i386 {@code 386}, and {@code riscv64}, {@code ppc64le}/{@code ppc64}, {@code s390x},
   * {@code loong64}, {@code mips}/{@code mipsle}/{@code mips64}/{@code mips64le}. Empty for other
   * machines.
   *
   * @return the OCI architecture and variant, or empty for a machine without an OCI name
   */
  public Optional<Architecture> architecture() {
    boolean is64 = elfClass == ElfClass.ELF64;
    boolean little = byteOrder == ByteOrder.LITTLE_ENDIAN;
    String name = switch (machine) {
      case 3 -> "386";
      case 62 -> "amd64";
      case 183 -> "arm64";
      case 40 -> "arm";
      case 243 -> is64 ? "riscv64" : null;
      case 21 -> little ? "ppc64le" : "ppc64";
      case 22 -> is64 ? "s390x" : null;
      case 258 -> is64 ? "loong64" : null;
      case 8 -> is64 ? (little ? "mips64le" : "mips64") : (little ? "mipsle" : "mips");
      default -> null;
    };
    if (name == null) {
      return Optional.empty();
    }
    Optional<String> variant = switch (machine) {
      case 183 -> Optional.of("v8");
      case 40 -> armVariant;
      default -> Optional.empty();
    };
    return Optional.of(new Architecture(name, variant));
  }

  @Override
  public String toString() {
    return "ElfFile[" + elfClass + " " + machineName() + " " + type + ", " + linkage()
        + interpreter.map(i -> ", interpreter " + i).orElse("") + (needed.isEmpty() ? "" : ", needs " + needed) + "]";
  }
}
