package io.github.scratch4j.internal.read;

import io.github.scratch4j.Compression;
import io.github.scratch4j.Digest;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.Source;
import io.github.scratch4j.internal.compress.FileCompression;
import io.github.scratch4j.internal.io.HashingInputStream;
import io.github.scratch4j.internal.json.JsonReader;
import io.github.scratch4j.internal.source.DerivedSource;
import io.github.scratch4j.internal.source.Stored;
import io.github.scratch4j.internal.tar.TarEntry;
import io.github.scratch4j.internal.tar.TarReader;
import io.github.scratch4j.internal.tar.TarType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One pass over an archive tar (possibly compressed as a whole): every entry's name, type and
 * offset, and for every regular file its digest and compression; files that may be layer blobs
 * are also decompressed and their tar headers read, in the same pass. Small documents are kept so
 * that they need no second read.
 */
final class ArchiveScan {
  private static final long KEEP_TOTAL = 64L << 20;
  private static final Digest EMPTY = io.github.scratch4j.internal.io.Sha256.of(new byte[0]);

  /** What the archive is read from. */
  final Stored file;
  /** How the file is compressed as a whole. */
  final FileCompression outer;
  final ReadBudget budget;
  private final Map<String, BlobFile> files = new LinkedHashMap<>();
  /** Names that appear more than once: an archive that names one is ambiguous. */
  private final Set<String> duplicated = new HashSet<>();
  /** The symbolic and hard links of the archive, by normalized name. */
  private final Map<String, TarEntry> links = new HashMap<>();
  /** Most links followed from one name: a chain longer than any writer makes is refused, as a loop is. */
  static final int MAX_LINK_HOPS = 16;
  /** Every header of the archive tar, in order: for a root file system tarball, its layer's entries. */
  final List<TarEntry> headers = new ArrayList<>();
  long fileSize;
  long tarSize;
  /** See {@link #fileDigest()}; null until asked. */
  private Digest fileDigest;
  private Digest tarDigest;

  private ArchiveScan(Stored file, FileCompression outer, ReadBudget budget) {
    this.file = file;
    this.outer = outer;
    this.budget = budget;
  }

  static ArchiveScan of(Stored file, ReadBudget budget) throws IOException {
    FileCompression outer;
    try (InputStream in = file.open()) {
      byte[] head = in.readNBytes(FileCompression.HEAD);
      outer = FileCompression.sniff(head, head.length);
    }
    ArchiveScan scan = new ArchiveScan(file, outer, budget);
    scan.run();
    return scan;
  }

  /** Every entry's normalized name, in archive order. */
  Set<String> names() {
    return java.util.Collections.unmodifiableSet(files.keySet());
  }

  /** Whether the archive has an entry named {@code name}. */
  boolean has(String name) {
    return files.containsKey(name);
  }

