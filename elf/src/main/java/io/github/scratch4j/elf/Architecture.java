package io.github.scratch4j.elf;

import java.util.Optional;

/**
 * A CPU architecture with the names OCI platforms and Go use.
 *
 * @param name such as {@code amd64}, {@code arm64}, {@code arm}, {@code 386}, {@code riscv64}
 * @param variant such as {@code v8} for arm64 or {@code v7} for arm, when known
 */
public record Architecture(String name, Optional<String> variant) {}
