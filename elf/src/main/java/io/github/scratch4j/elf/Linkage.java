package io.github.scratch4j.elf;

/** How an ELF file gets to run, which decides what an image must hold besides it. */
public enum Linkage {
  /** A static executable: runs on its own. */
  STATIC,
  /**
   * A static position-independent executable ({@code gcc -static-pie}, Go's static
   * {@code -buildmode=pie}): runs on its own.
   */
  STATIC_PIE,
  /** Needs its program interpreter (the dynamic loader) and shared libraries to run. */
  DYNAMIC,
  /** Not something that runs: a relocatable object, a core file or a shared library. */
  NOT_EXECUTABLE
}
