package io.github.scratch4j.internal.tar;

/**
 * One entry of a tar read by {@link TarReader}, with pax and GNU long-name headers applied.
 *
 * @param name the entry's name, UTF-8 decoded, as stored (directories may end in '/')
 * @param type what the entry is
 * @param mode permission bits
 * @param uid numeric owner
 * @param gid numeric group
 * @param size content size in bytes (0 for links, devices, pipes and directories); for a sparse
 *     file, the size of the expanded file
 * @param mtimeSeconds modification time in whole seconds
 * @param linkName the link target, or ""
 * @param devMajor device major number
 * @param devMinor device minor number
 * @param userName owner name, or ""
 * @param groupName group name, or ""
 * @param headerOffset stream offset of the entry's first header block (a pax or long-name header, if any)
 * @param dataOffset stream offset of the entry's content (for a sparse file, of its stored data
 *     segments, after any sparse map in front of them)
 * @param sparse for a GNU sparse file, where its stored bytes go in the expanded file
 */
public record TarEntry(
    String name,
    TarType type,
    int mode,
    long uid,
    long gid,
    long size,
    long mtimeSeconds,
    String linkName,
    int devMajor,
    int devMinor,
    String userName,
    String groupName,
    long headerOffset,
    long dataOffset,
    java.util.Optional<SparseMap> sparse) {

  /** The bytes the tar stores at {@link #dataOffset}: {@link #size}, or a sparse file's data segments. */
  public long storedSize() {
    return sparse.map(SparseMap::storedSize).orElse(size);
  }
}
