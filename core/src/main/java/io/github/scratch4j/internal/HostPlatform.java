package io.github.scratch4j.internal;

import io.github.scratch4j.Platform;
import java.util.Optional;

/**
 * The platform Java runs on, and the one rule by which an image of an index is chosen for a
 * wanted platform, whether the index is read from an archive or pulled from a registry.
 */
public final class HostPlatform {
  private HostPlatform() {}

  /** {@code linux} and the architecture Java runs on, in OCI's names, without a variant. */
  public static Platform get() {
    String arch = System.getProperty("os.arch");
    String oci = switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      case "x86", "i386", "i686" -> "386";
      default -> arch;
    };
    return new Platform("linux", oci, Optional.empty());
  }

  /**
   * Whether an image of {@code candidate} serves {@code wanted}: the same os and architecture, and
   * the same variant where both name one (an image without a variant serves every variant, and a
   * wanted platform without one takes any).
   */
  public static boolean serves(Platform candidate, Platform wanted) {
    return candidate.os().equals(wanted.os()) && candidate.architecture().equals(wanted.architecture())
        && (wanted.variant().isEmpty() || candidate.variant().isEmpty() || candidate.variant().equals(wanted.variant()));
  }
}
