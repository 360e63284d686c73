package io.github.scratch4j.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/** Unpacks an OCI image layout with umoci and runs it with runc. */
public final class RunBundles {
  private RunBundles() {}

  /** Extracts an archive tar into a directory with the system's tar. */
  public static Path extract(Path archive, Path into) throws IOException {
    Files.createDirectories(into);
    Commands.run(Duration.ofMinutes(2), "tar", "-C", into.toString(), "-xf", archive.toString()).assertSuccess();
    return into;
  }

  /**
   * {@code umoci unpack} of the image tagged {@code tag} (as given to scratch4j, such as
   * {@code hello:1.0}) in an OCI layout directory scratch4j wrote, whose {@code ref.name} is the
   * full reference ({@code docker.io/library/hello:1.0}).
   */
  public static Path unpack(Path layout, String tag, Path bundle) {
    Commands.require("umoci");
    Commands.run(Duration.ofMinutes(5), "umoci", "unpack", "--image",
        layout + ":" + ImageReference.parse(tag).fullName(), bundle.toString()).assertSuccess();
    return bundle;
  }

  /**
   * {@code runc run} of an unpacked bundle without a terminal; returns what the process printed.
   * Skips the rest of the test when runc cannot start containers here ({@link ContainerRuns}).
   */
  public static Commands.Result run(Path bundle) throws IOException {
    Commands.require("runc");
    ContainerRuns.assumeCanRun(ContainerRuns.Engine.RUNC);
    return start(Tools.find("runc"), bundle);
  }

  /** {@code runc run} of an unpacked bundle with the given runc, whether or not it can run here. */
  static Commands.Result start(Path runc, Path bundle) throws IOException {
    Path config = bundle.resolve("config.json");
    ObjectMapper json = new ObjectMapper();
    ObjectNode spec = (ObjectNode) json.readTree(config.toFile());
    // umoci writes a spec for an interactive terminal; tests have none.
    ((ObjectNode) spec.get("process")).put("terminal", false);
    json.writeValue(config.toFile(), spec);
    String id = "scratch4j-" + UUID.randomUUID();
    try {
      return Commands.run(Duration.ofMinutes(1), runc.toString(), "run", "--bundle", bundle.toString(), id);
    } finally {
      Commands.run(Duration.ofSeconds(30), runc.toString(), "delete", "--force", id);
    }
  }
}
