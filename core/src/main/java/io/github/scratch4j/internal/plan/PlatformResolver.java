package io.github.scratch4j.internal.plan;

import io.github.scratch4j.ImageCheck;
import io.github.scratch4j.ImageCheckException.Problem;
import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.Platform;
import io.github.scratch4j.elf.Architecture;
import io.github.scratch4j.elf.ElfFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decides an image's platform. One set explicitly wins; otherwise the base image's; otherwise the
 * entrypoint's ELF header (an arm64 binary makes an arm64 image), else the image's executables if
 * they agree, else {@code linux/amd64}. Any executable the image adds, or its entrypoint, built
 * for another architecture than the one decided is a problem ({@link ImageCheck#PLATFORM}): it
 * would fail with "exec format error".
 */
final class PlatformResolver {
  private PlatformResolver() {}

  /** The platform, and the executables that contradict it. */
  record Decision(Platform platform, List<Problem> problems) {}

  static Decision resolve(ImageConfig config, boolean inherited, Map<String, ElfFile> executables,
      Optional<String> entrypoint) {
    Map<String, String> arches = new TreeMap<>();
    Map<String, Architecture> byName = new TreeMap<>();
    executables.forEach((path, elf) -> elf.architecture().ifPresent(a -> {
      arches.put(path, a.name());
      byName.putIfAbsent(a.name(), a);
    }));
    List<Problem> problems = new ArrayList<>();
    if (config.platform().isPresent()) {
      Platform p = config.platform().get();
      String why = inherited ? "the base image is " + p : "the image's platform is " + p + ", set with platform(...)";
      String fix = inherited
          ? "build it for " + p.architecture() + ", or start from a base image for its architecture"
          : "build it for " + p.architecture() + ", or leave platform(...) unset and the image takes its entrypoint's"
              + " architecture";
      arches.forEach((path, arch) -> {
        if (!arch.equals(p.architecture())) {
          problems.add(new Problem(ImageCheck.PLATFORM, path, "is built for " + arch + " but " + why
              + ", so it would fail with \"exec format error\"", fix
              + " (if it runs through binfmt_misc and QEMU on purpose, turn this check off)"));
        }
      });
      return new Decision(p, problems);
    }
    Optional<Architecture> chosen = entrypoint.flatMap(ep -> Optional.ofNullable(executables.get(ep)))
        .flatMap(ElfFile::architecture)
        .or(() -> byName.values().stream().findFirst());
    if (byName.size() > 1) {
      String anchor = entrypoint.filter(arches::containsKey).map(ep -> "its entrypoint " + ep)
          .orElse("the first of them");
      String arch = chosen.orElseThrow().name();
      arches.forEach((path, a) -> {
        if (!a.equals(arch)) {
          problems.add(new Problem(ImageCheck.PLATFORM, path, "is built for " + a + " but the image's executables are"
              + " built for different architectures " + arches + ", and the image takes " + arch + " from " + anchor,
              "build them all for one architecture; to make an image for another platform, set it with"
                  + " platform(...)"));
        }
      });
    }
    return new Decision(chosen.map(a -> new Platform("linux", a.name(), a.variant())).orElse(Platform.LINUX_AMD64),
        problems);
  }
}
