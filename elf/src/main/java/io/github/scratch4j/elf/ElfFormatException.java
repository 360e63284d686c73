package io.github.scratch4j.elf;

import java.io.IOException;

/** Thrown when a file starts with the ELF magic but its structure is malformed. */
public class ElfFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message that says what is wrong and at which offset.
   *
   * @param message the message, naming the file, the structure at fault and its offset
   */
  public ElfFormatException(String message) {
    super(message);
  }
}
