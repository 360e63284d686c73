package io.github.scratch4j.internal.plan;

import io.github.scratch4j.DirectoryEntry;
import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.HardlinkEntry;
import io.github.scratch4j.Source;
import io.github.scratch4j.SymlinkEntry;
import io.github.scratch4j.elf.RootFileSystem;
import io.github.scratch4j.internal.source.BytesSource;
import io.github.scratch4j.internal.source.FileRegionSource;
import io.github.scratch4j.internal.source.PathSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * An image's file system as a {@link RootFileSystem}, for the ELF dependency checks. A file's
 * content is offered when it can be read cheaply: from disk, from memory, or from an uncompressed
 * stored layer; a file inside a compressed base layer counts as present but is not looked into.
 */
final class ImageRoot implements RootFileSystem {
  private static final long MAX_IN_MEMORY = 64L << 20;

  private final SortedMap<String, Entry> entries;

  ImageRoot(SortedMap<String, Entry> entries) {
    this.entries = entries;
  }

  @Override
  public Optional<NodeKind> kind(String path) {
    if (path.equals("/")) {
      return Optional.of(NodeKind.DIRECTORY);
    }
    Entry e = entries.get(path);
    if (e == null) {
      // Layer tars need not list parent directories: a path with entries under it is a directory.
      // In path order, a directory's content directly follows it.
      SortedMap<String, Entry> after = entries.tailMap(path);
      return !after.isEmpty() && after.firstKey().startsWith(path + "/")
          ? Optional.of(NodeKind.DIRECTORY) : Optional.empty();
    }
    if (e instanceof FileEntry || e instanceof HardlinkEntry) {
      return Optional.of(NodeKind.FILE);
    }
    if (e instanceof DirectoryEntry) {
      return Optional.of(NodeKind.DIRECTORY);
    }
    if (e instanceof SymlinkEntry) {
      return Optional.of(NodeKind.SYMLINK);
    }
    return Optional.of(NodeKind.OTHER);
  }

  @Override
  public Optional<String> readSymlink(String path) {
    return Optional.ofNullable(entries.get(path)).filter(SymlinkEntry.class::isInstance)
        .map(e -> ((SymlinkEntry) e).target());
  }

  /** The regular file at {@code path}, following a hard link. */
  Optional<FileEntry> file(String path) {
    Entry e = entries.get(path);
    for (int hops = 0; e instanceof HardlinkEntry h && hops < 8; hops++) {
      e = entries.get(h.target());
    }
    return e instanceof FileEntry f ? Optional.of(f) : Optional.empty();
  }

  @Override
  public Optional<SeekableByteChannel> open(String path) throws IOException {
    Optional<FileEntry> f = file(path);
    if (f.isEmpty()) {
      return Optional.empty();
    }
    Source source = f.get().source();
    if (source instanceof PathSource p) {
      return Optional.of(FileChannel.open(p.path(), StandardOpenOption.READ));
    }
    if (source instanceof FileRegionSource r) {
      return Optional.of(new RegionChannel(FileChannel.open(r.file(), StandardOpenOption.READ), r.offset(), r.size()));
    }
    if (source instanceof BytesSource b) {
      return Optional.of(new MemoryChannel(b.bytes()));
    }
    if (source instanceof io.github.scratch4j.internal.source.DerivedSource || source.size() > MAX_IN_MEMORY) {
      return Optional.empty();
    }
    try (InputStream in = source.open()) {
      return Optional.of(new MemoryChannel(in.readNBytes((int) source.size())));
    }
  }

  @Override
  public List<String> list(String path) {
    String prefix = path.equals("/") ? "/" : path + "/";
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    SortedMap<String, Entry> after = path.equals("/") ? entries : entries.tailMap(path);
    for (Map.Entry<String, Entry> e : after.entrySet()) {
      if (e.getKey().equals(path)) {
        continue;
      }
      String k = e.getKey();
      if (!k.startsWith(prefix)) {
        break;
      }
      String rest = k.substring(prefix.length());
      if (!rest.isEmpty()) {
        out.add(rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest);
      }
    }
    return new ArrayList<>(out);
  }

  /** A read-only channel; subclasses say how to read at a position. */
  private abstract static class ReadOnlyChannel implements SeekableByteChannel {
    private final long size;
    private long position;
    private boolean open = true;

    ReadOnlyChannel(long size) {
      this.size = size;
    }

    /** Reads into {@code dst} (at most what is left) from {@code at}; returns the count. */
    abstract int readAt(long at, ByteBuffer dst) throws IOException;

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (position >= size) {
        return -1;
      }
      ByteBuffer slice = dst.duplicate();
      slice.limit(slice.position() + (int) Math.min(dst.remaining(), size - position));
      int n = readAt(position, slice);
      if (n > 0) {
        dst.position(dst.position() + n);
        position += n;
      }
      return n;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new java.nio.channels.NonWritableChannelException();
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public SeekableByteChannel position(long p) {
      position = p;
      return this;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public SeekableByteChannel truncate(long s) {
      throw new java.nio.channels.NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() throws IOException {
      open = false;
    }
  }

  /** A read-only channel over bytes. */
  private static final class MemoryChannel extends ReadOnlyChannel {
    private final byte[] bytes;

    MemoryChannel(byte[] bytes) {
      super(bytes.length);
      this.bytes = bytes;
    }

    @Override
    int readAt(long at, ByteBuffer dst) {
      int n = dst.remaining();
      dst.put(bytes, (int) at, n);
      return n;
    }
  }

  /** A read-only channel over a range of a file. */
  private static final class RegionChannel extends ReadOnlyChannel {
    private final FileChannel file;
    private final long offset;

    RegionChannel(FileChannel file, long offset, long size) {
      super(size);
      this.file = file;
      this.offset = offset;
    }

    @Override
    int readAt(long at, ByteBuffer dst) throws IOException {
      return file.read(dst, offset + at);
    }

    @Override
    public void close() throws IOException {
      super.close();
      file.close();
    }
  }
}
