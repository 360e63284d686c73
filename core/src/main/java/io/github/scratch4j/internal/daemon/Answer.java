package io.github.scratch4j.internal.daemon;

import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.internal.io.LimitedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The daemon's answer to a load: an HTTP status and a body of JSON messages, one per line
 * ({@code {"stream":"Loaded image: hello:latest\n"}}, or {@code {"error":...}} when the archive
 * was refused after the status was sent), or one {@code {"message":...}} with an error status.
 */
record Answer(int status, List<String> lines) {
  private static final String LOADED = "Loaded image: ";
  /** Docker sends a handful; an answer with more is not from a daemon. */
  private static final int MAX_HEADERS = 256;

  /** Reads the status line, the headers and the body (by its length, in chunks, or to the end). */
  static Answer read(InputStream in, Path socket) throws IOException {
    String statusLine = line(in);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new ImageFormatException("status line " + quote(statusLine));
    }
    int status;
    try {
      status = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new ImageFormatException("status line " + quote(statusLine));
    }
    long length = -1;
    boolean chunked = false;
    int headers = 0;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      if (++headers > MAX_HEADERS) {
        throw new ImageFormatException("more than " + MAX_HEADERS + " header fields");
      }
      int colon = header.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = header.substring(colon + 1).trim();
      if (name.equals("content-length")) {
        try {
          length = Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw new ImageFormatException("Content-Length " + quote(value));
        }
      } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
        chunked = true;
      }
    }
    byte[] body = chunked ? chunked(in) : length >= 0 ? exactly(in, length) : rest(in);
    List<String> lines = new ArrayList<>();
    for (String l : new String(body, StandardCharsets.UTF_8).split("\r?\n")) {
      if (!l.isBlank()) {
        lines.add(l.strip());
      }
    }
    return new Answer(status, lines);
  }

  /** The error the daemon reported, in its words, if it reported one. */
  Optional<String> error() {
    List<String> errors = new ArrayList<>();
    for (String line : lines) {
      Optional<Object> node = AnswerJson.parse(line);
      if (node.isEmpty()) {
        if (status >= 300) {
          errors.add(line);
        }
        continue;
      }
      Object n = node.get();
      Optional<String> error = AnswerJson.string(n, "error")
          .or(() -> AnswerJson.object(n, "errorDetail").flatMap(d -> AnswerJson.string(d, "message")))
          .or(() -> status >= 300 ? AnswerJson.string(n, "message") : Optional.empty());
      error.ifPresent(errors::add);
    }
    if (errors.isEmpty() && status >= 300) {
      errors.add("no message");
    }
    return errors.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", errors));
  }

  /** The names the daemon reported loading. */
  List<String> tags() {
    List<String> tags = new ArrayList<>();
    for (String line : lines) {
      Optional<String> stream = AnswerJson.parse(line).flatMap(n -> AnswerJson.string(n, "stream"));
      if (stream.isEmpty()) {
        continue;
      }
      for (String said : stream.get().split("\n")) {
        said = said.strip();
        if (said.startsWith(LOADED)) {
          // podman joins several names with commas.
          for (String tag : said.substring(LOADED.length()).split(",")) {
            if (!tag.isBlank()) {
              tags.add(tag.strip());
            }
          }
        } else if (said.startsWith("Loaded image(s): ")) {
          for (String tag : said.substring("Loaded image(s): ".length()).split(",")) {
            if (!tag.isBlank()) {
              tags.add(tag.strip());
            }
          }
        }
      }
    }
    return tags;
  }

  private static String quote(String s) {
    return "\"" + (s.length() > 200 ? s.substring(0, 200) + "…" : s) + "\"";
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); ; c = in.read()) {
      if (c < 0) {
        throw new EOFException("the answer ended after " + b.size() + " bytes of a line");
      }
      if (c == '\n') {
        break;
      }
      if (b.size() >= 64 << 10) {
        throw new ImageFormatException("a line of the answer longer than 64 KiB");
      }
      b.write(c);
    }
    String s = b.toString(StandardCharsets.ISO_8859_1);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  private static byte[] exactly(InputStream in, long length) throws IOException {
    if (length > DaemonLoad.MAX_ANSWER) {
      throw new ImageFormatException("an answer of " + length + " bytes, more than the " + DaemonLoad.MAX_ANSWER + " read");
    }
    byte[] b = in.readNBytes((int) length);
    if (b.length < length) {
      throw new EOFException("the answer ended after " + b.length + " of " + length + " bytes");
    }
    return b;
  }

  private static byte[] rest(InputStream in) throws IOException {
    return LimitedInputStream.readAll(in, DaemonLoad.MAX_ANSWER,
        () -> new ImageFormatException("an answer of more than " + DaemonLoad.MAX_ANSWER + " bytes"));
  }

  private static byte[] chunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = line(in);
      int semicolon = size.indexOf(';');
      long n;
      try {
        n = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
      } catch (NumberFormatException e) {
        throw new ImageFormatException("chunk size " + quote(size));
      }
      if (n == 0) {
        while (!line(in).isEmpty()) {
          // trailer fields, ignored
        }
        return body.toByteArray();
      }
      if (n < 0 || body.size() + n > DaemonLoad.MAX_ANSWER) {
        throw new ImageFormatException("an answer of more than " + DaemonLoad.MAX_ANSWER + " bytes");
      }
      body.write(exactly(in, n));
      line(in);
    }
  }
}
