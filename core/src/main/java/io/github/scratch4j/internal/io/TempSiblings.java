package io.github.scratch4j.internal.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Temporary siblings of a target, written and then renamed over it, named so that a later write to
 * the same target can tell which ones a writer that died (killed, or its machine lost power) left
 * behind: {@code .<target name>.scratch4j-<12 hex digits>.tmp}, a file or a directory. For as long
 * as it writes, a writer holds a lock on its temporary file, or on the file {@code .scratch4j-lock}
 * inside its temporary directory. Before it writes, a writer removes the stale siblings of its
 * target: those named so for that target, last modified over a minute ago, and whose lock it can
 * take (so that no live writer, in this process or another, holds it). Anything else is kept.
 */
public final class TempSiblings {
  /** How long an unlocked sibling must have gone unmodified before it counts as left behind. */
  public static final Duration STALE_AFTER = Duration.ofMinutes(1);

  static final String MARK = ".scratch4j-";
  static final String SUFFIX = ".tmp";
  /** The lock file inside a temporary directory. */
  public static final String LOCK_FILE = ".scratch4j-lock";
  private static final int NAME_MAX = 255;

  /**
   * The locked files this JVM holds, by file key (device and inode; by path where the file system
   * has none). A POSIX lock belongs to the process, and closing any channel to a file drops every
   * lock the process has on it, so a sweep must not even open these, whatever path it finds them by.
   */
  private static final Set<Object> HELD = ConcurrentHashMap.newKeySet();

  private TempSiblings() {}

  /** A temporary file, open for writing and locked until it is committed or closed. */
  public static final class TempFile implements Closeable {
    private final Path path;
    private final FileChannel channel;
    private final Object key;
    private boolean done;

    private TempFile(Path path, FileChannel channel, Object key) {
      this.path = path;
      this.channel = channel;
      this.key = key;
    }

    /** Where it is. */
    public Path path() {
      return path;
    }

    /** The channel to write it through; it belongs to this object. */
    public FileChannel channel() {
      return channel;
    }

