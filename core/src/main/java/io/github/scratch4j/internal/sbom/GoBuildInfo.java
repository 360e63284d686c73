package io.github.scratch4j.internal.sbom;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The build information a Go binary carries (Go's {@code debug/buildinfo}): a 32-byte header
 * starting with {@code "\xff Go buildinf:"} at a 16-byte boundary, then, since Go 1.18 (flag bit
 * 2), the Go version and the module information as two strings, each a uvarint length and its
 * bytes. The module information is the text {@code go version -m} prints, one tab-separated line
 * each ({@code path}, {@code mod}, {@code dep}, {@code =>}, {@code build}), between two 16-byte
 * markers. Older binaries point at the strings instead; they are not read.
 */
public record GoBuildInfo(String goVersion, String path, Optional<Module> main, List<Module> deps) {
  /** A module line: {@code mod} or {@code dep}, with a replacement ({@code =>}) when it has one. */
  public record Module(String path, String version, String sum, Optional<Module> replacement) {}

  private static final byte[] MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
  /** The longest string read: module information is a few kilobytes. */
  private static final int MAX_STRING = 1 << 20;

  /** The build information in a binary's bytes, if it has some in the inline form. */
  public static Optional<GoBuildInfo> find(byte[] binary) {
    for (int at = 0; at + 32 <= binary.length; at += 16) {
      if (!startsWith(binary, at, MAGIC)) {
        continue;
      }
      int flags = binary[at + 15] & 0xff;
      if ((flags & 2) == 0) {
        return Optional.empty();
      }
      int[] pos = {at + 32};
      Optional<String> version = string(binary, pos);
      Optional<String> modinfo = string(binary, pos);
      if (version.isEmpty() || modinfo.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(parse(version.get(), stripMarkers(modinfo.get())));
    }
    return Optional.empty();
  }

  private static boolean startsWith(byte[] b, int at, byte[] prefix) {
    if (at + prefix.length > b.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** A uvarint-prefixed string at {@code pos[0]}, which moves past it. */
  private static Optional<String> string(byte[] b, int[] pos) {
    long length = 0;
    int shift = 0;
    int at = pos[0];
    while (true) {
      if (at >= b.length || shift > 35) {
        return Optional.empty();
      }
      int c = b[at++] & 0xff;
      length |= (long) (c & 0x7f) << shift;
      if (c < 0x80) {
        break;
      }
      shift += 7;
    }
    if (length > MAX_STRING || at + length > b.length) {
      return Optional.empty();
    }
    pos[0] = at + (int) length;
    return Optional.of(new String(b, at, (int) length, StandardCharsets.UTF_8));
  }

  /** The module text without the 16-byte markers around it (Go's runtime/debug modinfo). */
  private static String stripMarkers(String modinfo) {
    if (modinfo.length() >= 33 && modinfo.charAt(modinfo.length() - 17) == '\n') {
      return modinfo.substring(16, modinfo.length() - 16);
    }
    return modinfo;
  }

  static GoBuildInfo parse(String goVersion, String modinfo) {
    String path = "";
    Module main = null;
    List<Module> deps = new ArrayList<>();
    for (String line : modinfo.split("\n")) {
      String[] f = line.split("\t", -1);
      switch (f[0]) {
        case "path" -> path = f.length > 1 ? f[1] : "";
        case "mod" -> main = module(f);
        case "dep" -> deps.add(module(f));
        case "=>" -> {
          Module replacement = module(f);
          if (!deps.isEmpty()) {
            Module last = deps.remove(deps.size() - 1);
            deps.add(new Module(last.path(), last.version(), last.sum(), Optional.of(replacement)));
          } else if (main != null) {
            main = new Module(main.path(), main.version(), main.sum(), Optional.of(replacement));
          }
        }
        default -> { }
      }
    }
    return new GoBuildInfo(goVersion, path, Optional.ofNullable(main), List.copyOf(deps));
  }

  private static Module module(String[] f) {
    return new Module(f.length > 1 ? f[1] : "", f.length > 2 ? f[2] : "", f.length > 3 ? f[3] : "", Optional.empty());
  }
}
