package io.github.scratch4j.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The head start a write gives the documents' classes. */
class JsonDocumentsTest {
  @Test
  void oneDocumentOfEachKindIsWrittenWithoutFailing() {
    // The background thread swallows what this throws; here it would surface.
    assertThatCode(JsonDocuments::writeOneOfEach).doesNotThrowAnyException();
  }

  @Test
  void theHeadStartRunsOnAtMostOneDaemonThread() throws InterruptedException {
    JsonDocuments.prepareInBackground();
    JsonDocuments.prepareInBackground();
    List<Thread> started = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("scratch4j-documents")).toList();
    assertThat(started).hasSizeLessThanOrEqualTo(1).allMatch(Thread::isDaemon);
    for (Thread t : started) {
      t.join(30_000);
      assertThat(t.isAlive()).isFalse();
    }
  }
}
