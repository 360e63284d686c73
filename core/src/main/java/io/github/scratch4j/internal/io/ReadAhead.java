package io.github.scratch4j.internal.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * Copies source files into a file target while the caller hashes them, reading each byte from the
 * page cache once: a copier thread reads the file in small chunks into direct buffers, hands each
 * to the hashing thread and writes it into the target's reserved range meanwhile; a buffer is read
 * into again once both are done with it. The hashing thread only hashes, so with a second core
 * free the copy comes near what SHA-256 of the same bytes in memory costs.
 *
 * <p>Why not map the file and let the kernel copy it ({@code transferTo}), as this did before: the
 * hash then takes the page faults (one per 64 KiB here, 8,200 for 512 MiB), whose cost depends on
 * the machine. On one machine of this project's kind 512 MiB hashed from 32 MiB mappings in 375 ms
 * and through a 1 MiB heap buffer in 598 ms; on another, in 0.68 s and 0.46 s, and the mapped
 * write took 2.1 times the plain-read hash there. Read ahead by the other thread, the hash takes
 * neither the faults nor the read's copy, whatever they cost. Measured here, interleaved in one
 * JVM (JDK 17, two shared cores, load 2.5 to 3), medians of 9: the image write 532 ms, the
 * previous design 557 ms, the hash through a heap buffer 605 ms, the hash of bytes already in
 * memory 456 ms. So there is one way, not a probe that picks one per machine.
 *
 * <p>Chunks are small (256 KiB, four of them) so that the hashing thread finds the bytes in cache:
 * four 1 MiB buffers, more than this machine's 2 MiB per-core L2, made the whole copy 1.5 times
 * slower in one run (966 ms against 659, medians of 7). The buffers are kept for the next file, one set per concurrent copy: memory does not
 * grow with the file. They start at a page boundary ({@link Aligned}): on an AMD EPYC of this
 * project's kind the read into buffers as {@code allocateDirect} places them took the copier most
 * of the hash's time, and a 512 MiB image was written in 0.80 s against 0.85 s (whole processes,
 * in turns, medians of 7).
 */
public final class ReadAhead {
  static final int CHUNK = 256 << 10;
  static final int CHUNKS = 4;
  /** The meter hears of the bytes hashed 32 MiB at a time, not at every chunk. */
  private static final long METER_STEP = 32L << 20;

  private final ExecutorService copier;
  private final ConcurrentLinkedQueue<ByteBuffer[]> spare = new ConcurrentLinkedQueue<>();

  /** Copies on threads of {@code copier}, one per file being copied. */
  public ReadAhead(ExecutorService copier) {
    this.copier = copier;
  }

  /** A buffer for one chunk: page-aligned, for the kernel's copy into it is faster (see {@link Aligned}). */
  static ByteBuffer newChunk() {
    return Aligned.direct(CHUNK);
  }

  /** A chunk read, at its file offset; a null buffer ends the chunks. */
  private record Chunk(ByteBuffer buffer, long at) {}

  private static final Chunk END = new Chunk(null, -1);

  /**
   * Writes {@code size} bytes of {@code file} (the open file at {@code path}) into the next
   * {@code size} bytes of {@code target}, and hashes them into {@code digest} on this thread. A file
   * that shrinks meanwhile makes this fail with an {@link EOFException}; the caller, which checks the
   * file again, says what changed. Returns once nothing writes into the target any more, also when
   * it fails.
   */
  void copy(Path path, FileChannel file, long size, RangeTarget target, MessageDigest digest, LongConsumer meter)
      throws IOException {
    long base = target.reserve(size);
    ByteBuffer[] buffers = spare.poll();
    if (buffers == null) {
      buffers = new ByteBuffer[CHUNKS];
      for (int i = 0; i < CHUNKS; i++) {
        buffers[i] = newChunk();
      }
    }
    BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(CHUNKS);
    // Room for every buffer and the end, so that the copier never waits to say it has ended.
    BlockingQueue<Chunk> read = new ArrayBlockingQueue<>(CHUNKS + 1);
    for (ByteBuffer b : buffers) {
      free.add(b);
    }
    Stop stop = new Stop();
    Future<?> copy = copier.submit(() -> {
      try {
        readAndWrite(path, file, size, target, base, free, read, stop);
      } finally {
        read.add(END);
      }
      return null;
    });
    Throwable failure = null;
    boolean interrupted = false;
    long unmetered = 0;
    while (true) {
      Chunk c;
      try {
        c = read.take();
      } catch (InterruptedException e) {
        // The copier is still writing into the target: it is stopped and waited for all the same.
        interrupted = true;
        stop.now = true;
        continue;
      }
      if (c == END) {
        break;
      }
      if (failure == null && !interrupted) {
        try {
          digest.update(c.buffer().duplicate());
          unmetered += c.buffer().remaining();
          if (unmetered >= METER_STEP) {
            meter.accept(unmetered);
            unmetered = 0;
          }
        } catch (RuntimeException | Error e) {
          // A meter's listener may throw: the copier is stopped, and waited for.
          failure = e;
          stop.now = true;
        }
      }
      free.add(c.buffer());
    }
    try {
      awaitCopy(copy);
    } catch (IOException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    if (free.size() == CHUNKS) {
      spare.add(buffers);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      if (failure == null) {
        failure = new InterruptedIOException("interrupted while copying " + path);
      }
    }
    if (failure instanceof IOException io) {
      throw io;
    } else if (failure instanceof RuntimeException r) {
      throw r;
    } else if (failure instanceof Error err) {
      throw err;
    }
    if (unmetered > 0) {
      meter.accept(unmetered);
    }
  }

  /** Set by the hashing thread when it gives up, so that the copier stops reading. */
  private static final class Stop {
    volatile boolean now;
  }

  /** The copier's side: read a chunk, hand it over, write it, until the file's size is copied. */
  private static void readAndWrite(
      Path path, FileChannel file, long size, RangeTarget target, long base,
      BlockingQueue<ByteBuffer> free, BlockingQueue<Chunk> read, Stop stop) throws IOException, InterruptedException {
    long at = 0;
    while (at < size && !stop.now) {
      ByteBuffer b = free.take();
      b.clear().limit((int) Math.min(b.capacity(), size - at));
      try {
        readChunk(path, file, size, b, at);
      } catch (IOException | RuntimeException e) {
        free.add(b);
        throw e;
      }
      // The hashing thread reads the buffer while this one writes it out: both only read it.
      read.add(new Chunk(b, at));
      target.writeAt(b.duplicate(), base + at);
      at += b.limit();
    }
  }

  /**
   * Fills {@code chunk} from its position to its limit with the bytes of {@code file} at
   * {@code at}, and flips it; a file of {@code size} bytes (the one at {@code path}) that ends
   * before is an {@link EOFException} saying where.
   */
  static void readChunk(Path path, FileChannel file, long size, ByteBuffer chunk, long at) throws IOException {
    CopyProbe.at(CopyProbe.Point.CHUNK_READ, path, at);
    while (chunk.hasRemaining()) {
      if (file.read(chunk, at + chunk.position()) < 0) {
        throw new EOFException(path + " ended after " + (at + chunk.position()) + " of " + size
            + " bytes while it was copied");
      }
    }
    chunk.flip();
  }

  /** Waits for the copier to end, even through an interrupt, which is then reported once it has. */
  private static void awaitCopy(Future<?> copy) throws IOException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          copy.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io ? io : new IOException("copying a file failed: " + cause, cause);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (interrupted) {
      throw new InterruptedIOException("interrupted while copying a file");
    }
  }
}
