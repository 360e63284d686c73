package io.github.scratch4j;

import java.util.Objects;
import java.util.Optional;

/**
 * What a write to a file, a stream or an image layout reports about one blob as it is written, to
 * the listener given with {@link WriteOptions#withProgress}: enough to draw a progress bar per
 * blob.
 *
 * <p>Each blob of a write gets a number, {@link #blob()}, counted from 0 in the order the blobs
 * start, so that events of blobs written side by side can be told apart. For one blob the write
 * reports {@link Kind#WRITING} any number of times (none for a small or quick one), then
 * {@link Kind#WRITTEN} once; or only {@link Kind#PRESENT} when the target already held it. Layers
 * come first, each image's configuration and manifest after them, an index last.
 *
 * <p>Unlike a {@link TransferEvent}, a blob is not named by its digest while it is written: the
 * digest of a layer that scratch4j builds is known only once its last byte has been written.
 *
 * @param kind what happened
 * @param blob the blob's number within this write, from 0 in the order the blobs start
 * @param mediaType the blob's media type (one of {@link MediaType}'s OCI types): whether it is a
 *     layer, and how it is compressed, or a configuration, manifest or index
 * @param size how many bytes the blob's writing goes through, known before it starts: for a layer
 *     that scratch4j builds, the size of its uncompressed tar (whatever the compression); for a
 *     copied layer, a configuration, a manifest or an index, its size as stored
 * @param bytes how many of those bytes are done: never fewer than in the blob's previous event,
 *     and {@code size} in its {@link Kind#WRITTEN} or {@link Kind#PRESENT} event
 * @param digest the blob's digest: present in {@link Kind#WRITTEN} and {@link Kind#PRESENT}
 *     events, and in {@link Kind#WRITING} events of blobs whose digest is known before they are
 *     written (copied layers); empty in the {@link Kind#WRITING} events of a layer being built
 */
public record WriteEvent(Kind kind, int blob, String mediaType, long size, long bytes, Optional<Digest> digest) {
  /** What happened to a blob. */
  public enum Kind {
    /** Part of the blob has been written. */
    WRITING,
    /** The whole blob has been written. */
    WRITTEN,
    /**
     * The target already held the blob (an image layout with that digest, or the same blob written
     * earlier in this write); it was not written again.
     */
    PRESENT
  }

  /**
   * Checks the event.
   *
   * @param kind what happened
   * @param blob the blob's number within this write, from 0
   * @param mediaType the blob's media type
   * @param size how many bytes the blob's writing goes through
   * @param bytes how many of those bytes are done
   * @param digest the blob's digest, where known
   * @throws IllegalArgumentException if {@code blob} is negative, {@code bytes} is outside
   *     {@code 0..size}, a final event's {@code bytes} is not {@code size}, or a final event has no
   *     digest
   * @throws NullPointerException if {@code kind}, {@code mediaType} or {@code digest} is null
   */
  public WriteEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    if (blob < 0 || size < 0 || bytes < 0 || bytes > size) {
      throw new IllegalArgumentException("blob " + blob + ": " + bytes + " of " + size + " bytes written");
    }
    if (kind != Kind.WRITING && (bytes != size || digest.isEmpty())) {
      throw new IllegalArgumentException(
          "blob " + blob + " is " + kind + " with " + bytes + " of " + size + " bytes and digest " + digest);
    }
  }

  /**
   * Whether this is the blob's last event: {@link Kind#WRITTEN} or {@link Kind#PRESENT}.
   *
   * @return true when nothing more is reported for this blob
   */
  public boolean done() {
    return kind != Kind.WRITING;
  }
}
