/** Reads ELF files: identification, program headers, interpreter, dynamic section and notes. */
module io.github.scratch4j.elf {
  exports io.github.scratch4j.elf;
}
