package io.github.scratch4j.internal.read;

import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.ReadOptions;
import io.github.scratch4j.internal.io.LimitedInputStream;
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

  /**
   * Counts a stream against the per-blob limit (when {@code perBlob}) and what it reads against
   * the whole read's decompressed total (when {@code total}).
   */
  private final class Limited extends LimitedInputStream {
    private final String what;
    private final boolean total;

    Limited(InputStream in, String what, boolean perBlob, boolean total) {
      super(in, perBlob ? options.maxLayerSize() : Long.MAX_VALUE, () -> new ImageFormatException(what
          + " expands to more than " + options.maxLayerSize()
          + " bytes, the most one layer may hold (ReadOptions.maxLayerSize; it looks like a decompression bomb)"));
      this.what = what;
      this.total = total;
    }

    @Override
    protected void charged(long n) throws ImageFormatException {
      if (total && used.addAndGet(n) > options.maxImageSize()) {
        throw new ImageFormatException(what + ": what this read decompressed comes to more than "
            + options.maxImageSize() + " bytes, the most one image may hold (ReadOptions.maxImageSize;"
            + " it looks like a decompression bomb)");
      }
    }
  }
}
