package io.github.scratch4j.internal.exec;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks side by side and returns their results in task order: the one way scratch4j runs
 * independent work (layers generated side by side, transfers) on its own threads or on an executor
 * the caller gives. At most a given number run at once; each that ends hands its place to the
 * next. The first failure in time ends the run: tasks not yet started are skipped, running ones
 * are optionally interrupted, and the failure is thrown only once no task is still running, so a
 * caller that cleans up after it never races a task that is still writing. Later failures are
 * attached as suppressed.
 */
public final class Tasks {
  private final Object lock = new Object();
  private final int total;
  private int finished;
  private int running;
  private Throwable first;
  private final List<Throwable> later = new ArrayList<>();

  private Tasks(int total) {
    this.total = total;
  }

  /** Runs all {@code tasks} at once on {@code pool}; see {@link #runAll(List, Executor, int, boolean)}. */
  public static <T> List<T> runAll(List<? extends Callable<T>> tasks, Executor pool, boolean interrupt)
      throws IOException {
    return runAll(tasks, pool, Math.max(1, tasks.size()), interrupt);
  }

  /**
   * Runs {@code tasks} on {@code executor}, at most {@code atMost} at once.
   *
   * @param executor where the tasks run; it must be able to run them while the calling thread
   *     waits (the calling thread runs none of them)
   * @param interrupt whether tasks still running when another fails are interrupted (transfers), or
   *     left to finish (local writes, where an interrupt would only add noise)
   */
  public static <T> List<T> runAll(List<? extends Callable<T>> tasks, Executor executor, int atMost, boolean interrupt)
      throws IOException {
    if (atMost < 1) {
      throw new IllegalArgumentException("at most " + atMost + " tasks at once");
    }
    Tasks run = new Tasks(tasks.size());
    @SuppressWarnings("unchecked")
    T[] results = (T[]) new Object[tasks.size()];
    List<FutureTask<Void>> futures = new ArrayList<>(tasks.size());
    AtomicInteger next = new AtomicInteger(Math.min(atMost, tasks.size()));
    for (int i = 0; i < tasks.size(); i++) {
      int index = i;
      Callable<T> task = tasks.get(i);
      futures.add(new FutureTask<>(() -> {
        try {
          run.execute(task, results, index);
        } finally {
          // This task's place goes to the next one, on the same executor.
          int following = next.getAndIncrement();
          if (following < futures.size()) {
            run.submit(executor, futures.get(following));
          }
        }
        return null;
      }));
    }
    for (int i = 0; i < Math.min(atMost, tasks.size()); i++) {
      run.submit(executor, futures.get(i));
    }
    boolean interrupted = run.awaitFirstFailureOrAll();
    if (run.failed()) {
      // Those not yet started never will; running ones are interrupted if asked.
      futures.forEach(f -> f.cancel(interrupt));
      interrupted |= run.awaitIdle();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    run.rethrow();
    List<T> out = new ArrayList<>(results.length);
    for (T r : results) {
      out.add(r);
    }
    return out;
  }

  /** Hands a task to the executor; one that refuses it fails the run as a task would. */
  private void submit(Executor executor, FutureTask<Void> task) {
    try {
      executor.execute(task);
    } catch (RuntimeException refused) {
      synchronized (lock) {
        if (first == null) {
          first = new IOException("the executor refused a task: " + refused, refused);
        } else {
          later.add(refused);
        }
        lock.notifyAll();
      }
    }
  }

  private <T> void execute(Callable<T> task, T[] results, int index) {
    synchronized (lock) {
      // Once a task has failed, those not yet started are skipped.
      if (first != null) {
        finished++;
        lock.notifyAll();
        return;
      }
      running++;
    }
    Throwable failure = null;
    T value = null;
    try {
      value = task.call();
    } catch (Throwable e) {
      failure = e;
    }
    synchronized (lock) {
      results[index] = value;
      running--;
      finished++;
      if (failure != null) {
        if (first == null) {
          first = failure;
        } else {
          later.add(failure);
        }
      }
      lock.notifyAll();
    }
  }

  /** Waits until every task finished or one failed; returns whether the wait was interrupted. */
  private boolean awaitFirstFailureOrAll() {
    synchronized (lock) {
      while (finished < total && first == null) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          first = new InterruptedIOException("interrupted while waiting for " + (total - finished) + " task(s)");
          return true;
        }
      }
      return false;
    }
  }

  private boolean failed() {
    synchronized (lock) {
      return first != null;
    }
  }

  /** Waits, even through interrupts, until no task runs; returns whether an interrupt came. */
  private boolean awaitIdle() {
    boolean interrupted = false;
    synchronized (lock) {
      while (running > 0) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    return interrupted;
  }

  private void rethrow() throws IOException {
    Throwable cause;
    synchronized (lock) {
      cause = first;
      if (cause == null) {
        return;
      }
      for (Throwable t : later) {
        if (t != cause) {
          cause.addSuppressed(t);
        }
      }
    }
    throw asIOException(cause, cause.toString());
  }

  /**
   * What another thread's failure becomes in the thread that waited for it: a runtime exception
   * or error is thrown as it is, an {@link IOException} is returned as it is, and anything else
   * is returned wrapped with {@code message}.
   */
  public static IOException asIOException(Throwable failure, String message) {
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    if (failure instanceof Error err) {
      throw err;
    }
    return failure instanceof IOException io ? io : new IOException(message, failure);
  }
}
