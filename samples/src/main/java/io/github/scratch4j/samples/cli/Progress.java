package io.github.scratch4j.samples.cli;

import io.github.scratch4j.TransferEvent;
import io.github.scratch4j.WriteEvent;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Shows blob progress on standard error: a bar redrawn in place on a terminal, one line per
 * finished blob otherwise, or nothing. The bar is redrawn at most ten times a second, so that a
 * slow terminal never holds up a transfer.
 */
final class Progress implements BlobProgress {
  /** How progress is shown. */
  enum Mode {
    /** A bar redrawn in place with carriage returns, and a line per finished blob above it. */
    BAR,
    /** One line per finished blob, for logs and pipes. */
    PLAIN,
    /** Nothing. */
    NONE
  }

  private static final long REDRAW_NANOS = 100_000_000L;
  private static final int BAR_WIDTH = 30;

  private final PrintStream err;
  private final Mode mode;
  private final String action;
  private final String doneVerb;
  private final LongSupplier clock;
  /** Bytes done and total per blob, in the order first seen. */
  private final Map<String, long[]> blobs = new LinkedHashMap<>();
  private long lastDraw;
  private boolean barShown;

  /**
   * @param action what the bar says is going on ("pushing")
   * @param doneVerb what a finished blob's line says happened to it ("uploaded")
   */
  Progress(PrintStream err, Mode mode, String action, String doneVerb, LongSupplier clock) {
    this.err = err;
    this.mode = mode;
    this.action = action;
    this.doneVerb = doneVerb;
    this.clock = clock;
    this.lastDraw = clock.getAsLong() - REDRAW_NANOS;
  }

  Progress(PrintStream err, Mode mode, String action, String doneVerb) {
    this(err, mode, action, doneVerb, System::nanoTime);
  }

  /**
   * The mode when none is asked for: a bar when this process has a terminal, by JDK 17's rule
   * ({@link System#console()} is there when standard input and output are a terminal) and
   * {@code TERM} is not {@code dumb}; else plain lines.
   */
  static Mode automatic() {
    String term = System.getenv("TERM");
    return System.console() != null && term != null && !term.equals("dumb") ? Mode.BAR : Mode.PLAIN;
  }

  /** A registry listener that passes every event to {@code progress}. */
  static Consumer<TransferEvent> registryListener(BlobProgress progress) {
    return e -> {
      String blob = e.digest().toString();
      switch (e.kind()) {
        case UPLOADING, DOWNLOADING -> progress.update(blob, e.bytes(), e.size(), false);
        case UPLOADED, DOWNLOADED -> progress.update(blob, e.size(), e.size(), true);
        case PRESENT -> progress.note(blob, e.size(), "already there");
        case MOUNTED -> progress.note(blob, e.size(), "mounted");
        case CACHED -> progress.note(blob, e.size(), "cached");
        case MANIFEST_PUSHED -> progress.note(blob, e.size(), "manifest pushed");
      }
    };
  }

  /**
   * A local write's listener that passes every event to {@code progress}: a blob is known by its
   * number in the write until its final event brings its digest.
   */
  static Consumer<WriteEvent> writeListener(BlobProgress progress) {
    return e -> {
      String blob = "blob #" + e.blob();
      switch (e.kind()) {
        case WRITING -> progress.update(blob, e.bytes(), e.size(), false);
        case WRITTEN -> progress.finished(blob, e.digest().map(Object::toString).orElse(blob), e.size());
        case PRESENT -> progress.note(e.digest().map(Object::toString).orElse(blob), e.size(), "already there");
      }
    };
  }

  /**
   * A push's layer listener: while a layer is made and streamed to the registry (the registry
   * reports such a layer only at its end, when its digest is known), its bytes move the bar as
   * {@code layer #n}; once made, it is forgotten, and the registry's events report it by digest.
   */
  static Consumer<WriteEvent> layerListener(BlobProgress progress) {
    return e -> {
      String blob = "layer #" + e.blob();
      if (e.kind() == WriteEvent.Kind.WRITING) {
        progress.update(blob, e.bytes(), e.size(), false);
      } else {
        progress.forget(blob);
      }
    };
  }

