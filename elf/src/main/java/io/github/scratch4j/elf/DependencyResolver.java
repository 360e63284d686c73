package io.github.scratch4j.elf;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Finds a dynamically linked binary's program interpreter and shared libraries in a root, the way
 * the dynamic loader would, without running it or {@code ldd}.
 *
 * <p>glibc's search order (ld.so(8)): {@code DT_RPATH} of the loading object and of the objects
 * that loaded it (only when the object has no {@code DT_RUNPATH}), then the object's own
 * {@code DT_RUNPATH}, then the directories of {@code /etc/ld.so.conf} and its {@code include}s
 * (what {@code ld.so.cache} is built from; the cache itself is not read), then the multiarch and
 * default directories. {@code $ORIGIN}, {@code $LIB} and {@code $PLATFORM} are expanded.
 * {@code LD_LIBRARY_PATH} is not used: it belongs to the environment the binary runs in. musl's
 * loader ({@code /lib/ld-musl-*.so.1}) searches {@code RPATH}/{@code RUNPATH}, then
 * {@code /etc/ld-musl-<arch>.path}, else {@code /lib:/usr/local/lib:/usr/lib}, and provides
 * {@code libc.so} itself. A candidate is taken only if it is ELF of the binary's class and machine,
 * as the loader skips others. Symbolic links are followed inside the root, never out of it.
 */
public final class DependencyResolver {
  private static final int MAX_LINK_HOPS = 40;
  private static final int MAX_INCLUDE_DEPTH = 8;
  private static final int MAX_LIBRARIES = 4096;

  private final RootFileSystem root;

  private DependencyResolver(RootFileSystem root) {
    this.root = root;
  }

  /**
   * A resolver for the given root.
   *
   * @param root the root to look for the interpreter and libraries in
   * @return a resolver that reads {@code root} each time it is asked
   */
  public static DependencyResolver of(RootFileSystem root) {
    return new DependencyResolver(root);
  }

  /**
   * Everything the binary at {@code binary} (a path in the root) needs. A binary that is not
   * dynamically linked needs nothing but itself.
   *
   * @param binary the binary's absolute path in the root; symbolic links on the way are followed
   *     inside the root and recorded in the closure
   * @return the binary, its interpreter, its libraries and the links leading to them
   * @throws UnresolvedDependencyException naming the binary, the missing interpreter and every
   *     missing library, and the directories searched
   * @throws java.nio.file.NoSuchFileException if nothing is at {@code binary} in the root
   * @throws NotElfException if the file at {@code binary} is not ELF
   * @throws ElfFormatException if the binary or a library is malformed
   * @throws IOException if a chain of symbolic links is longer than 40 links, if the binary needs
   *     more than 4096 libraries, or if the root cannot be read
   */
  public DependencyClosure resolve(String binary) throws IOException {
    Walk walk = walk(binary);
    DependencyReport report = walk.report();
    if (!report.satisfied()) {
      throw new UnresolvedDependencyException(report);
    }
    List<DependencyClosure.File> files = new ArrayList<>();
    for (String f : walk.files) {
      files.add(new DependencyClosure.File(f, root.hostPath(f)));
    }
    List<DependencyClosure.Symlink> links = new ArrayList<>();
    walk.symlinks.forEach((p, t) -> links.add(new DependencyClosure.Symlink(p, t)));
    return new DependencyClosure(walk.binaryPath, walk.elf.interpreter(), walk.libraries, files, links);
  }

  /**
   * What the binary at {@code binary} needs that the root does not have; nothing is thrown for
   * that.
   *
   * @param binary the binary's absolute path in the root
   * @return the report, {@link DependencyReport#satisfied() satisfied} when nothing is missing
   * @throws java.nio.file.NoSuchFileException if nothing is at {@code binary} in the root
   * @throws NotElfException if the file at {@code binary} is not ELF
   * @throws ElfFormatException if the binary or a library is malformed
   * @throws IOException if a chain of symbolic links is longer than 40 links, if the binary needs
   *     more than 4096 libraries, or if the root cannot be read
   */
  public DependencyReport check(String binary) throws IOException {
    return walk(binary).report();
  }

  /**
   * The path {@code path} leads to once every symbolic link is followed inside the root, or empty
   * when something on the way is missing.
   *
   * @param path an absolute path in the root; {@code .} and {@code ..} are resolved, and
   *     {@code ..} never leaves the root
   * @return the resolved absolute path, or empty when a component is missing or a non-directory
   *     stands where a directory is needed
   * @throws IOException if a chain of symbolic links is longer than 40 links, or if the root cannot
   *     be read
   */
  public Optional<String> follow(String path) throws IOException {
    return follow(path, new TreeMap<>());
  }