    /** A stream onto the channel, whose close leaves the channel (and its lock) open. */
    public OutputStream output() {
      OutputStream out = Channels.newOutputStream(channel);
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
        }
      };
    }

    /** Writes all of {@code content}. */
    public void write(byte[] content) throws IOException {
      ByteBuffer b = ByteBuffer.wrap(content);
      while (b.hasRemaining()) {
        channel.write(b);
      }
    }

    /**
     * Renames it to {@code target}, replacing what is there (atomically where the file system
     * can). The channel is closed first: some systems cannot rename an open file.
     */
    public void commit(Path target) throws IOException {
      release();
      move(path, target, true);
      done = true;
    }

    /** Renames it to {@code target} unless a file is there already; removes it in either case. */
    public void commitUnlessPresent(Path target) throws IOException {
      release();
      if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        move(path, target, false);
      }
      done = true;
      Files.deleteIfExists(path);
    }

    private void release() throws IOException {
      try {
        channel.close();
      } finally {
        HELD.remove(key);
      }
    }

    /** Unless committed, closes and removes it. */
    @Override
    public void close() throws IOException {
      if (done) {
        return;
      }
      done = true;
      try {
        release();
      } finally {
        Files.deleteIfExists(path);
      }
    }
  }

  /** A temporary directory, locked (through a lock file inside) until it is committed or closed. */
  public static final class TempDirectory implements Closeable {
    private final Path path;
    private final TempFile lock;
    private boolean done;

    private TempDirectory(Path path, TempFile lock) {
      this.path = path;
      this.lock = lock;
    }

    /** Where it is. */
    public Path path() {
      return path;
    }

    /**
     * Renames it to {@code target}, which must not exist or be an empty directory. The lock file is
     * removed first; that touches the directory, so it is fresh, and kept by any sweep, until the
     * rename.
     */
    public void commit(Path target) throws IOException {
      lock.close();
      Files.deleteIfExists(target);
      Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
      done = true;
    }

    /** Unless committed, removes it and all it holds. */
    @Override
    public void close() throws IOException {
      if (done) {
        return;
      }
      done = true;
      try {
        lock.close();
      } finally {
        deleteTree(path);
      }
    }
  }

  /** Creates a temporary file for {@code target}, beside it. */
  public static TempFile createFile(Path target) throws IOException {
    return createFile(target.getParent(), target.getFileName().toString());
  }

  /**
   * Creates a temporary file in {@code dir} for a target named {@code targetName} there (for blobs,
   * whose names are known only once written, a name that stands for them all).
   */
  public static TempFile createFile(Path dir, String targetName) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path path = dir.resolve(name(targetName)).toAbsolutePath();
      try {
        return lockedFile(path);
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 8) {
          throw e;
        }
      }
    }
  }

  /** Creates a temporary directory for {@code target}, beside it. */
  public static TempDirectory createDirectory(Path target) throws IOException {
    Path dir = target.getParent();
    String targetName = target.getFileName().toString();
    for (int attempt = 0; ; attempt++) {
      Path path = dir.resolve(name(targetName)).toAbsolutePath();
      try {
        Files.createDirectory(path);
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 8) {
          throw e;
        }
        continue;
      }
      try {
        return new TempDirectory(path, lockedFile(path.resolve(LOCK_FILE)));
      } catch (IOException | RuntimeException | Error e) {
        try {
          deleteTree(path);
        } catch (IOException cleanup) {
          e.addSuppressed(cleanup);
        }
        throw e;
      }
    }
  }

  private static TempFile lockedFile(Path path) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    Object key = null;
    try {
      key = key(path, Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
      HELD.add(key);
      // A file system without locks still gets the name and the age: a sweep that cannot take a
      // lock keeps the file.
      try {
        channel.tryLock();
      } catch (IOException | UnsupportedOperationException e) {
        // Unlocked, then; see above.
      }
      return new TempFile(path, channel, key);
    } catch (IOException | RuntimeException | Error e) {
      if (key != null) {
        HELD.remove(key);
      }
      try {
        channel.close();
        Files.deleteIfExists(path);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private static Object key(Path path, BasicFileAttributes attributes) {
    Object key = attributes.fileKey();
    return key != null ? key : path.toAbsolutePath().normalize();
  }

  /** {@code .<target>.scratch4j-<12 hex>.tmp}; a target name too long for that is replaced by its hash. */
  static String name(String targetName) {
    byte[] random = new byte[6];
    ThreadLocalRandom.current().nextBytes(random);
    return prefix(targetName) + HexFormat.of().formatHex(random) + SUFFIX;
  }

  /** Everything of a sibling's name before its random part. */
  static String prefix(String targetName) {
    String prefix = "." + targetName + MARK;
    if (prefix.getBytes(StandardCharsets.UTF_8).length + 12 + SUFFIX.length() <= NAME_MAX) {
      return prefix;
    }
    return ".~" + HexFormat.of().formatHex(Sha256.newDigest().digest(targetName.getBytes(StandardCharsets.UTF_8)), 0, 8) + MARK;
  }

  /** Whether {@code name} is a temporary sibling's name for the target whose prefix is given. */
  static boolean isSibling(String name, String prefix) {
    if (name.length() != prefix.length() + 12 + SUFFIX.length() || !name.startsWith(prefix) || !name.endsWith(SUFFIX)) {
      return false;
    }
    for (int i = prefix.length(); i < prefix.length() + 12; i++) {
      char c = name.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  /** Removes the stale temporary siblings of {@code target}. */
  public static void sweep(Path target) {
    sweep(target.getParent(), target.getFileName().toString());
  }

  /**
   * Removes the stale temporary siblings of a target named {@code targetName} in {@code dir}. Best
   * effort: what cannot be listed, read, locked or removed is left, and the write goes on (a
   * clean-up of someone else's leftovers must not fail it).
   */
  public static void sweep(Path dir, String targetName) {
    String prefix = prefix(targetName);
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, p -> isSibling(p.getFileName().toString(), prefix))) {
      entries.forEach(found::add);
    } catch (IOException | DirectoryIteratorException e) {
      return;
    }
    for (Path sibling : found) {
      try {
        removeIfStale(sibling.toAbsolutePath());
      } catch (IOException | RuntimeException e) {
        // Kept; see above.
      }
    }
  }

  private static void removeIfStale(Path sibling) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(sibling, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!isOld(attributes)) {
      return;
    }
    if (attributes.isRegularFile()) {
      withLock(sibling, attributes, () -> Files.delete(sibling));
    } else if (attributes.isDirectory()) {
      Path lockFile = sibling.resolve(LOCK_FILE);
      BasicFileAttributes lock;
      try {
        lock = Files.readAttributes(lockFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        // Its writer died between making the directory and the lock file.
        deleteTree(sibling);
        return;
      }
      if (lock.isRegularFile()) {
        withLock(lockFile, lock, () -> deleteTree(sibling));
      }
    }
  }

  private static boolean isOld(BasicFileAttributes attributes) {
    return attributes.lastModifiedTime().toInstant().isBefore(Instant.now().minus(STALE_AFTER));
  }

  private interface Removal {
    void run() throws IOException;
  }

  /**
   * Runs {@code removal} holding the lock on {@code lockFile}, unless a live writer holds it: this
   * JVM (known, or an {@link OverlappingFileLockException}) or another process ({@code tryLock}
   * gives nothing).
   */
  private static void withLock(Path lockFile, BasicFileAttributes attributes, Removal removal) throws IOException {
    if (HELD.contains(key(lockFile, attributes))) {
      return;
    }
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        return;
      }
      if (lock != null) {
        removal.run();
      }
    }
  }

  /**
   * Removes a file, a link (never what it names) or a directory and all it holds. A directory its
   * owner may not write (an unpacked image's {@code 0555} directory) is made writable first.
   */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
        if (!Files.isWritable(d)) {
          Files.setAttribute(d, "unix:mode", 0700, LinkOption.NOFOLLOW_LINKS);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static void move(Path from, Path to, boolean replace) throws IOException {
    StandardCopyOption[] atomic = replace
        ? new StandardCopyOption[] {StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING}
        : new StandardCopyOption[] {StandardCopyOption.ATOMIC_MOVE};
    try {
      Files.move(from, to, atomic);
    } catch (AtomicMoveNotSupportedException e) {
      if (replace) {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.move(from, to);
      }
    }
  }
}
