package io.github.scratch4j;

/**
 * Limits on the work that reading an image may cause: how far its layers may expand when
 * decompressed and how many entries a layer may hold. Reading is where hostile input arrives; a
 * few kilobytes of zstd can expand to gigabytes, and every byte a layer expands to is read (to
 * check its diff_id and its entries) before {@link Archive#read} or {@link Image#from} returns.
 * A limit that is hit ends the read with an {@link ImageFormatException} naming the layer, the
 * limit and how to raise it.
 *
 * <p>The defaults are far above real images (the largest public base images are a few GiB), so
 * they only stop input that is hostile or broken; lower them to bound what an untrusted archive
 * can cost. There is deliberately no limit on the compression ratio: gzip cannot exceed about
 * 1,032:1 by construction, and zstd legitimately reaches far higher ratios on zero-filled files,
 * so a ratio limit would refuse real layers without bounding anything the size limits do not.
 *
 * @param maxLayerSize most bytes one layer (or any other blob, or a root file system tarball) may
 *     hold once decompressed
 * @param maxImageSize most bytes all the blobs of one read may hold once decompressed: every layer
 *     of an image, or for an archive everything it holds (a blob shared by several images counts
 *     once)
 * @param maxLayerEntries most entries (files, directories, links, whiteouts) one layer may hold
 */
public record ReadOptions(long maxLayerSize, long maxImageSize, int maxLayerEntries) {
  /** 64 GiB: the default {@link #maxLayerSize}. */
  public static final long DEFAULT_MAX_LAYER_SIZE = 64L << 30;
  /** 256 GiB: the default {@link #maxImageSize}. */
  public static final long DEFAULT_MAX_IMAGE_SIZE = 256L << 30;
  /**
   * One million: the default {@link #maxLayerEntries}. A layer's entries are kept in memory once
   * read (a few hundred bytes each), so this also bounds the heap a hostile layer can claim.
   */
  public static final int DEFAULT_MAX_LAYER_ENTRIES = 1_000_000;

  private static final ReadOptions DEFAULTS =
      new ReadOptions(DEFAULT_MAX_LAYER_SIZE, DEFAULT_MAX_IMAGE_SIZE, DEFAULT_MAX_LAYER_ENTRIES);

  /**
   * Validates the limits.
   *
   * @param maxLayerSize most bytes one layer (or any other blob, or a root file system tarball) may
   *     hold once decompressed; positive
   * @param maxImageSize most bytes all the blobs of one read may hold once decompressed; positive
   * @param maxLayerEntries most entries one layer may hold; positive
   * @throws IllegalArgumentException if a limit is zero or negative
   */
  public ReadOptions {
    if (maxLayerSize <= 0 || maxImageSize <= 0 || maxLayerEntries <= 0) {
      throw new IllegalArgumentException("read limits must be positive: maxLayerSize " + maxLayerSize
          + ", maxImageSize " + maxImageSize + ", maxLayerEntries " + maxLayerEntries);
    }
  }

  /**
   * 64 GiB per layer, 256 GiB per image, one million entries per layer.
   *
   * @return the default limits, the same instance every time
   */
  public static ReadOptions defaults() {
    return DEFAULTS;
  }

  /**
   * A copy with the given most bytes one layer may expand to.
   *
   * @param bytes the limit, positive
   * @return a copy with that limit
   * @throws IllegalArgumentException if {@code bytes} is zero or negative
   */
  @CheckReturnValue
  public ReadOptions withMaxLayerSize(long bytes) {
    return new ReadOptions(bytes, maxImageSize, maxLayerEntries);
  }

  /**
   * A copy with the given most bytes all of one read's blobs may expand to.
   *
   * @param bytes the limit, positive
   * @return a copy with that limit
   * @throws IllegalArgumentException if {@code bytes} is zero or negative
   */
  @CheckReturnValue
  public ReadOptions withMaxImageSize(long bytes) {
    return new ReadOptions(maxLayerSize, bytes, maxLayerEntries);
  }

  /**
   * A copy with the given most entries per layer.
   *
   * @param entries the limit, positive
   * @return a copy with that limit
   * @throws IllegalArgumentException if {@code entries} is zero or negative
   */
  @CheckReturnValue
  public ReadOptions withMaxLayerEntries(int entries) {
    return new ReadOptions(maxLayerSize, maxImageSize, entries);
  }
}
