package io.github.scratch4j;

/** How {@link Image#unpackTo} treats its target and the entries' owners. */
public enum UnpackOption {
  /**
   * Replaces a target directory that is not empty. Without it, unpacking into a directory that
   * holds anything fails before anything is written.
   */
  REPLACE,
  /**
   * Gives files, directories and links the owners their entries name. Only root can; without this
   * option every unpacked file belongs to the user who unpacks, and the owners stay in the image's
   * entries (a runtime bundle maps them with a user namespace).
   */
  OWNERS
}
