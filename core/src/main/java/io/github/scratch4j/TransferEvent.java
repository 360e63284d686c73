package io.github.scratch4j;

import java.util.Objects;

/**
 * What a push or a pull reports about one blob or manifest as it moves, to the listener given with
 * {@link RegistryOptions#withProgress}.
 *
 * <p>For one blob, a push reports {@link Kind#PRESENT} or {@link Kind#MOUNTED}, or else
 * {@link Kind#UPLOADING} any number of times and then {@link Kind#UPLOADED}; then
 * {@link Kind#MANIFEST_PUSHED} for each manifest and index. A pull reports {@link Kind#CACHED}, or
 * {@link Kind#DOWNLOADING} any number of times and then {@link Kind#DOWNLOADED}.
 *
 * @param kind what happened
 * @param digest the blob's or manifest's digest
 * @param size its size in bytes
 * @param bytes how many of its bytes have moved so far: {@code size} once it is done, and fewer
 *     while it moves (the count can go back when a broken transfer starts over)
 */
public record TransferEvent(Kind kind, Digest digest, long size, long bytes) {
  /** What happened to a blob or manifest. */
  public enum Kind {
    /** The repository already held the blob; it was not uploaded. */
    PRESENT,
    /** The registry copied the blob from another of its repositories; it was not uploaded. */
    MOUNTED,
    /** Part of the blob has been sent. */
    UPLOADING,
    /** The registry holds the whole blob, with its digest checked. */
    UPLOADED,
    /** The registry stored a manifest or index. */
    MANIFEST_PUSHED,
    /** The blob was in the local cache; it was not downloaded. */
    CACHED,
    /** Part of the blob has been received. */
    DOWNLOADING,
    /** The whole blob has been received and its digest checked. */
    DOWNLOADED
  }

  /**
   * Checks the event.
   *
   * @param kind what happened
   * @param digest the blob's or manifest's digest
   * @param size its size in bytes, zero or more
   * @param bytes how many of its bytes have moved so far, {@code 0} to {@code size}
   * @throws IllegalArgumentException if {@code size} is negative or {@code bytes} is outside
   *     {@code 0..size}
   * @throws NullPointerException if {@code kind} or {@code digest} is null
   */
  public TransferEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(digest, "digest");
    if (size < 0 || bytes < 0 || bytes > size) {
      throw new IllegalArgumentException("a transfer of " + bytes + " of " + size + " bytes of " + digest);
    }
  }
}
