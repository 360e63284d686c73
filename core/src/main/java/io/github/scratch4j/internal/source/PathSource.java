package io.github.scratch4j.internal.source;

import io.github.scratch4j.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** A file on disk; its size is captured when the source is made. */
public record PathSource(Path path, long size) implements Source {

  /** Stats the file now. */
  public static PathSource of(Path file) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException("source file does not exist: " + file, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read source file " + file + ": " + e, e);
    }
    if (!attributes.isRegularFile()) {
      throw new UncheckedIOException(
          "source is not a regular file: " + file, new IOException(file + " is not a regular file"));
    }
    return readable(file, attributes.size());
  }

  /** A regular file whose size is already known (from a directory walk); checks it can be read. */
  static PathSource readable(Path file, long size) {
    if (!Files.isReadable(file)) {
      throw new UncheckedIOException(
          "source file is not readable: " + file,
          new java.nio.file.AccessDeniedException(file.toString()));
    }
    return new PathSource(file, size);
  }

  @Override
  public InputStream open() throws IOException {
    return Files.newInputStream(path);
  }

  @Override
  public String toString() {
    return "file " + path + " (" + size + " bytes)";
  }
}
