package io.github.scratch4j.internal.read;

import io.github.scratch4j.Descriptor;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.internal.io.LimitedInputStream;
import io.github.scratch4j.internal.json.JsonReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/** Reads an image layout's {@code index.json}. */
public final class LayoutIndex {
  private LayoutIndex() {}

  /** The descriptors an {@code index.json} lists; the file must be a regular file, not a link. */
  public static List<Descriptor> read(Path indexFile) throws IOException {
    return Documents.index(readSmallFile(indexFile), indexFile.toString());
  }

  /** Reads a document file, refusing links and anything larger than a JSON document may be. */
  public static byte[] readSmallFile(Path file) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new ImageFormatException(
          file + " is not a regular file" + (Files.isSymbolicLink(file) ? " (it is a symbolic link)" : ""));
    }
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      return LimitedInputStream.readAll(in, JsonReader.MAX_DOCUMENT, () -> new ImageFormatException(
          file + " is larger than the " + JsonReader.MAX_DOCUMENT + " bytes a document may be"));
    }
  }
}
