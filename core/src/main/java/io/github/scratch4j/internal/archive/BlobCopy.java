package io.github.scratch4j.internal.archive;

import io.github.scratch4j.Descriptor;
import io.github.scratch4j.DigestMismatchException;
import io.github.scratch4j.Source;
import io.github.scratch4j.internal.io.HashingOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.LongConsumer;

/** Copies a stored blob while checking it is what its descriptor says. */
final class BlobCopy {
  private BlobCopy() {}

  static void copy(Descriptor descriptor, Source content, OutputStream out, byte[] buffer, LongConsumer meter)
      throws IOException {
    HashingOutputStream hashing = new HashingOutputStream(out, meter);
    long remaining = descriptor.size();
    try (InputStream in = content.open()) {
      while (remaining > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
        if (n < 0) {
          break;
        }
        hashing.write(buffer, 0, n);
        remaining -= n;
      }
      if (remaining > 0 || in.read() >= 0) {
        throw new DigestMismatchException(
            "blob " + descriptor.digest() + " (" + content + ") does not have the " + descriptor.size()
                + " bytes its descriptor says");
      }
    }
    var actual = hashing.digest();
    if (!actual.equals(descriptor.digest())) {
      throw new DigestMismatchException(
          "blob " + descriptor.digest() + " (" + content + ") has digest " + actual + " instead");
    }
  }
}
