package io.github.scratch4j.elf;

/**
 * One program header: a segment the loader maps or a piece of information for it (gABI, "Program
 * Header").
 *
 * @param type the segment type ({@code PT_LOAD} is 1, {@code PT_INTERP} 3, ...)
 * @param flags the permission flags (execute 1, write 2, read 4)
 * @param offset the segment's offset in the file
 * @param vaddr its virtual address
 * @param paddr its physical address
 * @param filesz its size in the file
 * @param memsz its size in memory
 * @param align its alignment
 */
public record ProgramHeader(
    long type, long flags, long offset, long vaddr, long paddr, long filesz, long memsz, long align) {
  /** A loadable segment. */
  public static final long PT_LOAD = 1;
  /** The dynamic linking information. */
  public static final long PT_DYNAMIC = 2;
  /** The path of the program interpreter. */
  public static final long PT_INTERP = 3;
  /** Notes, such as the build ID. */
  public static final long PT_NOTE = 4;
}
