package io.github.scratch4j.internal.plan;

import io.github.scratch4j.DirectoryEntry;
import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.ImageCheck;
import io.github.scratch4j.ImageCheckException;
import io.github.scratch4j.ImageCheckException.Problem;
import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.Layer;
import io.github.scratch4j.MissingDependencyException;
import io.github.scratch4j.PlatformConflictException;
import io.github.scratch4j.Whiteout;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.stream.Collectors;

/**
 * The checks of {@link ImageCheck} that look at what the container starts and as whom: the
 * entrypoint as the runtime looks it up, the configured user, paths the runtime mounts over, and an
 * image with nothing in it. (Libraries and interpreters are {@link DependencyGuard}'s, the
 * platform {@link PlatformResolver}'s.)
 */
final class ImageChecks {
  /**
   * The PATH a container gets when its image sets none: Docker's default (moby's
   * oci.DefaultPathEnv for Linux), which runc then searches.
   */
  static final List<String> DEFAULT_PATH = List.of(
      "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");
  /** Directories whose content the runtime replaces with its own mounts: proc, sysfs, and a tmpfs. */
  private static final List<String> RUNTIME_DIRECTORIES = List.of("/proc", "/sys", "/dev");
  /** Files the runtime bind-mounts from the host's per-container copies. */
  private static final List<String> RUNTIME_FILES = List.of("/etc/hosts", "/etc/resolv.conf", "/etc/hostname");
  /** The most paths under the runtime's mounts listed one by one; the rest are counted. */
  private static final int MAX_LISTED = 8;
  /** The largest /etc/passwd or /etc/group read. */
  private static final long MAX_ACCOUNTS_FILE = 16L << 20;

  private final SortedMap<String, Entry> fs;
  private final ProgramLookup lookup;
  private final ImageConfig config;
  private final List<Problem> problems = new ArrayList<>();
  /** The ids the process runs with, when the user could be resolved. */
  private Optional<Accounts.Ids> ids = Optional.empty();

  ImageChecks(LayeredFileSystem fs, ImageConfig config) {
    this.fs = fs.entries();
    this.lookup = new ProgramLookup(this.fs);
    this.config = config;
  }

  /** Every problem found so far. */
  List<Problem> problems() {
    return problems;
  }

  /** The first word of the entrypoint, else of the command, and which of the two it is. */
  record Program(String argv0, String setBy, List<String> argv) {}

  static Optional<Program> program(ImageConfig config) {
    if (!config.entrypoint().isEmpty()) {
      return Optional.of(new Program(config.entrypoint().get(0), "entrypoint", config.entrypoint()));
    }
    if (!config.cmd().isEmpty()) {
      return Optional.of(new Program(config.cmd().get(0), "cmd", config.cmd()));
    }
    return Optional.empty();
  }

  /** Refuses an image with no layers and nothing to run. */
  void empty(List<Layer> layers) {
    if (layers.isEmpty() && program(config).isEmpty()) {
      problems.add(new Problem(ImageCheck.EMPTY, "/",
          "(the image) has no layers, no entrypoint and no command: it is Image.fromScratch() as it was made,"
              + " which is what gets written when the images that add(...) and entrypoint(...) return are ignored",
          "Image is immutable and every method returns a changed copy: use what it returns, as in"
              + " image = image.add(path).entrypoint(\"/app\"), or chain the calls"));
    }
  }

