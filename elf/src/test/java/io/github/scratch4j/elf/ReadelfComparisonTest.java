package io.github.scratch4j.elf;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.scratch4j.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The reader agrees with binutils' readelf on the machine's own ELF files. */
class ReadelfComparisonTest {
  /** ELF files taken from each directory, so executables and libraries both count. */
  private static final int PER_DIRECTORY = 100;
  private static final Pattern TYPE = Pattern.compile("^\\s*Type:\\s+(\\w+)", Pattern.MULTILINE);
  private static final Pattern MACHINE = Pattern.compile("^\\s*Machine:\\s+(.+)$", Pattern.MULTILINE);
  private static final Pattern INTERP = Pattern.compile("\\[Requesting program interpreter: (.+)\\]");
  private static final Pattern NEEDED = Pattern.compile("\\(NEEDED\\)\\s+Shared library: \\[(.+)\\]");
  private static final Map<String, Integer> MACHINES = Map.of(
      "Advanced Micro Devices X86-64", 62, "Intel 80386", 3, "AArch64", 183, "ARM", 40,
      "RISC-V", 243, "PowerPC64", 21, "IBM S/390", 22, "Linux BPF", 247);

  private static List<List<Path>> candidates() throws IOException {
    List<List<Path>> out = new ArrayList<>();
    for (String dir : List.of("/usr/bin", "/usr/sbin", "/usr/lib/x86_64-linux-gnu", "/usr/lib")) {
      Path d = Path.of(dir);
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (Stream<Path> files = Files.list(d)) {
        out.add(files.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted().toList());
      }
    }
    return out;
  }

  @Test
  void agreesWithReadelfOnTheMachinesBinariesAndLibraries() throws Exception {
    Path readelf = Tools.require("readelf");
    int compared = 0;
    int libraries = 0;
    List<String> disagreements = new ArrayList<>();
    for (List<Path> directory : candidates()) {
      int fromThisDirectory = 0;
      for (Path file : directory) {
        if (fromThisDirectory >= PER_DIRECTORY) {
          break;
        }
        Optional<ElfFile> parsed;
        try {
          parsed = ElfFile.probe(file);
        } catch (java.nio.file.AccessDeniedException e) {
          continue;
        }
        if (parsed.isEmpty()) {
          continue;
        }
        ElfFile elf = parsed.get();
        Tools.Result r = Tools.run(List.of(readelf.toString(), "-h", "-l", "-d", "-W", file.toString()));
        String out = r.stdout();
        Matcher type = TYPE.matcher(out);
        Matcher machine = MACHINE.matcher(out);
        assertThat(type.find()).as(file + ": readelf printed no type").isTrue();
        assertThat(machine.find()).as(file + ": readelf printed no machine").isTrue();
        if (!type.group(1).equals(elf.type().name())) {
          disagreements.add(file + ": type " + elf.type() + " vs readelf " + type.group(1));
        }
        Integer m = MACHINES.get(machine.group(1).strip());
        if (m == null || m != elf.machine()) {
          disagreements.add(file + ": machine " + elf.machine() + " vs readelf " + machine.group(1));
        }
        Matcher interp = INTERP.matcher(out);
        Optional<String> theirs = interp.find() ? Optional.of(interp.group(1)) : Optional.empty();
        if (!theirs.equals(elf.interpreter())) {
          disagreements.add(file + ": interpreter " + elf.interpreter() + " vs readelf " + theirs);
        }
        List<String> needed = new ArrayList<>();
        Matcher n = NEEDED.matcher(out);
        while (n.find()) {
          needed.add(n.group(1));
        }
        if (!needed.equals(elf.needed())) {
          disagreements.add(file + ": needed " + elf.needed() + " vs readelf " + needed);
        }
        compared++;
        fromThisDirectory++;
        if (elf.linkage() == Linkage.NOT_EXECUTABLE) {
          libraries++;
        }
      }
    }
    assertThat(disagreements).isEmpty();
    assertThat(libraries).as("shared libraries compared").isGreaterThanOrEqualTo(50);
    assertThat(compared).as("ELF files compared").isGreaterThanOrEqualTo(200);
  }
}
