package io.github.scratch4j.internal.source;

import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.Source;
import io.github.scratch4j.internal.io.LimitedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * What an archive is read from, readable again at any offset for as long as the images read from
 * it are used: a file, bytes in memory, or a stream copied to a temporary file.
 */
public abstract class Stored {
  private final String name;

  private Stored(String name) {
    this.name = name;
  }

  /** A file, read again from the file whenever a blob is used. */
  public static Stored file(Path file) {
    return new OnDisk(file);
  }

  /** Bytes, used as they are (the caller gives up the array). */
  public static Stored bytes(byte[] content, String name) {
    return new InMemory(content, name);
  }

  /**
   * Copies a stream to a temporary file in {@code java.io.tmpdir} and removes the file's name at
   * once: the content stays readable through an open channel, and the system frees it when that
   * channel is closed, at the latest when nothing uses the images read from it any more. More
   * than {@code maxBytes} is refused, before they are all written.
   */
  public static Stored spooled(InputStream in, String name, long maxBytes) throws IOException {
    Path temp = Files.createTempFile("scratch4j-read-", ".tmp");
    FileChannel channel;
    try {
      channel = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } finally {
      // On Linux and macOS the open channel keeps the content; nothing is left behind on disk.
      Files.deleteIfExists(temp);
    }
    try {
      OutputStream out = Channels.newOutputStream(channel);
      // An endless or oversized stream must not fill the disk.
      InputStream limited = new LimitedInputStream(in, maxBytes, () -> new ImageFormatException(name + " is more than "
          + maxBytes + " bytes, the most an archive read from a stream may hold (ReadOptions.maxImageSize)"));
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = limited.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
      }
      out.flush();
      return new Spooled(channel, name);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Names the content in messages: the file's path, or what the caller called the bytes. */
  public final String name() {
    return name;
  }

  @Override
  public final String toString() {
    return name;
  }

  /** Opens the whole content from its start. */
  public abstract InputStream open() throws IOException;

  /** The bytes {@code offset} to {@code offset + length}, as a source that can be opened again. */
  public abstract Source region(long offset, long length);

  /** How many bytes there are. */
  public abstract long size() throws IOException;

  /** The whole content as a source. */
  public final Source whole() throws IOException {
    return region(0, size());
  }

  private static final class OnDisk extends Stored {
    private final Path file;

    OnDisk(Path file) {
      super(file.toString());
      this.file = file;
    }

    @Override
    public InputStream open() throws IOException {
      return Files.newInputStream(file);
    }

    @Override
    public long size() throws IOException {
      return Files.size(file);
    }

    @Override
    public Source region(long offset, long length) {
      return new FileRegionSource(file, offset, length);
    }
  }

  private static final class InMemory extends Stored {
    private final byte[] content;

    InMemory(byte[] content, String name) {
      super(name);
      this.content = Objects.requireNonNull(content, "content");
    }

    @Override
    public InputStream open() {
      return new ByteArrayInputStream(content);
    }

    @Override
    public long size() {
      return content.length;
    }

    @Override
    public Source region(long offset, long length) {
      Objects.checkFromIndexSize(offset, length, content.length);
      return new ArrayRegion(content, (int) offset, (int) length);
    }
  }

  /** A range of an array, opened without copying it. */
  record ArrayRegion(byte[] content, int offset, int length) implements SubRegions {
    @Override
    public long size() {
      return length;
    }

    @Override
    public InputStream open() {
      return new ByteArrayInputStream(content, offset, length);
    }

    @Override
    public Source sub(long start, long subLength) {
      Objects.checkFromIndexSize(start, subLength, length);
      return new ArrayRegion(content, offset + (int) start, (int) subLength);
    }

    @Override
    public String toString() {
      return "bytes " + offset + " to " + (offset + length) + " in memory";
    }
  }

  private static final class Spooled extends Stored {
    private final FileChannel channel;

    Spooled(FileChannel channel, String name) {
      super(name);
      this.channel = channel;
    }

    @Override
    public InputStream open() throws IOException {
      return new ChannelRegion(this, 0, channel.size()).open();
    }

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public Source region(long offset, long length) {
      return new ChannelRegion(this, offset, length);
    }
  }

  /** A range of a spooled stream, read with positioned reads that any number of readers may share. */
  record ChannelRegion(Spooled stored, long offset, long length) implements SubRegions {
    @Override
    public long size() {
      return length;
    }

    @Override
    public InputStream open() {
      return new RegionInputStream(stored.channel, false, offset, length, at -> stored.name() + " ends at byte " + at
          + ", inside the " + length + " bytes at offset " + offset + " that were read from it");
    }

    @Override
    public Source sub(long start, long subLength) {
      return new ChannelRegion(stored, offset + start, subLength);
    }

    @Override
    public String toString() {
      return stored.name() + " at " + offset + " (" + length + " bytes)";
    }
  }
}