  /** Resolves the configured user as runc does; a name the image's files lack is a problem. */
  void user() {
    Optional<String> spec = config.user();
    if (spec.isEmpty() || spec.get().equals("0") || spec.get().equals("0:0")) {
      // Root needs no lookup for what it may do, and reading a base's /etc/passwd may mean
      // decompressing a layer.
      ids = Optional.of(new Accounts.Ids(0, 0, List.of(), Optional.empty()));
      return;
    }
    try {
      ids = Optional.of(Accounts.resolve(spec.orElse(""), text("/etc/passwd"), text("/etc/group")));
    } catch (Accounts.UnknownUserException e) {
      String what = e.isGroup() ? "group" : "user";
      String file = e.isGroup() ? "/etc/group" : "/etc/passwd";
      if (e.outOfRange()) {
        problems.add(new Problem(ImageCheck.USER, "/", "runs as " + (e.isGroup() ? "gid " : "uid ") + e.name()
            + " (User " + spec.get() + "), out of range: ids go from 0 to " + Accounts.MAX_ID + ", and runc refuses it",
            "use an id from 0 to " + Accounts.MAX_ID));
        return;
      }
      String numeric = e.isGroup() ? "a numeric group, as in user(\"65532:65532\")" : "a numeric uid, as in user(\"65532\")";
      problems.add(new Problem(ImageCheck.USER, file,
          (e.fileMissing() ? "is not in the image, so the " + what + " " + e.name() + " cannot be found"
              : "has no " + what + " " + e.name())
              + ", and the container would fail to start with \"unable to find " + what + " " + e.name() + "\"",
          e.isGroup()
              ? "use " + numeric + ", or a group that " + file + " has"
              : "add a user with Image.nonRootUser() (nonroot, uid and gid 65532), use " + numeric
                  + ", or start from a base image whose " + file + " has " + e.name()));
    }
  }

  /**
   * The file the entrypoint leads to when the runtime can start it, checking it as runc would:
   * found, a regular file, executable and reachable by the image's user, not a command line in one
   * string.
   */
  Optional<String> entrypoint() {
    Optional<Program> p = program(config);
    if (p.isEmpty()) {
      return Optional.empty();
    }
    Program program = p.get();
    String argv0 = program.argv0();
    if (argv0.isEmpty()) {
      problems.add(new Problem(ImageCheck.ENTRYPOINT, "\"\"", "is the " + program.setBy() + "'s first word: it must name"
          + " the program",
          "give the program's path first, as in " + program.setBy() + "(\"/app\")"));
      return Optional.empty();
    }
    String cwd = config.workingDir().orElse("/");
    Optional<ProgramLookup.Walk> found = find(argv0, cwd);
    if (found.isPresent() && found.get().found()) {
      return check(argv0, found.get());
    }
    String[] words = argv0.strip().split("\\s+");
    if (words.length > 1) {
      Optional<ProgramLookup.Walk> first = find(words[0], cwd);
      if (first.isPresent() && first.get().found() && !first.get().isDirectory()) {
        problems.add(shellForm(program, words));
        return Optional.empty();
      }
    }
    problems.add(notFound(program, found));
    return Optional.empty();
  }

  /**
   * Where argv[0] leads: an absolute or relative path (from the working directory) walked as it
   * is, a bare name looked up in the PATH as runc does (Go's exec.LookPath: the first directory
   * holding a non-directory with an execute bit); empty when no PATH directory has it.
   */
  private Optional<ProgramLookup.Walk> find(String argv0, String cwd) {
    if (argv0.contains("/")) {
      return Optional.of(lookup.walk(argv0, cwd));
    }
    for (String dir : path()) {
      ProgramLookup.Walk w = lookup.walk(dir + "/" + argv0, cwd);
      if (w.found() && !w.isDirectory() && (w.entry().get().mode() & 0111) != 0) {
        return Optional.of(w);
      }
    }
    return Optional.empty();
  }

  /** The directories of the image's PATH, else Docker's default; relative ones are skipped, as Go does since 1.19. */
  List<String> path() {
    return config.env().stream().filter(e -> e.startsWith("PATH=")).reduce((a, b) -> b)
        .map(e -> List.of(e.substring(5).split(":")).stream().filter(d -> d.startsWith("/")).toList())
        .orElse(DEFAULT_PATH);
  }

  private String pathText() {
    return String.join(":", path());
  }

