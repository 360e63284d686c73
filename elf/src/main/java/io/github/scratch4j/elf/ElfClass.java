package io.github.scratch4j.elf;

/** The file's class: the size of its addresses and offsets (gABI, EI_CLASS). */
public enum ElfClass {
  /** 32-bit objects. */
  ELF32,
  /** 64-bit objects. */
  ELF64
}
