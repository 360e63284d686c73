package io.github.scratch4j.internal.source;

import io.github.scratch4j.Source;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;

/** Bytes held in memory; equal when the bytes are equal. */
public final class BytesSource implements Source {
  private final byte[] content;

  /** Copies the content. */
  public BytesSource(byte[] content) {
    this.content = content.clone();
  }

  @Override
  public long size() {
    return content.length;
  }

  @Override
  public InputStream open() {
    return new ByteArrayInputStream(content);
  }

  /** The content, without copying; callers must not change it. */
  public byte[] bytes() {
    return content;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BytesSource b && Arrays.equals(content, b.content);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(content);
  }

  @Override
  public String toString() {
    return content.length + " bytes in memory";
  }
}