  private Optional<String> check(String argv0, ProgramLookup.Walk walk) {
    Entry e = walk.entry().orElseThrow();
    String at = walk.path().equals(argv0) ? argv0 : argv0 + " (" + walk.path() + ")";
    if (e instanceof DirectoryEntry) {
      List<String> inside = executables().stream().filter(x -> x.startsWith(walk.path() + "/"))
          .filter(x -> x.indexOf('/', walk.path().length() + 1) < 0).limit(3).toList();
      problems.add(new Problem(ImageCheck.ENTRYPOINT, at,
          "is a directory, which cannot be run: the container would fail with \"permission denied\"",
          inside.isEmpty()
              ? "name the program inside it, as in entrypoint(\"" + walk.path() + "/<program>\")"
              : "name the program inside it: " + inside.stream().map(x -> "entrypoint(\"" + x + "\")")
                  .collect(Collectors.joining(" or "))));
      return Optional.empty();
    }
    if (!(e instanceof FileEntry f)) {
      problems.add(new Problem(ImageCheck.ENTRYPOINT, at, "is " + ProgramLookup.kind(e) + ", not a program file",
          "point the " + program(config).get().setBy() + " at the program's file"));
      return Optional.empty();
    }
    if ((f.mode() & 0111) == 0) {
      problems.add(new Problem(ImageCheck.ENTRYPOINT, at,
          "has no execute permission (mode " + octal(f.mode()) + "), so the container would fail with \"exec "
              + argv0 + ": permission denied\"",
          "set the execute bit on the file before adding it (chmod 755; add keeps it), or add it with a mode:"
              + " add(Entry.file(\"" + walk.path() + "\", Source.of(file)).withMode(0755))"));
      return Optional.empty();
    }
    if (ids.isPresent()) {
      Accounts.Ids who = ids.get();
      for (String dir : walk.searched()) {
        Entry d = dir.equals("/") ? ProgramLookup.IMPLIED : lookup.entry(dir).orElse(ProgramLookup.IMPLIED);
        if (!allowed(who, d, 1)) {
          problems.add(new Problem(ImageCheck.ENTRYPOINT, dir,
              "is on the way to " + argv0 + " but the image's user (" + describe(who) + ") may not search it (mode "
                  + octal(d.mode()) + ", owner " + d.uid() + ":" + d.gid() + "), so the container would fail with"
                  + " \"permission denied\"",
              "let others search it (mode 0755), give it to that user, or run as its owner"));
          return Optional.empty();
        }
      }
      if (!allowed(who, f, 1)) {
        problems.add(new Problem(ImageCheck.ENTRYPOINT, at,
            "may not be executed by the image's user (" + describe(who) + "): mode " + octal(f.mode()) + ", owner "
                + f.uid() + ":" + f.gid() + ", so the container would fail with \"exec " + argv0 + ": permission denied\"",
            "let others execute it (mode 0755: withMode(0755) on its entry, or chmod 755 before adding it), give it"
                + " to that user (withOwner(" + who.uid() + ", " + who.gid() + ")), or run as its owner"));
        return Optional.empty();
      }
    }
    return Optional.of(walk.path());
  }

  /** Whether a script the user may execute may also be read, which its interpreter must do. */
  void scriptReadable(String path, boolean script) {
    if (!script || ids.isEmpty()) {
      return;
    }
    Entry e = lookup.entry(path).orElse(null);
    if (e instanceof FileEntry f && !allowed(ids.get(), f, 4)) {
      problems.add(new Problem(ImageCheck.ENTRYPOINT, path,
          "is a script the image's user (" + describe(ids.get()) + ") may execute but not read (mode "
              + octal(f.mode()) + ", owner " + f.uid() + ":" + f.gid() + "), and its interpreter must read it",
          "let others read it (mode 0755)"));
    }
  }

  /**
   * Whether the user may do {@code bit} (1 execute or search, 4 read) to the entry, as the kernel
   * decides for a container's root, which keeps CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH: root may
   * read and search anything and execute a file with any execute bit; anyone else gets the owner's,
   * the group's or the others' bits, the first class that applies.
   */
  static boolean allowed(Accounts.Ids who, Entry e, int bit) {
    int mode = e.mode();
    if (who.uid() == 0) {
      return bit != 1 || e instanceof DirectoryEntry || (mode & 0111) != 0;
    }
    if (who.uid() == e.uid()) {
      return ((mode >> 6) & bit) != 0;
    }
    if (who.gid() == e.gid() || who.supplementary().contains((long) e.gid())) {
      return ((mode >> 3) & bit) != 0;
    }
    return (mode & bit) != 0;
  }

