package io.github.scratch4j.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.scratch4j.ImageFormatException;
import java.io.IOException;

/**
 * Parses the JSON documents of images read from outside, which may be hostile: duplicate keys,
 * deep nesting, huge numbers and oversized documents are refused with a message naming the
 * document and the place.
 */
public final class JsonReader {
  /** Largest document accepted; real manifests and configurations are a few kilobytes. */
  public static final int MAX_DOCUMENT = 8 << 20;

  private static final ObjectMapper MAPPER = JsonMapper.builder(
          JsonFactory.builder()
              .streamReadConstraints(StreamReadConstraints.builder()
                  .maxNestingDepth(64)
                  .maxNumberLength(40)
                  .maxStringLength(1 << 20)
                  .maxNameLength(64 << 10)
                  .maxDocumentLength(MAX_DOCUMENT)
                  .build())
              .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private JsonReader() {}

  /** Parses a document; {@code what} names it in messages. */
  public static JsonNode parse(byte[] json, String what) throws ImageFormatException {
    if (json.length > MAX_DOCUMENT) {
      throw new ImageFormatException(what + " is " + json.length + " bytes, more than the " + MAX_DOCUMENT + " accepted");
    }
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw new ImageFormatException(what + " is empty");
      }
      return node;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new ImageFormatException(what + " is not valid JSON" + where + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ImageFormatException(what + " cannot be parsed: " + e.getMessage(), e);
    }
  }

  /** Compact JSON for a node, keys in the order they were read. */
  public static String compact(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
