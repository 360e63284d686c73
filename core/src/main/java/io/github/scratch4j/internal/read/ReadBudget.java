package io.github.scratch4j.internal.read;

import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.ReadOptions;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one read may still cost: each blob may hold up to {@link ReadOptions#maxLayerSize} bytes
 * once decompressed, and everything the read decompresses together up to
 * {@link ReadOptions#maxImageSize}. Bytes are counted as they are read, so a decompression bomb
 * stops at the limit instead of after it has been expanded. Bytes read as they are stored cost
 * only what the input itself is, so they count against the per-blob limit alone.
 */
public final class ReadBudget {
  private final ReadOptions options;
  private final AtomicLong used = new AtomicLong();
  /**
   * The checked entries of each layer listing read so far: a layer that several images of an
   * archive share (a base, or a legacy layer under many tags) is checked once, not once per use.
   */
  private final java.util.Map<io.github.scratch4j.internal.layer.LayerListing, java.util.List<io.github.scratch4j.Entry>>
      entries = new java.util.IdentityHashMap<>();

  /** A budget for one read. */
  public ReadBudget(ReadOptions options) {
    this.options = options;
  }

  /** What checks a layer's entries, once. */
  interface EntriesCheck {
    java.util.List<io.github.scratch4j.Entry> check() throws IOException;
  }

  /** The entries of a listing, checked by {@code check} the first time they are asked for. */
  synchronized java.util.List<io.github.scratch4j.Entry> entries(io.github.scratch4j.internal.layer.LayerListing listing,
      EntriesCheck check) throws IOException {
    java.util.List<io.github.scratch4j.Entry> known = entries.get(listing);
    if (known == null) {
      known = check.check();
      entries.put(listing, known);
    }
    return known;
  }

  /** The limits. */
  public ReadOptions options() {
    return options;
  }

  /**
   * {@code in}, failing once it has given more than one blob may hold, or, when it is
   * {@code decompressed}, once the read has decompressed more than the whole may.
   */
  InputStream limit(InputStream in, String what, boolean decompressed) {
    return new Limited(in, what, true, decompressed);
  }

  /** {@code in}, a decompressed archive, failing once the read has decompressed more than the whole may. */
  InputStream limitTotal(InputStream in, String what) {
    return new Limited(in, what, false, true);
  }

  private final class Limited extends FilterInputStream {
    private final String what;
    private final boolean perBlob;
    private final boolean total;
    private long count;

    Limited(InputStream in, String what, boolean perBlob, boolean total) {
      super(in);
      this.what = what;
      this.perBlob = perBlob;
      this.total = total;
    }

    private void charge(long n) throws ImageFormatException {
      if (n <= 0) {
        return;
      }
      count += n;
      if (perBlob && count > options.maxLayerSize()) {
        throw new ImageFormatException(what + " expands to more than " + options.maxLayerSize()
            + " bytes, the most one layer may hold (ReadOptions.maxLayerSize; it looks like a decompression bomb)");
      }
      if (total && used.addAndGet(n) > options.maxImageSize()) {
        throw new ImageFormatException(what + ": what this read decompressed comes to more than "
            + options.maxImageSize() + " bytes, the most one image may hold (ReadOptions.maxImageSize;"
            + " it looks like a decompression bomb)");
      }
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        charge(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      charge(n);
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long k = super.skip(n);
      charge(k);
      return k;
    }
  }
}
