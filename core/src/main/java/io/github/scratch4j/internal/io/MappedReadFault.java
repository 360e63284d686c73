package io.github.scratch4j.internal.io;

import java.io.IOException;

/**
 * A read from a mapped file faulted: the file was truncated under the mapping (or its device
 * failed). Whoever knows which file it was turns this into a message naming it.
 */
public final class MappedReadFault extends IOException {
  private static final long serialVersionUID = 1L;

  MappedReadFault(InternalError fault) {
    super("a read from a mapped file faulted (the file was truncated while it was read, or its device"
        + " failed): " + fault.getMessage(), fault);
  }
}