  private static String describe(Accounts.Ids who) {
    return "uid " + who.uid() + who.name().map(n -> " (" + n + ")").orElse("") + ", gid " + who.gid();
  }

  private Problem shellForm(Program program, String[] words) {
    String listForm = program.setBy() + "(" + java.util.Arrays.stream(words).map(ImageChecks::literal)
        .collect(Collectors.joining(", ")) + ")";
    boolean shell = lookup.walk("/bin/sh", "/").found();
    return new Problem(ImageCheck.ENTRYPOINT, program.argv0(),
        "is a whole command line in one string: the runtime runs no shell and looks for a file of exactly that"
            + " name, so the container would fail with \"no such file or directory\"; " + words[0]
            + " is the program",
        "give each word separately: " + listForm
            + (shell ? ", or have the image's shell split it: " + program.setBy() + "(\"/bin/sh\", \"-c\", "
                + literal(program.argv0().strip()) + ")" : ""));
  }

  private Problem notFound(Program program, Optional<ProgramLookup.Walk> walk) {
    String argv0 = program.argv0();
    List<String> near = nearest(argv0);
    String didYouMean = near.isEmpty() ? "" : "did you mean " + String.join(" or ", near) + "? ";
    if (!argv0.contains("/")) {
      String notExecutable = path().stream().map(d -> lookup.walk(d + "/" + argv0, "/"))
          .filter(x -> x.file().isPresent()).findFirst()
          .map(x -> " (" + x.path() + " is there, but has no execute bit: mode " + octal(x.file().get().mode()) + ")")
          .orElse("");
      return new Problem(ImageCheck.ENTRYPOINT, argv0,
          "is a name without a directory, and no directory of the image's PATH (" + pathText()
              + ") has an executable of that name" + notExecutable + ", so the container would fail with"
              + " \"executable file not found in $PATH\"",
          didYouMean + "name the program by its path, as in " + program.setBy() + "(\""
              + (near.isEmpty() ? "/" + argv0 : near.get(0)) + "\"), or add it in a directory of the PATH");
    }
    ProgramLookup.Walk w = walk.orElseThrow();
    String why = w.failure().orElse("it is not in the image");
    boolean itself = w.missing() && w.path().equals(lexical(argv0.startsWith("/") ? argv0
        : config.workingDir().orElse("/") + "/" + argv0)) && why.endsWith(" is not in the image");
    return new Problem(ImageCheck.ENTRYPOINT, argv0,
        (itself ? "is not in the image" : "cannot be reached: " + why)
            + ", so the container would fail with \"no such file or directory\"",
        didYouMean + "point the " + program.setBy() + " at a program the image has, or add the program at "
            + (argv0.startsWith("/") ? argv0 : "that path"));
  }

  /** An absolute path with its {@code .}, {@code ..} and empty components taken out, as written. */
  private static String lexical(String path) {
    java.util.Deque<String> parts = new java.util.ArrayDeque<>();
    for (String part : path.split("/")) {
      if (part.equals("..")) {
        parts.pollLast();
      } else if (!part.isEmpty() && !part.equals(".")) {
        parts.addLast(part);
      }
    }
    return "/" + String.join("/", parts);
  }

  /** Paths of executable files the image has whose names are closest to {@code wanted}, at most 3. */
  private List<String> nearest(String wanted) {
    String name = wanted.substring(wanted.lastIndexOf('/') + 1);
    record Scored(String path, int score) {}
    List<Scored> scored = new ArrayList<>();
    for (String path : executables()) {
      String fileName = path.substring(path.lastIndexOf('/') + 1);
      int score = wanted.contains("/")
          ? Math.min(distance(wanted, path), distance(name, fileName) + (fileName.equals(name) ? 0 : 1))
          : distance(name, fileName);
      int limit = Math.max(2, name.length() / 3);
      if (score <= limit) {
        scored.add(new Scored(path, score));
      }
    }
    return scored.stream().sorted(Comparator.comparingInt(Scored::score).thenComparing(Scored::path))
        .limit(3).map(Scored::path).toList();
  }

