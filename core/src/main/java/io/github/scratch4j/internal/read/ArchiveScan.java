package io.github.scratch4j.internal.read;

import io.github.scratch4j.Compression;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.Source;
import io.github.scratch4j.internal.compress.Codecs;
import io.github.scratch4j.internal.io.HashingInputStream;
import io.github.scratch4j.internal.json.JsonReader;
import io.github.scratch4j.internal.source.DerivedSource;
import io.github.scratch4j.internal.source.FileRegionSource;
import io.github.scratch4j.internal.tar.TarEntry;
import io.github.scratch4j.internal.tar.TarReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One pass over an archive tar (possibly compressed as a whole): every entry's name, type and
 * offset, and for every regular file its digest, compression and uncompressed digest. Small
 * documents are kept so that they need no second read.
 */
final class ArchiveScan {
  private static final long KEEP_TOTAL = 64L << 20;

  final Path file;
  final Compression outer;
  final Map<String, BlobFile> files = new LinkedHashMap<>();
  /** Names of every entry, as normalized (for a root file system tarball, to check them all). */
  final List<String> problems = new ArrayList<>();
  io.github.scratch4j.Digest fileDigest;
  io.github.scratch4j.Digest tarDigest;
  long fileSize;

  private ArchiveScan(Path file, Compression outer) {
    this.file = file;
    this.outer = outer;
  }

  static ArchiveScan of(Path file) throws IOException {
    Compression outer;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(4);
      outer = Codecs.sniff(head, head.length);
    }
    ArchiveScan scan = new ArchiveScan(file, outer);
    scan.run();
    return scan;
  }

  private void run() throws IOException {
    String what = file.toString();
    long kept = 0;
    HashingInputStream raw = new HashingInputStream(Files.newInputStream(file));
    HashingInputStream tar = new HashingInputStream(
        outer == Compression.NONE ? raw : Codecs.decompress(outer, raw));
    try (raw; tar; TarReader reader = new TarReader(tar, what)) {
      Optional<TarEntry> next;
      while ((next = reader.next()).isPresent()) {
        TarEntry e = next.get();
        String name = ArchivePaths.normalize(e.name());
        if (name == null) {
          problems.add("entry '" + e.name() + "' at offset " + e.headerOffset() + " escapes the archive root");
          continue;
        }
        boolean regular = e.type().name().equals("FILE");
        if (!regular) {
          files.put(name, new BlobFile(name, false, 0, io.github.scratch4j.internal.io.Sha256.of(new byte[0]),
              Compression.NONE, Optional.empty(), Optional.empty(), Source.of(new byte[0])));
          continue;
        }
        int keepUpTo = kept < KEEP_TOTAL && e.size() <= JsonReader.MAX_DOCUMENT ? JsonReader.MAX_DOCUMENT : 0;
        ContentDigests.Result r = ContentDigests.read(reader.content(), what + " entry " + name, keepUpTo);
        if (r.kept().isPresent()) {
          kept += r.size();
        }
        Source source = outer == Compression.NONE
            ? new FileRegionSource(file, e.dataOffset(), e.size())
            : new DerivedSource(Source.of(file), in -> Codecs.decompress(outer, in), e.dataOffset(), e.size(),
                what + " entry " + name);
        files.put(name, new BlobFile(name, true, r.size(), r.digest(), r.compression(), r.uncompressed(), r.kept(), source));
      }
      // Whatever follows the end of the archive still belongs to the file's digest.
      tar.transferTo(java.io.OutputStream.nullOutputStream());
      raw.transferTo(java.io.OutputStream.nullOutputStream());
    }
    fileDigest = raw.digest();
    tarDigest = tar.digest();
    fileSize = Files.size(file);
  }

  /** The regular file named {@code name}; refuses links and missing entries. */
  BlobFile regular(String name, String referencedBy) throws ImageFormatException {
    String normalized = ArchivePaths.normalize(name);
    if (normalized == null) {
      throw new ImageFormatException(referencedBy + " names '" + name + "', which is outside the archive " + file);
    }
    BlobFile f = files.get(normalized);
    if (f == null) {
      throw new ImageFormatException(referencedBy + " names '" + name + "', which " + file + " does not have");
    }
    if (!f.regular()) {
      throw new ImageFormatException(referencedBy + " names '" + name + "', which in " + file
          + " is a link or special file, not a regular file");
    }
    return f;
  }

  /** The bytes of a document. */
  static byte[] content(BlobFile f) throws IOException {
    if (f.content().isPresent()) {
      return f.content().get();
    }
    if (f.size() > JsonReader.MAX_DOCUMENT) {
      throw new ImageFormatException(f.name() + " is " + f.size() + " bytes, too large for a JSON document");
    }
    return f.source().readAllBytes();
  }
}
