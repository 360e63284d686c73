package io.github.scratch4j.internal.layer;

import io.github.scratch4j.DirectoryEntry;
import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.HardlinkEntry;
import io.github.scratch4j.Source;
import io.github.scratch4j.SourceChangedException;
import io.github.scratch4j.SpecialFileEntry;
import io.github.scratch4j.SymlinkEntry;
import io.github.scratch4j.Whiteout;
import io.github.scratch4j.internal.EntryPaths;
import io.github.scratch4j.internal.tar.TarHeader;
import io.github.scratch4j.internal.tar.TarHeader.Fields;
import io.github.scratch4j.internal.tar.TarType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import io.github.scratch4j.internal.source.PathSource;

/** Writes a layer's tar from its entries, reading each source once, in one pass. */
public final class LayerTarWriter {
  /** Two zero blocks end a tar archive (POSIX pax, "ustar Interchange Format"). */
  private static final byte[] END = new byte[2 * TarHeader.BLOCK];
  private static final byte[] ZEROS = new byte[TarHeader.BLOCK];

  private final byte[] buffer;

  /** Copies content through a buffer of the given size. */
  public LayerTarWriter(int bufferSize) {
    this.buffer = new byte[bufferSize];
  }

  /** Writes the tar of {@code plan} to {@code out}. */
  public void write(LayerPlan plan, OutputStream out) throws IOException {
    for (Entry e : plan.entries()) {
      Fields fields = fields(e);
      out.write(TarHeader.encode(fields));
      if (e instanceof FileEntry f) {
        copy(f, out);
        int pad = (int) (TarHeader.padded(fields.size()) - fields.size());
        out.write(ZEROS, 0, pad);
      }
    }
    out.write(END);
  }

  /** The exact number of bytes {@link #write} produces for {@code plan}. */
  public static long size(LayerPlan plan) {
    long size = END.length;
    for (Entry e : plan.entries()) {
      Fields fields = fields(e);
      size += TarHeader.length(fields) + TarHeader.padded(fields.size());
    }
    return size;
  }

  /** The tar header fields of an entry. */
  static Fields fields(Entry e) {
    String name = EntryPaths.key(e).substring(1);
    long mtime = e.mtime().getEpochSecond();
    if (e instanceof FileEntry f) {
      return new Fields(name, TarType.FILE, f.mode(), f.uid(), f.gid(), f.source().size(), mtime, "", 0, 0);
    } else if (e instanceof DirectoryEntry d) {
      return new Fields(name + "/", TarType.DIRECTORY, d.mode(), d.uid(), d.gid(), 0, mtime, "", 0, 0);
    } else if (e instanceof SymlinkEntry s) {
      return new Fields(name, TarType.SYMLINK, s.mode(), s.uid(), s.gid(), 0, mtime, s.target(), 0, 0);
    } else if (e instanceof HardlinkEntry h) {
      return new Fields(
          name, TarType.HARDLINK, h.mode(), h.uid(), h.gid(), 0, mtime, h.target().substring(1), 0, 0);
    } else if (e instanceof SpecialFileEntry s) {
      TarType type = switch (s.kind()) {
        case FIFO -> TarType.FIFO;
        case CHARACTER_DEVICE -> TarType.CHAR_DEVICE;
        case BLOCK_DEVICE -> TarType.BLOCK_DEVICE;
      };
      return new Fields(name, type, s.mode(), s.uid(), s.gid(), 0, mtime, "", s.major(), s.minor());
    }
    Whiteout w = (Whiteout) e;
    return new Fields(name, TarType.FILE, 0, 0, 0, 0, w.mtime().getEpochSecond(), "", 0, 0);
  }

  private void copy(FileEntry f, OutputStream out) throws IOException {
    Source source = f.source();
    if (source instanceof PathSource p) {
      p.copyTo(f.path(), out, buffer);
      return;
    }
    long expected = source.size();
    long remaining = expected;
    try (InputStream in = source.open()) {
      while (remaining > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
        if (n < 0) {
          throw new SourceChangedException(
              "source of " + f.path() + " (" + source + ") shrank while it was archived: expected "
                  + expected + " bytes, got " + (expected - remaining));
        }
        out.write(buffer, 0, n);
        remaining -= n;
      }
      if (in.read() >= 0) {
        throw new SourceChangedException(
            "source of " + f.path() + " (" + source + ") grew while it was archived: expected "
                + expected + " bytes, got more");
      }
    }
  }
}