  /** Regular files with an execute bit, and links to them, by path. */
  private List<String> executables() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Entry> e : fs.entrySet()) {
      if ((e.getValue() instanceof FileEntry || e.getValue() instanceof io.github.scratch4j.HardlinkEntry)
          && (e.getValue().mode() & 0111) != 0) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** Edit distance, for "did you mean"; names much longer or shorter than the one wanted are not near. */
  static int distance(String a, String b) {
    return Math.abs(a.length() - b.length()) > 8 ? Integer.MAX_VALUE / 2
        : io.github.scratch4j.internal.EditDistance.of(a, b, Integer.MAX_VALUE / 2);
  }

  /** Refuses what this image's own layers add where the runtime mounts its own. */
  void runtimePaths(List<Layer> layers) {
    List<String> found = new ArrayList<>();
    for (Layer layer : layers) {
      if (layer.blob().isPresent()) {
        continue;
      }
      for (Entry e : layer.entries()) {
        String p = e.path();
        if (e instanceof Whiteout || !(RUNTIME_FILES.contains(p) || underRuntimeMount(p))
            || (e instanceof DirectoryEntry && layer.isImplied(p))) {
          continue;
        }
        found.add(p);
      }
    }
    for (int i = 0; i < found.size() && i < MAX_LISTED; i++) {
      String p = found.get(i);
      boolean file = RUNTIME_FILES.contains(p);
      problems.add(new Problem(ImageCheck.RUNTIME_PATHS, p,
          (file ? "is a file Docker, Podman and containerd mount their own over" : "is under "
              + p.substring(0, p.indexOf('/', 1)) + ", where the runtime mounts " + mount(p))
              + " when the container starts, so the image's copy is never seen"
              + (i == MAX_LISTED - 1 && found.size() > MAX_LISTED ? " (and " + (found.size() - MAX_LISTED)
                  + " more paths there)" : ""),
          "leave it out: the runtime provides it"
              + (p.equals("/etc/resolv.conf") ? " (set DNS with docker run --dns)"
                  : p.equals("/etc/hosts") ? " (add names with docker run --add-host)" : "")));
    }
  }

  /** Whether the path is inside one of {@link #RUNTIME_DIRECTORIES}: checked for every entry of a layer. */
  private static boolean underRuntimeMount(String path) {
    for (String d : RUNTIME_DIRECTORIES) {
      if (path.length() > d.length() && path.startsWith(d) && path.charAt(d.length()) == '/') {
        return true;
      }
    }
    return false;
  }

  private static String mount(String path) {
    return path.startsWith("/proc/") ? "a proc file system" : path.startsWith("/sys/") ? "sysfs" : "a tmpfs with its own devices";
  }

  /** The content of a small file of the image, links followed inside it; empty if there is none. */
  private Optional<String> text(String path) {
    ProgramLookup.Walk w = lookup.walk(path, "/");
    Optional<FileEntry> f = w.file();
    if (f.isEmpty()) {
      return Optional.empty();
    }
    if (f.get().source().size() > MAX_ACCOUNTS_FILE) {
      String message = "cannot check the image's user: " + path + " in the image has " + f.get().source().size()
          + " bytes, more than the " + MAX_ACCOUNTS_FILE + " read";
      throw new UncheckedIOException(message, new IOException(message));
    }
    try (InputStream in = f.get().source().open()) {
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + " in the image: " + e.getMessage(), e);
    }
  }

  static String octal(int mode) {
    return String.format("%04o", mode);
  }

  static String literal(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** The exception for {@code problems}: the one subclass that names them all, else the general one. */
  static ImageCheckException exception(List<Problem> problems) {
    Set<ImageCheck> kinds = problems.stream().map(Problem::check).collect(Collectors.toSet());
    if (kinds.equals(Set.of(ImageCheck.DEPENDENCIES))) {
      return new MissingDependencyException(problems);
    }
    if (kinds.equals(Set.of(ImageCheck.PLATFORM))) {
      return new PlatformConflictException(problems);
    }
    return new ImageCheckException(problems);
  }
}
