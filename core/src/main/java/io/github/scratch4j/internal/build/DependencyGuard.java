package io.github.scratch4j.internal.build;

import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.Layer;
import io.github.scratch4j.MissingDependencyException;
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
 * Refuses, before anything is written, an image in which a program could not start: a
 * dynamically linked executable without its interpreter or libraries, a {@code #!} script
 * without its interpreter, or an entrypoint that is not there. Programs added by this image's own
 * layers are checked, and the entrypoint wherever it comes from; a base image's other programs
 * are taken as they are.
 */
public final class DependencyGuard {
  /** The directories a {@code #!/usr/bin/env NAME} script's NAME is looked for in (Docker's default PATH). */
  private static final List<String> PATH = List.of(
      "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");
  static final String ADVICE = "Fix it by linking statically (gcc -static, musl-gcc -static, or"
      + " CGO_ENABLED=0 go build), by adding what is missing (Image.addWithLibraries adds a binary with its"
      + " interpreter and libraries), or by starting from a base image that has it."
      + " To build anyway, use Image.withoutDependencyCheck().";

  private final ImageRoot root;
  private final DependencyResolver resolver;

  DependencyGuard(LayeredFileSystem fs) {
    this.root = new ImageRoot(fs.entries());
    this.resolver = DependencyResolver.of(root);
  }

  /** The ELF executables this image's own layers add, by path, and the entrypoint's. */
  Map<String, ElfFile> executables(List<Layer> layers, LayeredFileSystem fs, ImageConfig config) {
    Map<String, ElfFile> out = new LinkedHashMap<>();
    for (String path : candidates(layers, fs, config)) {
      elf(path).filter(e -> e.linkage() != Linkage.NOT_EXECUTABLE).ifPresent(e -> out.put(path, e));
    }
    return out;
  }

  /** Throws if a program could not start; see the class comment. */
  void check(List<Layer> layers, LayeredFileSystem fs, ImageConfig config) {
    List<String> problems = new ArrayList<>();
    entrypoint(config).ifPresent(ep -> {
      if (ep.startsWith("/") && followFile(ep).isEmpty()) {
        problems.add("the entrypoint " + ep + " is not in the image");
      }
    });
    for (String path : candidates(layers, fs, config)) {
      Optional<FileEntry> file = root.file(path);
      if (file.isEmpty() || (file.get().mode() & 0111) == 0) {
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
            problems.add(report.describe() + ", so it would fail with \"exec " + path
                + ": no such file or directory\"");
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
          problems.add("the script " + path + " starts with #!" + line.strip() + " but the image has no "
              + interpreter);
        } else if (interpreter.endsWith("/env") && words.length > 1 && !words[1].startsWith("-")) {
          boolean found = PATH.stream().anyMatch(dir -> followFile(dir + "/" + words[1]).isPresent());
          if (!found) {
            problems.add("the script " + path + " runs " + words[1] + " through env, but no " + words[1]
                + " is in " + String.join(":", PATH));
          }
        }
      });
    }
    if (!problems.isEmpty()) {
      throw new MissingDependencyException(problems, ADVICE);
    }
  }

  /** The entrypoint's program: the entrypoint's first word, else the command's. */
  static Optional<String> entrypoint(ImageConfig config) {
    if (!config.entrypoint().isEmpty()) {
      return Optional.of(config.entrypoint().get(0));
    }
    return config.cmd().isEmpty() ? Optional.empty() : Optional.of(config.cmd().get(0));
  }

  /** The path the entrypoint leads to in the image, links followed. */
  Optional<String> entrypointPath(ImageConfig config) {
    return entrypoint(config).filter(ep -> ep.startsWith("/")).flatMap(this::followFile);
  }

  /** Paths of regular files the image's own layers add, plus the entrypoint's target. */
  private List<String> candidates(List<Layer> layers, LayeredFileSystem fs, ImageConfig config) {
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
    entrypoint(config).filter(ep -> ep.startsWith("/")).flatMap(this::followFile)
        .filter(p -> !out.contains(p)).ifPresent(out::add);
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
