package io.github.scratch4j.elf;

import java.util.List;
import java.util.Optional;

/**
 * What a binary needs that a root does not have.
 *
 * @param binary the binary's path in the root
 * @param linkage how the binary is linked
 * @param missingInterpreter its program interpreter, when the root does not have it
 * @param missingLibraries needed libraries the search did not find, by name
 * @param searched the directories searched, in order
 */
public record DependencyReport(
    String binary,
    Linkage linkage,
    Optional<String> missingInterpreter,
    List<String> missingLibraries,
    List<String> searched) {

  /**
   * Copies the lists, so that the report is unmodifiable.
   *
   * @param binary the binary's path in the root
   * @param linkage how the binary is linked
   * @param missingInterpreter its program interpreter, when the root does not have it
   * @param missingLibraries needed libraries the search did not find, by name
   * @param searched the directories searched, in order
   * @throws NullPointerException if a list is null or holds null
   */
  public DependencyReport {
    missingLibraries = List.copyOf(missingLibraries);
    searched = List.copyOf(searched);
  }

  /**
   * Whether nothing is missing.
   *
   * @return true when the interpreter (if any) and every needed library were found
   */
  public boolean satisfied() {
    return missingInterpreter.isEmpty() && missingLibraries.isEmpty();
  }

  /**
   * A sentence naming the binary and everything missing, for an error message.
   *
   * @return the binary's path, the missing interpreter and libraries, and the directories searched
   */
  public String describe() {
    StringBuilder s = new StringBuilder(binary).append(" is dynamically linked but");
    missingInterpreter.ifPresent(i -> s.append(" its program interpreter ").append(i).append(" is missing"));
    if (!missingLibraries.isEmpty()) {
      s.append(missingInterpreter.isPresent() ? " and" : "").append(" these libraries are missing: ")
          .append(String.join(", ", missingLibraries)).append(" (searched ").append(String.join(":", searched))
          .append(")");
    }
    return s.toString();
  }
}
