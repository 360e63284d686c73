package io.github.scratch4j.internal.sign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** PEM (RFC 7468): a label and base64 lines of 64 characters, as Go's encoding/pem writes them. */
public final class Pem {
  /** One block: its label and its bytes. */
  public record Block(String label, byte[] bytes) {}

  private Pem() {}

  public static byte[] encode(String label, byte[] bytes) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(bytes);
    return ("-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The first block of {@code pem} whose label is one of {@code labels}; text around it is ignored.
   *
   * @throws IOException naming {@code what} and the labels looked for, if there is none or it is malformed
   */
  public static Block decode(byte[] pem, String what, List<String> labels) throws IOException {
    String text = new String(pem, StandardCharsets.US_ASCII);
    int begin = text.indexOf("-----BEGIN ");
    while (begin >= 0) {
      int labelEnd = text.indexOf("-----", begin + 11);
      if (labelEnd < 0) {
        break;
      }
      String label = text.substring(begin + 11, labelEnd);
      String end = "-----END " + label + "-----";
      int endAt = text.indexOf(end, labelEnd);
      if (endAt < 0) {
        throw new IOException(what + ": the PEM block " + label + " has no END line");
      }
      if (labels.contains(label)) {
        try {
          return new Block(label, Base64.getMimeDecoder().decode(text.substring(labelEnd + 5, endAt)));
        } catch (IllegalArgumentException e) {
          throw new IOException(what + ": the PEM block " + label + " is not base64", e);
        }
      }
      begin = text.indexOf("-----BEGIN ", endAt + end.length());
    }
    throw new IOException(what + ": no PEM block labelled " + String.join(" or ", labels));
  }
}
