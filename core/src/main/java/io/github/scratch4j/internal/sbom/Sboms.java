package io.github.scratch4j.internal.sbom;

import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.HardlinkEntry;
import io.github.scratch4j.elf.ElfFile;
import io.github.scratch4j.internal.json.SpdxJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The SPDX 2.3 document of an image's file system: one package for the image, which contains
 * every regular file (path, SHA-1, SHA-256); an ELF file's comment gives its class, machine,
 * linkage, interpreter, needed libraries, soname and GNU build ID; a Go binary's build
 * information adds a package for its main module and one for each dependency, which the file is
 * generated from. Deterministic: files in path order, the creation time the image's.
 */
public final class Sboms {
  /** ELF files larger than this are hashed but not examined: their headers are read from memory. */
  private static final long MAX_EXAMINED = 512L << 20;

  private Sboms() {}

  /**
   * The document's bytes.
   *
   * @param name the image's name (its first tag, or its config digest)
   * @param created the image's creation time, or the epoch when it has none
   */
  public static byte[] write(String name, Instant created, SortedMap<String, Entry> fileSystem) throws IOException {
    List<SpdxJson.Package> packages = new ArrayList<>();
    List<SpdxJson.File> files = new ArrayList<>();
    List<SpdxJson.Relationship> relationships = new ArrayList<>();
    relationships.add(new SpdxJson.Relationship("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Image"));
    MessageDigest all = digest("SHA-256");
    int n = 0;
    int modules = 0;
    for (Map.Entry<String, Entry> e : fileSystem.entrySet()) {
      Entry entry = e.getValue();
      if (entry instanceof HardlinkEntry h && fileSystem.get(h.target()) instanceof FileEntry target) {
        entry = target;
      }
      if (!(entry instanceof FileEntry file)) {
        continue;
      }
      Scanned s = scan(file);
      String id = "SPDXRef-File-" + (++n);
      List<String> notes = new ArrayList<>();
      s.elf().ifPresent(elf -> notes.add(describe(elf)));
      s.go().ifPresent(go -> notes.add("Go " + go.goVersion() + ", package " + go.path()));
      files.add(new SpdxJson.File(id, "." + e.getKey(), s.sha1(), s.sha256(),
          notes.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", notes))));
      relationships.add(new SpdxJson.Relationship("SPDXRef-Image", "CONTAINS", id));
      all.update((e.getKey() + "\0" + s.sha256() + "\n").getBytes(StandardCharsets.UTF_8));
      if (s.go().isPresent()) {
        GoBuildInfo go = s.go().get();
        List<GoBuildInfo.Module> listed = new ArrayList<>();
        go.main().ifPresent(listed::add);
        listed.addAll(go.deps());
        for (GoBuildInfo.Module m : listed) {
          String moduleId = "SPDXRef-Go-" + (++modules);
          boolean isMain = go.main().isPresent() && m == go.main().get();
          packages.add(new SpdxJson.Package(moduleId, m.path(),
              m.version().isEmpty() ? Optional.empty() : Optional.of(m.version()),
              m.version().isEmpty() || m.version().equals("(devel)") ? Optional.empty()
                  : Optional.of("pkg:golang/" + m.path() + "@" + m.version()),
              Optional.of(isMain ? "APPLICATION" : "LIBRARY"),
              Optional.of((isMain ? "main module" : "dependency") + " of " + e.getKey() + " (" + go.goVersion() + ")"
                  + (m.sum().isEmpty() ? "" : ", " + m.sum())
                  + m.replacement().map(r -> ", replaced by " + r.path()
                      + (r.version().isEmpty() ? "" : " " + r.version())).orElse("")), Optional.empty()));
          relationships.add(new SpdxJson.Relationship(id, "GENERATED_FROM", moduleId));
        }
      }
    }
    // SPDX 2.3 clause 7.9: the SHA-1 of the files' SHA-1 values, sorted and joined.
    MessageDigest code = digest("SHA-1");
    files.stream().map(SpdxJson.File::sha1).sorted().forEach(h -> code.update(h.getBytes(StandardCharsets.US_ASCII)));
    packages.add(0, new SpdxJson.Package("SPDXRef-Image", name, Optional.empty(), Optional.empty(),
        Optional.of("CONTAINER"), Optional.empty(), Optional.of(HexFormat.of().formatHex(code.digest()))));
    String namespace = "https://scratch4j.github.io/spdx/" + name.replaceAll("[^A-Za-z0-9._-]", "-") + "-"
        + HexFormat.of().formatHex(all.digest());
    return SpdxJson.write(name, namespace, created.toString(), packages, files, relationships);
  }

  private record Scanned(String sha1, String sha256, Optional<ElfFile> elf, Optional<GoBuildInfo> go) {}

  /** Hashes a file; one that starts like ELF is kept in memory to read its headers. */
  private static Scanned scan(FileEntry file) throws IOException {
    MessageDigest sha1 = digest("SHA-1");
    MessageDigest sha256 = digest("SHA-256");
    ByteArrayOutputStream kept = null;
    byte[] buffer = new byte[1 << 16];
    boolean first = true;
    try (InputStream in = file.source().open()) {
      for (int r; (r = in.read(buffer)) > 0; ) {
        sha1.update(buffer, 0, r);
        sha256.update(buffer, 0, r);
        if (first && r >= 4 && buffer[0] == 0x7f && buffer[1] == 'E' && buffer[2] == 'L' && buffer[3] == 'F'
            && file.source().size() <= MAX_EXAMINED) {
          kept = new ByteArrayOutputStream((int) file.source().size());
        }
        first = false;
        if (kept != null) {
          kept.write(buffer, 0, r);
        }
      }
    }
    Optional<ElfFile> elf = Optional.empty();
    Optional<GoBuildInfo> go = Optional.empty();
    if (kept != null) {
      byte[] bytes = kept.toByteArray();
      try {
        elf = ElfFile.probe(bytes);
      } catch (IOException malformed) {
        elf = Optional.empty();
      }
      go = GoBuildInfo.find(bytes);
    }
    return new Scanned(HexFormat.of().formatHex(sha1.digest()), HexFormat.of().formatHex(sha256.digest()), elf, go);
  }

  private static String describe(ElfFile elf) {
    StringBuilder b = new StringBuilder().append(elf.elfClass()).append(' ').append(elf.machineName())
        .append(", ").append(elf.linkage());
    elf.interpreter().ifPresent(i -> b.append(", interpreter ").append(i));
    if (!elf.needed().isEmpty()) {
      b.append(", needs ").append(String.join(" ", elf.needed()));
    }
    elf.soname().ifPresent(s -> b.append(", soname ").append(s));
    elf.gnuBuildId().ifPresent(id -> b.append(", GNU build ID ").append(id));
    return b.toString();
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no " + algorithm, e);
    }
  }
}