  private void run() throws IOException {
    String what = file.toString();
    long kept = 0;
    HashingInputStream raw = new HashingInputStream(file.open());
    // An uncompressed archive is its own tar: hash it once.
    // Every codec's output is counted against the same limit: xz, bzip2 and lz4 as gzip.
    HashingInputStream tar = outer == FileCompression.NONE ? raw
        : new HashingInputStream(budget.limitTotal(outer.decompress(raw, what), what));
    // A root file system tarball is a layer: its sparse files may expand to what one layer may hold.
    TarReader.Limits limits = TarReader.Limits.defaults().withMaxEntries(budget.options().maxLayerEntries())
        .withMaxSparseBytes(budget.options().maxLayerSize());
    try (raw; tar; TarReader reader = new TarReader(tar, what, limits)) {
      Optional<TarEntry> next;
      while ((next = reader.next()).isPresent()) {
        TarEntry e = next.get();
        headers.add(e);
        String name = ArchivePaths.normalize(e.name());
        if (name == null) {
          // Refused even where nothing uses it: an archive that holds one was made to attack something.
          throw new ImageFormatException(what + ": entry '" + ArchivePaths.printable(e.name()) + "' at offset "
              + e.headerOffset() + " escapes the archive: its name is absolute or has a '..' component");
        }
        BlobFile f;
        if (e.type() == TarType.SYMLINK || e.type() == TarType.HARDLINK) {
          links.put(name, e);
        }
        if (e.type() != TarType.FILE) {
          f = new BlobFile(name, false, 0, EMPTY, Compression.NONE, Optional.empty(), 0, Optional.empty(),
              Optional.empty(), Source.of(new byte[0]));
        } else {
          if (raw.hashing() && namedLikeABlob(name)) {
            // The whole file's digest is needed only for a root file system tarball, and a file
            // named by a digest or an image ID marks an image archive: its entries are hashed one
            // by one below, and hashing every byte a second time for the whole would double the
            // cost of the read. (A root file system that holds such a name is read again, once.)
            raw.stopHashing();
            tar.stopHashing();
          }
          int keepUpTo = kept < KEEP_TOTAL && e.size() <= JsonReader.MAX_DOCUMENT ? JsonReader.MAX_DOCUMENT : 0;
          BlobPass.Result r = BlobPass.read(reader.content(), what + " entry " + name, keepUpTo, mayBeLayer(name),
              budget);
          if (r.kept().isPresent()) {
            kept += r.size();
          }
          f = BlobFile.of(name, r, source(e, name));
        }
        if (files.put(name, f) != null) {
          duplicated.add(name);
        }
      }
      // Whatever follows the end of the archive still belongs to the file's digest.
      tar.transferTo(java.io.OutputStream.nullOutputStream());
      raw.transferTo(java.io.OutputStream.nullOutputStream());
    }
    fileSize = raw.count();
    tarSize = tar.count();
    if (raw.hashing()) {
      keepDigests(raw, tar);
    }
  }

  private void keepDigests(HashingInputStream raw, HashingInputStream tar) {
    fileDigest = raw.digest();
    tarDigest = tar == raw ? fileDigest : tar.digest();
  }

  /**
   * The digest of the file as it is stored: a root file system tarball's layer (the file, or the
   * tar inside). The scan computes it unless a file named like a blob marked an image archive
   * ({@link #namedLikeABlob}); if such an archive turns out to be a root file system after all, the file is
   * read again for it.
   *
   * @throws IOException if the file no longer holds what the scan read
   */
  Digest fileDigest() throws IOException {
    hashWhole();
    return fileDigest;
  }

  /** The digest of the tar: the file's, or what it decompresses to. See {@link #fileDigest()}. */
  Digest tarDigest() throws IOException {
    hashWhole();
    return tarDigest;
  }

  /** Whether the scan hashed the whole file as it went (else {@link #fileDigest()} reads it again). */
  boolean hashedWhole() {
    return fileDigest != null;
  }

  private void hashWhole() throws IOException {
    if (fileDigest != null) {
      return;
    }
    String what = file.toString();
    HashingInputStream raw = new HashingInputStream(file.open());
    // The scan found tarSize bytes inside: a file that decompresses to more was changed since.
    HashingInputStream tar = outer == FileCompression.NONE ? raw
        : new HashingInputStream(new io.github.scratch4j.internal.io.LimitedInputStream(outer.decompress(raw, what),
            tarSize, () -> changed(what)));
    try (raw; tar) {
      tar.transferTo(java.io.OutputStream.nullOutputStream());
      raw.transferTo(java.io.OutputStream.nullOutputStream());
    }
    if (raw.count() != fileSize || tar.count() != tarSize) {
      throw changed(what);
    }
    keepDigests(raw, tar);
  }

  private IOException changed(String what) {
    return new io.github.scratch4j.SourceChangedException(what + " changed while it was read: it no longer holds the " + fileSize
        + " bytes (" + tarSize + " as a tar) that were read from it first");
  }

  /**
   * Whether a name has a component of 64 lowercase hexadecimal digits, bare or before {@code
   * .json} or {@code .tar}: how image archives name blobs ({@code blobs/sha256/<hex>}, OCI
   * image-layout) and docker save's layers and configurations ({@code <id>/layer.tar},
   * {@code <id>.json}).
   */
  static boolean namedLikeABlob(String name) {
    for (String part : name.split("/")) {
      String bare = part.endsWith(".json") ? part.substring(0, part.length() - 5)
          : part.endsWith(".tar") ? part.substring(0, part.length() - 4) : part;
      if (LegacyDockerArchive.ID.matcher(bare).matches()) {
        return true;
      }
    }
    return false;
  }

