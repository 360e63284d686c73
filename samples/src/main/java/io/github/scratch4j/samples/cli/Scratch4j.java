package io.github.scratch4j.samples.cli;

import io.github.scratch4j.ImageCheck;
import io.github.scratch4j.ImageCheckException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The scratch4j command line: {@code build}, {@code push}, {@code inspect}, {@code verify} and
 * {@code hello}, each with {@code --help}.
 *
 * <p>Exit codes: 0 done; 1 the image was refused or the work failed (a missing file, a malformed
 * archive, a registry error), with one message on standard error; 2 the command line is wrong.
 * Results go to standard output, progress and errors to standard error.
 */
public final class Scratch4j {
  /** Exit code: done. */
  public static final int OK = 0;
  /** Exit code: the image was refused, or a file, archive or registry failed. */
  public static final int FAILED = 1;
  /** Exit code: the command line is wrong. */
  public static final int USAGE = 2;

  private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

  static {
    for (Command c : List.of(new Build(), new Push(), new Inspect(), new Verify(), new Hello())) {
      COMMANDS.put(c.spec().name(), c);
    }
  }

  private Scratch4j() {}

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    readLargeBuffers();
    warmUpSha256();
    if (args.length > 0 && args[0].equals("build") && Arrays.asList(args).contains("--load")) {
      // Making the daemon readies the JDK's socket support in the background, about 30 ms of a
      // new JVM: made here, that overlaps the parsing too. build reports a DOCKER_HOST it refuses.
      try {
        io.github.scratch4j.DockerDaemon.fromEnvironment();
      } catch (RuntimeException reportedByBuild) {
        // See above.
      }
    }
    int code = run(args, System.out, System.err);
    System.out.flush();
    System.err.flush();
    // Success ends main rather than calling System.exit, which on JDK 21 and later looks up a
    // System.Logger to log the call: about a tenth of a short command's time. scratch4j's own
    // threads are daemons, so nothing keeps the JVM up.
    if (code != OK) {
      System.exit(code);
    }
  }

  /** How many bytes {@link #warmUpSha256} hashes: 96 updates of 4 KiB. */
  static final int WARM_UP_BYTES = 96 * 4096;

  /**
   * Hashes {@link #WARM_UP_BYTES} with SHA-256 on a daemon thread while the command starts, so
   * that the JIT has compiled SHA-256 before the first file is hashed. The JDK's fast SHA-256
   * (with the CPU's SHA instructions) exists only in C2-compiled code; in a new JVM a layer of
   * small files, hashed a few KiB at a time between other work, was otherwise hashed by the
   * interpreter and C1 for most of the write. With it, 10,000 small files built in 0.93 of the
   * time (median of 21 pairs of whole processes, run in turns), a hello world in 0.99, a 512 MiB
   * file in 1.01 (that one hash loop is compiled within milliseconds anyway). 4 MiB took 70 ms of
   * the second core and slowed the hello world.
   *
   * @return the started thread
   */
  static Thread warmUpSha256() {
    Thread t = new Thread(() -> {
      try {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[4096];
        for (int done = 0; done < WARM_UP_BYTES; done += block.length) {
          md.update(block);
        }
        md.digest();
      } catch (java.security.NoSuchAlgorithmException absent) {
        // Nothing to warm: the command will say so when it needs the digest.
      }
    }, "scratch4j-warm-up");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The JDK HTTP client's read buffer size this command line sets unless one is given. */
  static final String HTTP_BUFFER = "262144";

  /**
   * Makes the JDK's HTTP client (scratch4j's for HTTPS registries) read in 256 KiB buffers
   * instead of 16 KiB, unless {@code jdk.httpclient.bufsize} is already set. Each buffer read makes a trip through the
   * client's asynchronous pipeline, and that code is then compiled by C2 on the way: for a pull of
   * 512 MiB, 4-5 s of CPU against 3.2-3.5 s with 256 KiB buffers (the time from 3.4-4.2 s to
   * 2.8-3.0 s, one run each way in turns, three times). The JDK reads the property once, when its
   * client is first used; so a command line sets it, and a library leaves it to its application.
   */
  static void readLargeBuffers() {
    if (System.getProperty("jdk.httpclient.bufsize") == null) {
      System.setProperty("jdk.httpclient.bufsize", HTTP_BUFFER);
    }
  }

  /** Runs the command line, writing to {@code out} and {@code err}, and returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.print(usage());
      return USAGE;
    }
    String name = args[0];
    if (name.equals("--help") || name.equals("-h")) {
      out.print(usage());
      return OK;
    }
    if (name.equals("help")) {
      if (args.length == 1) {
        out.print(usage());
        return OK;
      }
      Command c = COMMANDS.get(args[1]);
      if (c == null) {
        err.println("scratch4j: no command '" + args[1] + "' (try 'scratch4j --help')");
        return USAGE;
      }
      out.print(c.spec().usage());
      return OK;
    }
    Command command = COMMANDS.get(name);
    if (command == null) {
      err.println("scratch4j: " + (name.startsWith("-") ? "unknown option " : "no command '") + name
          + (name.startsWith("-") ? "" : "'") + " (try 'scratch4j --help')");
      return USAGE;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    boolean debug = rest.contains("--debug");
    try {
      ParsedArgs parsed = command.spec().parse(rest);
      if (parsed.has("--help")) {
        out.print(command.spec().usage());
        return OK;
      }
      Progress.Mode mode = parsed.has("--quiet") ? Progress.Mode.NONE : Progress.automatic();
      return command.run(parsed, new Io(out, err, mode));
    } catch (UsageException e) {
      err.println("scratch4j " + name + ": " + e.getMessage() + " (try 'scratch4j " + name + " --help')");
      return USAGE;
    } catch (IOException | RuntimeException e) {
      err.println("scratch4j " + name + ": " + describe(e));
      if (debug) {
        e.printStackTrace(err);
      }
      return FAILED;
    }
  }

  /** The command named {@code name}, for tests. */
  static CommandSpec spec(String name) {
    return COMMANDS.get(name).spec();
  }

  /** The top-level help: every command with its summary. */
  static String usage() {
    StringBuilder b = new StringBuilder("""
        Usage: scratch4j COMMAND [OPTION]... [ARGUMENT]...

        Builds, pushes, inspects and verifies container images without a daemon.

        Commands:
        """);
    for (Command c : COMMANDS.values()) {
      b.append(String.format(Locale.ROOT, "  %-9s%s%n", c.spec().name(), c.spec().summary()));
    }
    b.append("""

        Run 'scratch4j COMMAND --help' (or 'scratch4j help COMMAND') for a command's options.
        Every command takes --quiet (no progress), --debug (stack traces) and --help.
        Exit codes: 0 done; 1 the image was refused or the work failed; 2 wrong command line.
        """);
    return b.toString();
  }

  /** One message for an error: what failed and where, without the exception's class. */
  static String describe(Throwable t) {
    if (t instanceof UncheckedIOException u && u.getCause() != null) {
      String outer = String.valueOf(u.getMessage());
      String inner = describe(u.getCause());
      if (u.getCause() instanceof FileSystemException f && f.getFile() != null && outer.contains(f.getFile())) {
        return outer;
      }
      // The library's wrappers repeat the cause's message, or add context before it.
      return outer.equals(String.valueOf(u.getCause().getMessage())) ? inner
          : outer.contains(inner) ? outer : outer + ": " + inner;
    }
    if (t instanceof ImageCheckException e) {
      return checkMessage(e);
    }
    if (t instanceof NoSuchFileException e) {
      return "no such file or directory: " + e.getFile() + reason(e);
    }
    if (t instanceof AccessDeniedException e) {
      return "permission denied: " + e.getFile() + reason(e);
    }
    if (t instanceof NotDirectoryException e) {
      return "not a directory: " + e.getFile();
    }
    if (t instanceof FileSystemException e && e.getFile() != null) {
      return e.getFile() + ": " + Optional.ofNullable(e.getReason()).orElse(e.getClass().getSimpleName());
    }
    String message = t.getMessage();
    return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
  }

  private static String reason(FileSystemException e) {
    return e.getReason() == null ? "" : " (" + e.getReason() + ")";
  }

  /** The check's own message, with the command line's way of turning checks off as the last line. */
  private static String checkMessage(ImageCheckException e) {
    Set<ImageCheck> checks = EnumSet.noneOf(ImageCheck.class);
    StringBuilder b = new StringBuilder(e.problems().size() == 1 ? "the image would not work as built:"
        : "the image would not work as built (" + e.problems().size() + " problems):");
    for (ImageCheckException.Problem p : e.problems()) {
      b.append('\n').append(p);
      checks.add(p.check());
    }
    b.append("\nTo write it anyway: ").append(checks.stream()
        .map(c -> "--no-check " + c.name().toLowerCase(Locale.ROOT).replace('_', '-'))
        .collect(Collectors.joining(" ")));
    return b.toString();
  }
}
