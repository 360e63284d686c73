package io.github.scratch4j.internal.source;

import io.github.scratch4j.Source;
import java.io.IOException;
import java.io.InputStream;

/** Content from a caller's stream opener; equal only to itself. */
public final class StreamSource implements Source {
  private final long size;
  private final Source.Opener opener;

  /** Checks the declared size. */
  public StreamSource(long size, Source.Opener opener) {
    if (size < 0) {
      throw new IllegalArgumentException("source size is negative: " + size);
    }
    this.size = size;
    this.opener = java.util.Objects.requireNonNull(opener, "opener");
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public InputStream open() throws IOException {
    InputStream in = opener.open();
    if (in == null) {
      throw new IOException("the source's opener returned no stream");
    }
    return in;
  }

  @Override
  public String toString() {
    return "stream of " + size + " bytes";
  }
}
