package io.github.scratch4j.internal.source;

import io.github.scratch4j.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A byte range of a file, such as a blob inside an uncompressed archive tar. */
public record FileRegionSource(Path file, long offset, long size) implements SubRegions {

  @Override
  public InputStream open() throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    // The range was inside the file when it was read as an archive: a file that ends sooner was cut since.
    return new RegionInputStream(channel, true, offset, size, at -> file + " ends at byte " + at + ", inside the "
        + size + " bytes at offset " + offset + " that were read from it: it was truncated after it was read"
        + " (it has " + sizeNow(channel) + " bytes now)");
  }

  private static String sizeNow(FileChannel channel) {
    try {
      return String.valueOf(channel.size());
    } catch (IOException e) {
      return "an unknown number of";
    }
  }

  /** A range inside this one. */
  @Override
  public FileRegionSource sub(long start, long length) {
    return new FileRegionSource(file, offset + start, length);
  }

  @Override
  public String toString() {
    return file + " at " + offset + " (" + size + " bytes)";
  }
}
