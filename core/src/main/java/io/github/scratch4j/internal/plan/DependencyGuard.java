package io.github.scratch4j.internal.plan;

import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.Layer;
import io.github.scratch4j.ImageCheck;
import io.github.scratch4j.ImageCheckException.Problem;
import io.github.scratch4j.elf.DependencyReport;
import io.github.scratch4j.elf.DependencyResolver;
import io.github.scratch4j.elf.ElfFile;
import io.github.scratch4j.elf.Linkage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the programs of an image that could not start for what they lack ({@link ImageCheck#DEPENDENCIES}):
 * a dynamically linked executable without its interpreter or libraries, a {@code #!} script without
 * its interpreter. Programs added by this image's own layers are checked, and the entrypoint
 * wherever it comes from; a base image's other programs are taken as they are.
 */
final class DependencyGuard {
  /** The directories a {@code #!/usr/bin/env NAME} script's NAME is looked for in (Docker's default PATH). */
  private static final List<String> PATH = List.of(
      "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");
  /** The fix for an executable whose interpreter or libraries are missing. */
  static final String LINKING_FIX = "link it statically (gcc -static, musl-gcc -static, or CGO_ENABLED=0 go build),"
      + " add what is missing (Image.addWithLibraries adds a binary with its interpreter and libraries), or start"
      + " from a base image that has it";

  private final ImageRoot root;
  private final DependencyResolver resolver;

  DependencyGuard(LayeredFileSystem fs) {
    this.root = new ImageRoot(fs.entries());
    this.resolver = DependencyResolver.of(root);
  }

  /** The ELF executables this image's own layers add, by path, and the entrypoint's. */
  Map<String, ElfFile> executables(List<Layer> layers, LayeredFileSystem fs, Optional<String> entrypoint) {
    Map<String, ElfFile> out = new LinkedHashMap<>();
    for (String path : candidates(layers, fs, entrypoint)) {
      elf(path).filter(e -> e.linkage() != Linkage.NOT_EXECUTABLE).ifPresent(e -> out.put(path, e));
    }
    return out;
  }

  /**
   * The problems of programs that could not start for what they lack (see the class comment): the
   * entrypoint's file and the executables this image's own layers add.
   *
   * @param entrypoint the file the entrypoint leads to, when it was found
   */
  List<Problem> check(List<Layer> layers, LayeredFileSystem fs, Optional<String> entrypoint) {
    List<Problem> problems = new ArrayList<>();
    for (String path : candidates(layers, fs, entrypoint)) {
      Optional<FileEntry> file = root.file(path);
      if (file.isEmpty()) {
        continue;
      }
      Optional<ElfFile> elf = elf(path);
      if (elf.isPresent()) {
        if (elf.get().linkage() == Linkage.DYNAMIC) {
          DependencyReport report;
          try {
            report = resolver.check(path);
          } catch (IOException e) {
            throw new UncheckedIOException("cannot check the libraries of " + path + ": " + e.getMessage(), e);
          }
          if (!report.satisfied()) {
            String describe = report.describe();
            String reason = describe.startsWith(path + " ") ? describe.substring(path.length() + 1) : describe;
            problems.add(new Problem(ImageCheck.DEPENDENCIES, path, reason
                + ", so it would fail with \"exec " + path + ": no such file or directory\"", LINKING_FIX));
          }
        }
        continue;
      }
      shebang(path).ifPresent(line -> {
        String[] words = line.strip().split("\\s+");
        if (words.length == 0 || words[0].isEmpty()) {
          return;
        }
        String interpreter = words[0];
        if (followFile(interpreter).isEmpty()) {
          problems.add(new Problem(ImageCheck.DEPENDENCIES, path, "is a script that starts with #!" + line.strip()
              + " but the image has no " + interpreter + ", so it would fail with \"no such file or directory\"",
              "add " + interpreter + " (a static build of it, or Image.addWithLibraries(Path.of(\"" + interpreter
                  + "\")) for this machine's), start from a base image that has it, or make the program a static"
                  + " binary"));
        } else if (interpreter.endsWith("/env") && words.length > 1 && !words[1].startsWith("-")) {
          boolean found = PATH.stream().anyMatch(dir -> followFile(dir + "/" + words[1]).isPresent());
          if (!found) {
            problems.add(new Problem(ImageCheck.DEPENDENCIES, path, "is a script that runs " + words[1]
                + " through env, but no " + words[1] + " is in " + String.join(":", PATH)
                + ", so it would fail with \"env: '" + words[1] + "': No such file or directory\"",
                "add " + words[1] + " in one of those directories (Image.addWithLibraries adds a program from this"
                    + " machine with its libraries), or start from a base image that has it"));
          }
        }
      });
    }
    return problems;
  }

  /** Whether the file at {@code path} starts with {@code #!}. */
  boolean isScript(String path) {
    return shebang(path).isPresent();
  }

  /** Paths of regular files the image's own layers add, plus the entrypoint's target. */
  private List<String> candidates(List<Layer> layers, LayeredFileSystem fs, Optional<String> entrypoint) {
    List<String> out = new ArrayList<>();
    for (Layer layer : layers) {
      if (layer.blob().isPresent()) {
        continue;
      }
      for (Entry e : layer.entries()) {
        if (e instanceof FileEntry f && (f.mode() & 0111) != 0 && fs.get(e.path()).filter(x -> x == e).isPresent()) {
          out.add(e.path());
        }
      }
    }
    entrypoint.filter(p -> !out.contains(p)).ifPresent(out::add);
    return out;
  }

  private Optional<String> followFile(String path) {
    try {
      return resolver.follow(path).filter(p -> root.file(p).isPresent());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  Optional<ElfFile> elf(String path) {
    try {
      Optional<SeekableByteChannel> channel = root.open(path);
      if (channel.isEmpty()) {
        return Optional.empty();
      }
      try (SeekableByteChannel c = channel.get()) {
        return ElfFile.probe(c);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + " in the image: " + e.getMessage(), e);
    }
  }

  private Optional<String> shebang(String path) {
    Optional<FileEntry> f = root.file(path);
    if (f.isEmpty() || f.get().source().size() < 3) {
      return Optional.empty();
    }
    try (InputStream in = f.get().source().open()) {
      byte[] head = in.readNBytes(256);
      if (head.length < 2 || head[0] != '#' || head[1] != '!') {
        return Optional.empty();
      }
      int end = 2;
      while (end < head.length && head[end] != '\n') {
        end++;
      }
      return Optional.of(new String(head, 2, end - 2, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
