/** Reads ELF files. */
package io.github.scratch4j.elf;
