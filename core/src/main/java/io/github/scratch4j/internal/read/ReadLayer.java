package io.github.scratch4j.internal.read;

import io.github.scratch4j.Descriptor;
import io.github.scratch4j.Digest;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Source;
import io.github.scratch4j.internal.compress.LayerMediaTypes;
import java.util.List;
import java.util.Objects;

/**
 * A layer as read: its blob's descriptor, its diff_id (checked against the uncompressed tar), the
 * blob's bytes, and the entries its tar headers list, in path order, validated as an extraction
 * needs them. The constructor refuses ({@code IllegalArgumentException}) a media type that is not a
 * layer's and content whose size is not the descriptor's; the readers turn that into an
 * {@code ImageFormatException} naming where the layer came from.
 */
public record ReadLayer(Descriptor blob, Digest diffId, Source content, List<Entry> entries) {
  public ReadLayer {
    Objects.requireNonNull(diffId, "diffId");
    if (!LayerMediaTypes.isLayer(blob.mediaType())) {
      throw new IllegalArgumentException("not a layer media type: " + blob.mediaType());
    }
    if (content.size() != blob.size()) {
      throw new IllegalArgumentException(
          "layer blob " + blob.digest() + " is " + blob.size() + " bytes but its content has " + content.size());
    }
    entries = List.copyOf(entries);
  }
}
