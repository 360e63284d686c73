package io.github.scratch4j.internal.build;

import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.Platform;
import io.github.scratch4j.PlatformConflictException;
import io.github.scratch4j.elf.Architecture;
import io.github.scratch4j.elf.ElfFile;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decides an image's platform. One set explicitly wins. Otherwise the entrypoint's ELF header
 * decides (an arm64 binary makes an arm64 image), else the image's executables if they agree,
 * else the base image's, else {@code linux/amd64}. Executables built for different architectures,
 * or for another than the base image's, are an error unless the platform is set explicitly.
 */
final class PlatformResolver {
  private PlatformResolver() {}

  static Platform resolve(ImageConfig config, boolean inherited, Map<String, ElfFile> executables,
      Optional<String> entrypoint) {
    if (config.platform().isPresent() && !inherited) {
      return config.platform().get();
    }
    Map<String, String> arches = new TreeMap<>();
    Map<String, Architecture> byName = new TreeMap<>();
    executables.forEach((path, elf) -> elf.architecture().ifPresent(a -> {
      arches.put(path, a.name());
      byName.putIfAbsent(a.name(), a);
    }));
    if (inherited) {
      Platform base = config.platform().orElseThrow();
      arches.forEach((path, arch) -> {
        if (!arch.equals(base.architecture())) {
          throw new PlatformConflictException(path + " is built for " + arch + " but the base image is "
              + base + "; use a base image for " + arch + ", or set the platform with Image.platform() if this is"
              + " intended");
        }
      });
      return base;
    }
    if (byName.size() > 1) {
      throw new PlatformConflictException("the image's executables are built for different architectures: "
          + arches + "; build them for one, or set the platform with Image.platform()");
    }
    Optional<Architecture> arch = entrypoint.flatMap(ep -> Optional.ofNullable(executables.get(ep)))
        .flatMap(ElfFile::architecture)
        .or(() -> byName.values().stream().findFirst());
    return arch.map(a -> new Platform("linux", a.name(), a.variant())).orElse(Platform.LINUX_AMD64);
  }
}
