package io.github.scratch4j.elf;

import java.io.IOException;

/** Thrown by {@link ElfFile#read} for a file that is not ELF at all (no ELF magic). */
public class NotElfException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception naming the file.
   *
   * @param message the message, naming the file that is not ELF
   */
  public NotElfException(String message) {
    super(message);
  }
}
