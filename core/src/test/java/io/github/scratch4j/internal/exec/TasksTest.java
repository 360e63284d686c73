package io.github.scratch4j.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TasksTest {
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void resultsComeInTaskOrder() throws Exception {
    List<Callable<Integer>> tasks = List.of(
        () -> {
          Thread.sleep(50);
          return 1;
        },
        () -> 2,
        () -> {
          Thread.sleep(20);
          return 3;
        });
    assertThat(Tasks.runAll(tasks, pool, false)).containsExactly(1, 2, 3);
    assertThat(Tasks.runAll(List.<Callable<Integer>>of(), pool, false)).isEmpty();
  }

  @Test
  void aFailureIsThrownOnlyOnceEveryRunningTaskHasFinished() {
    CountDownLatch running = new CountDownLatch(1);
    AtomicBoolean slowFinished = new AtomicBoolean();
    List<Callable<String>> tasks = List.of(
        () -> {
          // The first layer fails while the second is still writing: the caller must not clean up
          // under the second one's feet (it once did, and the clean-up's error hid this one).
          assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
          throw new IOException("layer 1 broke");
        },
        () -> {
          running.countDown();
          Thread.sleep(300);
          slowFinished.set(true);
          return "slow";
        });
    assertThatThrownBy(() -> Tasks.runAll(tasks, pool, false))
        .isInstanceOf(IOException.class)
        .hasMessage("layer 1 broke");
    assertThat(slowFinished).isTrue();
  }

  @Test
  void interruptingStopsRunningTasksAndStillWaitsForThem() {
    CountDownLatch running = new CountDownLatch(1);
    AtomicBoolean cleanedUp = new AtomicBoolean();
    List<Callable<String>> tasks = List.of(
        () -> {
          assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
          throw new IOException("upload 1 refused");
        },
        () -> {
          running.countDown();
          try {
            Thread.sleep(60_000);
            return "never";
          } finally {
            cleanedUp.set(true);
          }
        });
    long start = System.nanoTime();
    assertThatThrownBy(() -> Tasks.runAll(tasks, pool, true))
        .isInstanceOf(IOException.class)
        .hasMessage("upload 1 refused")
        .satisfies(e -> assertThat(e.getSuppressed()).hasOnlyElementsOfType(InterruptedException.class));
    assertThat(cleanedUp).isTrue();
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(30));
  }

  @Test
  void aTaskNotYetStartedWhenAnotherFailsIsSkipped() {
    AtomicBoolean ran = new AtomicBoolean();
    ExecutorService one = Executors.newSingleThreadExecutor();
    try {
      List<Callable<String>> tasks = List.of(
          () -> {
            throw new IOException("first");
          },
          () -> {
            ran.set(true);
            return "never";
          });
      assertThatThrownBy(() -> Tasks.runAll(tasks, one, false)).hasMessage("first");
      assertThat(ran).isFalse();
    } finally {
      one.shutdownNow();
    }
  }

  @Test
  void theFirstFailureInTimeIsThrownAndLaterOnesAreSuppressed() {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch firstThrown = new CountDownLatch(1);
    List<Callable<String>> tasks = List.of(
        () -> {
          started.countDown();
          assertThat(firstThrown.await(10, TimeUnit.SECONDS)).isTrue();
          Thread.sleep(500);
          throw new IOException("later, caused by the first");
        },
        () -> {
          try {
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            throw new IllegalStateException("the cause");
          } finally {
            firstThrown.countDown();
          }
        });
    assertThatThrownBy(() -> Tasks.runAll(tasks, pool, false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the cause")
        .satisfies(e -> assertThat(e.getSuppressed())
            .extracting(Throwable::getMessage)
            .containsExactly("later, caused by the first"));
  }

  @Test
  void aCheckedExceptionIsWrappedAndAnInterruptOfTheCallerIsKept() throws Exception {
    assertThatThrownBy(() -> Tasks.runAll(List.<Callable<String>>of(() -> {
          throw new Exception("checked");
        }), pool, false))
        .isInstanceOf(IOException.class)
        .hasRootCauseMessage("checked");

    CountDownLatch running = new CountDownLatch(1);
    AtomicBoolean finished = new AtomicBoolean();
    Thread caller = Thread.currentThread();
    pool.submit(() -> {
      running.await();
      caller.interrupt();
      return null;
    });
    List<Callable<String>> tasks = List.of(() -> {
      running.countDown();
      Thread.sleep(300);
      finished.set(true);
      return "done";
    });
    assertThatThrownBy(() -> Tasks.runAll(tasks, pool, false)).isInstanceOf(java.io.InterruptedIOException.class);
    assertThat(Thread.interrupted()).isTrue();
    assertThat(finished).isTrue();
  }

  @Test
  void atMostTheLimitRunAtOnceAndEachTaskThatEndsHandsItsPlaceOn() throws Exception {
    java.util.concurrent.atomic.AtomicInteger now = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
    List<Callable<Integer>> tasks = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int n = i;
      tasks.add(() -> {
        most.accumulateAndGet(now.incrementAndGet(), Math::max);
        Thread.sleep(30);
        now.decrementAndGet();
        return n;
      });
    }
    assertThat(Tasks.runAll(tasks, pool, 3, false)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    assertThat(most.get()).as("tasks running at once").isEqualTo(3);
    assertThatThrownBy(() -> Tasks.runAll(tasks, pool, 0, false)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyTaskRunsOnTheExecutorGivenAndNoneOnTheCallersThread() throws Exception {
    java.util.Set<Thread> ranOn = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicInteger handed = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.Executor counting = r -> {
      handed.incrementAndGet();
      pool.execute(r);
    };
    List<Callable<Thread>> tasks = java.util.Collections.nCopies(5, () -> {
      ranOn.add(Thread.currentThread());
      return Thread.currentThread();
    });
    Tasks.runAll(tasks, counting, 2, false);
    assertThat(handed.get()).isEqualTo(5);
    assertThat(ranOn).isNotEmpty().doesNotContain(Thread.currentThread());
  }

  @Test
  void anExecutorThatRefusesTheNextTaskFailsTheRunAfterTheRunningOneEnded() {
    AtomicBoolean finished = new AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.Executor oneThenNone = r -> {
      if (calls.incrementAndGet() > 1) {
        throw new java.util.concurrent.RejectedExecutionException("shut down");
      }
      pool.execute(r);
    };
    List<Callable<String>> tasks = List.of(() -> {
      Thread.sleep(200);
      finished.set(true);
      return "one";
    }, () -> "two");
    assertThatThrownBy(() -> Tasks.runAll(tasks, oneThenNone, 1, false))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the executor refused a task");
    assertThat(finished).as("the started task ended before the failure was thrown").isTrue();
  }
}