  private Source source(TarEntry e, String name) throws IOException {
    Source stored = outer == FileCompression.NONE
        ? file.region(e.dataOffset(), e.storedSize())
        : new DerivedSource(file.whole(), in -> outer.decompress(in, file.toString()),
            e.dataOffset(), e.storedSize(), file + " entry " + name);
    return e.sparse().map(m -> m.source(stored, file + " entry " + name)).orElse(stored);
  }

  /**
   * Whether a file may be a layer blob, and so is worth decompressing and listing during the scan:
   * the names docker save (old and new), OCI layouts, skopeo, Jib and go-containerregistry give
   * layers. A manifest may name any file as a layer; one not examined here is examined when used.
   */
  static boolean mayBeLayer(String name) {
    return name.startsWith("blobs/") || name.endsWith(".tar") || name.endsWith(".tar.gz") || name.endsWith(".tgz")
        || name.endsWith(".tar.zst");
  }

  /**
   * The regular file named {@code name}. A symbolic or hard link is followed, as {@code docker load}
   * follows it (Docker 20.10's {@code docker save} stores a layer that an image repeats as a link
   * {@code <id>/layer.tar -> ../<other id>/layer.tar}), when it leads to a regular file inside the
   * archive in at most {@value #MAX_LINK_HOPS} links. Refuses names and link targets outside the
   * archive (absolute, or with more {@code ..} than there are directories above), loops, missing
   * entries, other special files, and names the archive holds twice.
   */
  BlobFile regular(String name, String referencedBy) throws ImageFormatException {
    String normalized = ArchivePaths.normalize(name);
    if (normalized == null) {
      throw new ImageFormatException(referencedBy + " names '" + ArchivePaths.printable(name)
          + "', which is outside the archive " + file);
    }
    String current = normalized;
    StringBuilder via = new StringBuilder();
    Set<String> seen = new HashSet<>();
    while (true) {
      BlobFile f = files.get(current);
      String named = "'" + ArchivePaths.printable(name) + "'" + via;
      if (f == null) {
        throw new ImageFormatException(referencedBy + " names " + named + ", which " + file + " does not have");
      }
      if (duplicated.contains(current)) {
        throw new ImageFormatException(referencedBy + " names " + named + ", which " + file
            + " holds more than once: which one counts is ambiguous");
      }
      if (f.regular()) {
        return f;
      }
      TarEntry link = links.get(current);
      if (link == null) {
        throw new ImageFormatException(referencedBy + " names " + named + ", which in " + file
            + " is a directory or special file, not a regular file");
      }
      if (!seen.add(current)) {
        throw new ImageFormatException(referencedBy + " names " + named + ", links in " + file + " that form a loop");
      }
      if (seen.size() > MAX_LINK_HOPS) {
        throw new ImageFormatException(referencedBy + " names " + named + ", which in " + file + " goes through more"
            + " than " + MAX_LINK_HOPS + " links");
      }
      String target = link.type() == TarType.HARDLINK ? ArchivePaths.normalize(link.linkName())
          : ArchivePaths.resolve(current, link.linkName());
      via.append(" -> '").append(ArchivePaths.printable(link.linkName())).append("'");
      if (target == null) {
        throw new ImageFormatException(referencedBy + " names '" + ArchivePaths.printable(name) + "'" + via + ", a "
            + (link.type() == TarType.HARDLINK ? "hard" : "symbolic") + " link in " + file
            + " (at offset " + link.headerOffset() + ") to outside the archive");
      }
      current = target;
    }
  }

  /** The regular file named {@code name}, decompressed and listed as a layer (now, if the scan did not). */
  BlobFile layer(String name, String referencedBy) throws IOException {
    BlobFile f = regular(name, referencedBy);
    if (f.listing().isPresent()) {
      return f;
    }
    BlobPass.Result r;
    try (InputStream in = f.source().open()) {
      r = BlobPass.read(in, file + " entry " + f.name(), 0, true, budget);
    }
    BlobFile examined = BlobFile.of(f.name(), r, f.source());
    files.put(f.name(), examined);
    return examined;
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
