package io.github.scratch4j.elf;

/** The object file type (gABI, e_type). */
public enum ElfType {
  /** No file type. */
  NONE,
  /** A relocatable object, such as a {@code .o} file. */
  REL,
  /** An executable at a fixed address. */
  EXEC,
  /** A shared object: a shared library or a position-independent executable. */
  DYN,
  /** A core dump. */
  CORE,
  /** An OS- or processor-specific type. */
  OTHER
}