  @Override
  public synchronized void forget(String blob) {
    if (blobs.remove(blob) != null && mode == Mode.BAR) {
      draw();
    }
  }

  @Override
  public synchronized void finished(String blob, String shown, long total) {
    record(blob, total, total, true, shown);
  }

  @Override
  public synchronized void update(String blob, long done, long total, boolean finished) {
    record(blob, done, total, finished, blob);
  }

  /** Keeps a blob's state; prints its line the first time it is finished, else redraws the bar when due. */
  private void record(String blob, long done, long total, boolean finished, String shown) {
    if (mode == Mode.NONE) {
      return;
    }
    long[] state = blobs.computeIfAbsent(blob, b -> new long[3]);
    boolean wasFinished = state[2] != 0;
    state[0] = done;
    state[1] = total;
    state[2] = finished ? 1 : 0;
    if (finished && !wasFinished) {
      line(shortId(shown) + " " + doneVerb + " (" + size(total) + ")");
    } else if (mode == Mode.BAR && clock.getAsLong() - lastDraw >= REDRAW_NANOS) {
      draw();
    }
  }

  @Override
  public synchronized void note(String blob, long total, String what) {
    if (mode == Mode.NONE) {
      return;
    }
    blobs.put(blob, new long[] {total, total, 1});
    line(shortId(blob) + " " + what + " (" + size(total) + ")");
  }

  /** Removes the bar, leaving the lines above it; call once the work is over. */
  synchronized void close() {
    if (barShown) {
      err.print("\r\033[K");
      err.flush();
      barShown = false;
    }
  }

  private void line(String text) {
    if (mode == Mode.BAR) {
      err.print("\r\033[K");
      err.println(text);
      draw();
    } else {
      err.println(text);
    }
    err.flush();
  }

  private void draw() {
    long done = 0;
    long total = 0;
    int finished = 0;
    for (long[] s : blobs.values()) {
      done += s[0];
      total += s[1];
      finished += (int) s[2];
    }
    if (finished == blobs.size()) {
      // Nothing is moving: no bar to leave behind.
      close();
      lastDraw = clock.getAsLong();
      return;
    }
    int percent = total == 0 ? 0 : (int) (done * 100 / total);
    int filled = total == 0 ? 0 : (int) (done * BAR_WIDTH / total);
    String bar = "=".repeat(filled) + (filled < BAR_WIDTH ? ">" + " ".repeat(BAR_WIDTH - filled - 1) : "");
    err.print(String.format(Locale.ROOT, "\r\033[K%s [%s] %3d%% %s / %s, %d of %d blobs", action, bar, percent,
        size(done), size(total), finished, blobs.size()));
    err.flush();
    barShown = true;
    lastDraw = clock.getAsLong();
  }

  /** {@code sha256:} and the first 12 hex digits, as Docker shortens IDs. */
  static String shortId(String digest) {
    int colon = digest.indexOf(':');
    return digest.length() > colon + 13 ? digest.substring(0, colon + 13) : digest;
  }

  /**
   * A size in bytes, or in the largest binary unit (up to TiB) that leaves at least 1, with one
   * decimal rounded half up. Written without {@code java.util.Formatter}: its first use loads the
   * JDK's locale data, about 30 ms of a new JVM, for the line each blob prints.
   */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    long unit = 1024;
    while (bytes / unit >= 1024 && u < units.length - 1) {
      unit *= 1024;
      u++;
    }
    long tenths = bytes / unit * 10 + ((bytes % unit) * 10 + unit / 2) / unit;
    return tenths / 10 + "." + tenths % 10 + " " + units[u];
  }
}