  private Optional<String> follow(String path, Map<String, String> links) throws IOException {
    Deque<String> todo = new ArrayDeque<>(components(path));
    String current = "";
    int hops = 0;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      if (c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        current = current.isEmpty() ? "" : current.substring(0, current.lastIndexOf('/'));
        continue;
      }
      String next = current + "/" + c;
      Optional<RootFileSystem.NodeKind> kind = root.kind(next);
      if (kind.isEmpty()) {
        return Optional.empty();
      }
      switch (kind.get()) {
        case SYMLINK -> {
          if (++hops > MAX_LINK_HOPS) {
            throw new IOException("too many levels of symbolic links resolving " + path + " (at " + next + ")");
          }
          String target = root.readSymlink(next).orElse("");
          links.put(next, target);
          List<String> parts = components(target);
          for (int i = parts.size() - 1; i >= 0; i--) {
            todo.addFirst(parts.get(i));
          }
          if (target.startsWith("/")) {
            current = "";
          }
        }
        case DIRECTORY -> current = next;
        default -> {
          if (!todo.isEmpty()) {
            return Optional.empty();
          }
          current = next;
        }
      }
    }
    return Optional.of(current.isEmpty() ? "/" : current);
  }

  private static List<String> components(String path) {
    List<String> out = new ArrayList<>();
    for (String p : path.split("/")) {
      if (!p.isEmpty()) {
        out.add(p);
      }
    }
    return out;
  }

  /** One traversal of a binary's dependencies. */
  private final class Walk {
    String binaryPath;
    ElfFile elf;
    final Set<String> files = new TreeSet<>();
    final Map<String, String> symlinks = new TreeMap<>();
    final List<DependencyClosure.Library> libraries = new ArrayList<>();
    final List<String> missing = new ArrayList<>();
    Optional<String> missingInterpreter = Optional.empty();
    final Set<String> searched = new LinkedHashSet<>();

    DependencyReport report() {
      return new DependencyReport(binaryPath, elf.linkage(), missingInterpreter, missing, new ArrayList<>(searched));
    }
  }

  /** An object to load and who loaded it (for DT_RPATH inheritance). */
  private record Loaded(String path, ElfFile elf, List<List<String>> inheritedRpaths) {}

  private Walk walk(String binary) throws IOException {
    Walk w = new Walk();
    String real = follow(binary, w.symlinks).orElseThrow(
        () -> new java.nio.file.NoSuchFileException(binary, null, "no such file in " + root));
    w.binaryPath = binary;
    w.elf = readElf(real).orElseThrow(() -> new NotElfException(binary + " in " + root + " is not an ELF file"));
    w.files.add(real);
    if (w.elf.linkage() != Linkage.DYNAMIC) {
      return w;
    }
    boolean musl = w.elf.interpreter().map(i -> i.contains("ld-musl-")).orElse(false);
    Optional<String> interpreterReal = Optional.empty();
    if (w.elf.interpreter().isPresent()) {
      interpreterReal = follow(w.elf.interpreter().get(), w.symlinks)
          .filter(p -> kindIs(p, RootFileSystem.NodeKind.FILE));
      if (interpreterReal.isEmpty()) {
        w.missingInterpreter = w.elf.interpreter();
      } else {
        w.files.add(interpreterReal.get());
      }
    }
    List<String> system = musl ? muslPath(w.elf.interpreter().orElse("")) : glibcPath(w.elf);
    Set<String> loadedNames = new HashSet<>();
    Set<String> loadedPaths = new HashSet<>();
    loadedPaths.add(real);
    interpreterReal.ifPresent(loadedPaths::add);
    Deque<Loaded> queue = new ArrayDeque<>();
    queue.add(new Loaded(real, w.elf, List.of()));
    while (!queue.isEmpty()) {
      Loaded object = queue.pollFirst();
      String origin = object.path().substring(0, Math.max(0, object.path().lastIndexOf('/')));
      List<String> ownRpath = expand(object.elf().rpath(), origin, w.elf);
      List<String> runpath = expand(object.elf().runpath(), origin, w.elf);
      List<List<String>> rpaths = new ArrayList<>();
      rpaths.add(ownRpath);
      rpaths.addAll(object.inheritedRpaths());
      for (String name : object.elf().needed()) {
        if (!loadedNames.add(name)) {
          continue;
        }
        if (musl && name.startsWith("libc.so")) {
          continue; // musl's loader is its libc
        }
        if (loadedNames.size() > MAX_LIBRARIES) {
          throw new IOException(binary + " needs more than " + MAX_LIBRARIES + " libraries");
        }
        List<String> dirs = new ArrayList<>();
        if (object.elf().runpath().isEmpty()) {
          rpaths.forEach(dirs::addAll);
        }
        dirs.addAll(runpath);
        dirs.addAll(system);
        Optional<Found> found = name.contains("/") ? candidate(name, w) : search(name, dirs, w);
        if (found.isEmpty()) {
          w.missing.add(name);
          continue;
        }
        Found f = found.get();
        w.libraries.add(new DependencyClosure.Library(name, f.path, object.path()));
        w.symlinks.putAll(f.links);
        w.files.add(f.real);
        if (loadedPaths.add(f.real) && f.elf.isPresent()) {
          List<List<String>> inherited = object.elf().runpath().isEmpty() ? rpaths : List.of();
          queue.addLast(new Loaded(f.path, f.elf.get(), inherited));
        }
      }
    }
    return w;
  }

  private record Found(String path, String real, Optional<ElfFile> elf, Map<String, String> links) {}

  private Optional<Found> search(String name, List<String> dirs, Walk w) throws IOException {
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      w.searched.add(dir);
      Optional<Found> f = candidate(dir.endsWith("/") ? dir + name : dir + "/" + name, w);
      if (f.isPresent()) {
        return f;
      }
    }
    return Optional.empty();
  }

  /** A candidate path, accepted if it leads to an ELF file of the binary's class and machine. */
  private Optional<Found> candidate(String path, Walk w) throws IOException {
    Map<String, String> links = new TreeMap<>();
    Optional<String> real = follow(path, links).filter(p -> kindIs(p, RootFileSystem.NodeKind.FILE));
    if (real.isEmpty()) {
      return Optional.empty();
    }
    Optional<ElfFile> elf;
    Optional<SeekableByteChannel> channel = root.open(real.get());
    if (channel.isEmpty()) {
      elf = Optional.empty(); // present, content not available: accept it as the loader would find it
    } else {
      try (SeekableByteChannel c = channel.get()) {
        elf = ElfFile.probe(c);
      }
      if (elf.isEmpty() || elf.get().elfClass() != w.elf.elfClass() || elf.get().machine() != w.elf.machine()) {
        return Optional.empty();
      }
    }
    return Optional.of(new Found(path, real.get(), elf, links));
  }

  private boolean kindIs(String path, RootFileSystem.NodeKind kind) {
    try {
      return root.kind(path).filter(k -> k == kind).isPresent();
    } catch (IOException e) {
      return false;
    }
  }

  private Optional<ElfFile> readElf(String path) throws IOException {
    Optional<SeekableByteChannel> channel = root.open(path);
    if (channel.isEmpty()) {
      return Optional.empty();
    }
    try (SeekableByteChannel c = channel.get()) {
      return ElfFile.probe(c);
    }
  }

  /** Splits a DT_RPATH/DT_RUNPATH and expands $ORIGIN, $LIB and $PLATFORM (ld.so(8), "Dynamic string tokens"). */
  private static List<String> expand(Optional<String> value, String origin, ElfFile binary) {
    List<String> out = new ArrayList<>();
    if (value.isEmpty()) {
      return out;
    }
    boolean is64 = binary.elfClass() == ElfClass.ELF64;
    String lib = is64 && binary.machine() == 62 ? "lib64" : "lib";
    String platform = switch (binary.machine()) {
      case 62 -> "x86_64";
      case 183 -> "aarch64";
      case 3 -> "i686";
      default -> binary.machineName();
    };
    for (String dir : value.get().split(":")) {
      String d = dir.replace("${ORIGIN}", origin).replace("$ORIGIN", origin)
          .replace("${LIB}", lib).replace("$LIB", lib)
          .replace("${PLATFORM}", platform).replace("$PLATFORM", platform);
      if (d.startsWith("/")) {
        out.add(normalize(d));
      }
    }
    return out;
  }

  private static String normalize(String path) {
    Deque<String> parts = new ArrayDeque<>();
    for (String p : path.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(p);
      }
    }
    return "/" + String.join("/", parts);
  }

  /** The multiarch tuple Debian and Ubuntu use for a machine. */
  private static Optional<String> multiarch(ElfFile elf) {
    boolean is64 = elf.elfClass() == ElfClass.ELF64;
    return Optional.ofNullable(switch (elf.machine()) {
      case 62 -> is64 ? "x86_64-linux-gnu" : "x86_64-linux-gnux32";
      case 3 -> "i386-linux-gnu";
      case 183 -> "aarch64-linux-gnu";
      case 40 -> "arm-linux-gnueabihf";
      case 243 -> is64 ? "riscv64-linux-gnu" : null;
      case 21 -> elf.byteOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? "powerpc64le-linux-gnu" : "powerpc64-linux-gnu";
      case 22 -> "s390x-linux-gnu";
      case 8 -> is64 ? "mips64el-linux-gnuabi64" : "mipsel-linux-gnu";
      case 258 -> "loongarch64-linux-gnu";
      default -> null;
    });
  }

  private List<String> glibcPath(ElfFile elf) throws IOException {
    List<String> dirs = new ArrayList<>(ldSoConf("/etc/ld.so.conf", 0));
    Optional<String> tuple = multiarch(elf);
    tuple.ifPresent(t -> {
      dirs.add("/lib/" + t);
      dirs.add("/usr/lib/" + t);
    });
    if (elf.elfClass() == ElfClass.ELF64) {
      dirs.add("/lib64");
      dirs.add("/usr/lib64");
    }
    dirs.add("/lib");
    dirs.add("/usr/lib");
    return new ArrayList<>(new LinkedHashSet<>(dirs));
  }

  /** The directories an ld.so.conf lists, following its includes (ldconfig(8)). */
  private List<String> ldSoConf(String file, int depth) throws IOException {
    List<String> out = new ArrayList<>();
    if (depth > MAX_INCLUDE_DEPTH) {
      return out;
    }
    Optional<String> text = readText(file);
    if (text.isEmpty()) {
      return out;
    }
    for (String raw : text.get().split("\n")) {
      String line = raw.contains("#") ? raw.substring(0, raw.indexOf('#')) : raw;
      line = line.strip();
      if (line.isEmpty() || line.startsWith("hwcap")) {
        continue;
      }
      if (line.startsWith("include") && line.length() > 7 && Character.isWhitespace(line.charAt(7))) {
        for (String pattern : line.substring(8).strip().split("\\s+")) {
          String p = pattern.startsWith("/") ? pattern : "/etc/" + pattern;
          for (String included : glob(p)) {
            out.addAll(ldSoConf(included, depth + 1));
          }
        }
        continue;
      }
      for (String dir : line.split("[\\s:,]+")) {
        if (dir.startsWith("/")) {
          out.add(normalize(dir));
        }
      }
    }
    return out;
  }

  /** Files matching a pattern whose wildcards are in the last component, sorted. */
  private List<String> glob(String pattern) throws IOException {
    int slash = pattern.lastIndexOf('/');
    String dir = slash <= 0 ? "/" : pattern.substring(0, slash);
    String name = pattern.substring(slash + 1);
    if (!name.contains("*") && !name.contains("?") && !name.contains("[")) {
      return List.of(pattern);
    }
    StringBuilder regex = new StringBuilder();
    for (char c : name.toCharArray()) {
      switch (c) {
        case '*' -> regex.append("[^/]*");
        case '?' -> regex.append("[^/]");
        case '[', ']' -> regex.append(c);
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    Pattern p = Pattern.compile(regex.toString());
    Optional<String> realDir = follow(dir);
    if (realDir.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String entry : root.list(realDir.get())) {
      if (p.matcher(entry).matches()) {
        out.add(realDir.get().equals("/") ? "/" + entry : realDir.get() + "/" + entry);
      }
    }
    return out;
  }

  private Optional<String> readText(String path) throws IOException {
    Optional<String> real = follow(path).filter(p -> kindIs(p, RootFileSystem.NodeKind.FILE));
    if (real.isEmpty()) {
      return Optional.empty();
    }
    Optional<SeekableByteChannel> channel = root.open(real.get());
    if (channel.isEmpty()) {
      return Optional.empty();
    }
    try (SeekableByteChannel c = channel.get()) {
      long size = Math.min(c.size(), 1 << 20);
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) size);
      while (b.hasRemaining() && c.read(b) > 0) {
        // read on
      }
      return Optional.of(new String(b.array(), 0, b.position(), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /** musl's search path: /etc/ld-musl-ARCH.path, else its built-in default. */
  private List<String> muslPath(String interpreter) throws IOException {
    String file = interpreter.substring(interpreter.lastIndexOf('/') + 1);
    String arch = file.replaceFirst("^ld-musl-", "").replaceFirst("\\.so\\.1$", "");
    Optional<String> text = readText("/etc/ld-musl-" + arch + ".path");
    List<String> dirs = new ArrayList<>();
    if (text.isPresent()) {
      for (String d : text.get().split("[\\n:]")) {
        if (d.strip().startsWith("/")) {
          dirs.add(normalize(d.strip()));
        }
      }
      return dirs;
    }
    return List.of("/lib", "/usr/local/lib", "/usr/lib");
  }
}
