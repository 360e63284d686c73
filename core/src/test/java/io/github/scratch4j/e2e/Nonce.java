package io.github.scratch4j.e2e;

import io.github.scratch4j.Entry;
import io.github.scratch4j.Source;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Content no earlier test has loaded. An engine keeps layers by diff_id and does not read a layer
 * it already has, so a test whose every layer an earlier test loaded proves nothing about how the
 * engine reads them (ImageShapesIT's zstd case passed on Docker 20.10, which cannot read zstd,
 * because its gzip case had loaded the same layer). Every image an end-to-end test hands to a
 * tool gets one in each layer it writes.
 */
final class Nonce {
  /** Where the nonce file goes in an image. */
  static final String PATH = "/.scratch4j-nonce";

  private static final SecureRandom RANDOM = new SecureRandom();

  private Nonce() {}

  /** 32 random hex digits and a newline. */
  static String text() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b) + "\n";
  }

  /** A file at {@link #PATH} with {@link #text()}. */
  static Entry entry() {
    return Entry.file(PATH, Source.of(text().getBytes(StandardCharsets.UTF_8)));
  }
}
