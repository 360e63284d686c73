package io.github.scratch4j.elf.internal;

import io.github.scratch4j.elf.ElfFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;

/** Positioned reads of an ELF file, from a channel or from bytes, with bounds checked. */
public abstract class ElfInput {
  private final String name;

  ElfInput(String name) {
    this.name = name;
  }

  /** The file's size. */
  public abstract long size() throws IOException;

  /** Reads up to {@code length} bytes at {@code offset}; fewer only at the end of the file. */
  protected abstract int readAt(long offset, byte[] into, int length) throws IOException;

  /** The name used in messages. */
  public String name() {
    return name;
  }

  /** Reads exactly {@code length} bytes at {@code offset}, which must lie inside the file. */
  public ByteBuffer read(long offset, long length, ByteOrder order, String what) throws IOException {
    if (offset < 0 || length < 0) {
      throw new ElfFormatException(name + ": " + what + " has a negative offset or size (offset " + offset + ")");
    }
    long end;
    try {
      end = Math.addExact(offset, length);
    } catch (ArithmeticException e) {
      throw new ElfFormatException(name + ": " + what + " at offset " + Long.toUnsignedString(offset)
          + " with size " + Long.toUnsignedString(length) + " overflows");
    }
    if (end > size()) {
      throw new ElfFormatException(name + ": " + what + " at offset " + offset + " with size " + length
          + " runs past the end of the file (" + size() + " bytes)");
    }
    if (length > Integer.MAX_VALUE - 8) {
      throw new ElfFormatException(name + ": " + what + " at offset " + offset + " is implausibly large: " + length);
    }
    byte[] data = new byte[(int) length];
    int n = readAt(offset, data, data.length);
    if (n < length) {
      throw new ElfFormatException(name + ": " + what + " at offset " + offset + " is truncated");
    }
    return ByteBuffer.wrap(data).order(order);
  }

  /** Input from a channel; reads are positioned, so only what is asked for is read. */
  public static ElfInput of(SeekableByteChannel channel, String name) {
    return new ElfInput(name) {
      @Override
      public long size() throws IOException {
        return channel.size();
      }

      @Override
      protected int readAt(long offset, byte[] into, int length) throws IOException {
        channel.position(offset);
        ByteBuffer b = ByteBuffer.wrap(into, 0, length);
        while (b.hasRemaining()) {
          if (channel.read(b) < 0) {
            break;
          }
        }
        return b.position();
      }
    };
  }

  /** Input from bytes. */
  public static ElfInput of(byte[] bytes, String name) {
    return new ElfInput(name) {
      @Override
      public long size() {
        return bytes.length;
      }

      @Override
      protected int readAt(long offset, byte[] into, int length) {
        if (offset >= bytes.length) {
          return 0;
        }
        int n = (int) Math.min(length, bytes.length - offset);
        System.arraycopy(bytes, (int) offset, into, 0, n);
        return n;
      }
    };
  }
}
