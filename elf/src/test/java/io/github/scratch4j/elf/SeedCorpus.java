package io.github.scratch4j.elf;

import io.github.scratch4j.testing.ElfBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the fuzz test's seed corpus: small hand-built ELF images of each shape and some
 * truncated variants. Run with {@code java SeedCorpus.java <dir>} from the test classes; the
 * output is committed because Jazzer's regression mode reads it from the resources.
 */
final class SeedCorpus {
  private SeedCorpus() {}

  static Map<String, byte[]> seeds() {
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("static64", ElfBuilder.elf64().build().bytes());
    seeds.put("dynamic64", ElfBuilder.elf64().interp("/lib64/ld-linux-x86-64.so.2").needed("libc.so.6", "libm.so.6")
        .runpath("$ORIGIN/../lib").gnuBuildId(new byte[20]).build().bytes());
    seeds.put("pie64", ElfBuilder.elf64().type(3).flags1(ElfFile.DF_1_PIE).goBuildId("go/build/id").build().bytes());
    seeds.put("lib64be", ElfBuilder.elf64().bigEndian().machine(22).type(3).entry(0).soname("libx.so.1")
        .rpath("/opt/lib").build().bytes());
    seeds.put("dynamic32", ElfBuilder.elf32().interp("/lib/ld-linux.so.2").needed("libc.so.6").build().bytes());
    seeds.put("arm32", ElfBuilder.elf32().armCpuArch(10).build().bytes());
    seeds.put("aarch64", ElfBuilder.elf64().machine(183).build().bytes());
    byte[] dyn = ElfBuilder.elf64().interp("/lib64/ld-linux-x86-64.so.2").needed("libc.so.6").build().bytes();
    seeds.put("truncated-ident", Arrays.copyOf(dyn, 10));
    seeds.put("truncated-header", Arrays.copyOf(dyn, 50));
    seeds.put("truncated-phdrs", Arrays.copyOf(dyn, 100));
    seeds.put("truncated-dynamic", Arrays.copyOf(dyn, dyn.length - 20));
    return seeds;
  }

  public static void main(String[] args) throws IOException {
    Path dir = Files.createDirectories(Path.of(args[0]));
    for (Map.Entry<String, byte[]> s : seeds().entrySet()) {
      Files.write(dir.resolve(s.getKey()), s.getValue());
    }
  }
}
