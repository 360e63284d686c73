package io.github.scratch4j.elf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/**
 * Fuzzes {@link ElfFile#probe(byte[])}: any input may be refused with an IOException, but nothing
 * else may come out (no IndexOutOfBounds, NegativeArraySize, OutOfMemoryError, endless loop).
 * Under {@code mvn verify} it runs the seed corpus in
 * {@code src/test/resources/io/github/scratch4j/elf/ElfFuzzTestInputs/read}; with
 * {@code JAZZER_FUZZ=1} it fuzzes for real.
 */
class ElfFuzzTest {
  @FuzzTest(maxDuration = "10m")
  void read(byte[] data) {
    try {
      ElfFile.probe(data).ifPresent(elf -> {
        elf.linkage();
        elf.architecture();
        elf.toString();
      });
    } catch (IOException expected) {
      // Malformed input is refused with a message; that is the contract.
      if (expected.getMessage() == null || expected.getMessage().isBlank()) {
        throw new AssertionError("an exception without a message", expected);
      }
    }
  }
}
