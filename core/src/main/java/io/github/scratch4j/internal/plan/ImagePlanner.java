package io.github.scratch4j.internal.plan;

import io.github.scratch4j.Entry;
import io.github.scratch4j.History;
import io.github.scratch4j.ImageCheck;
import io.github.scratch4j.ImageCheckException;
import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.Layer;
import io.github.scratch4j.Platform;
import io.github.scratch4j.Whiteout;
import io.github.scratch4j.internal.EntryPaths;
import io.github.scratch4j.internal.Timestamps;
import io.github.scratch4j.internal.layer.LayerPlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Makes the decisions an image leaves open, before anything is written. */
public final class ImagePlanner {
  private ImagePlanner() {}

  /**
   * Plans an image made of {@code layers}, base first.
   *
   * @param skipped the checks not to make (see {@link ImageCheck})
   * @param platformFromBase whether the configuration's platform was inherited from a base image
   * @throws ImageCheckException listing every problem the checks not skipped found
   */
  public static PlannedImage plan(List<Layer> layers, ImageConfig config, List<ImageReference> tags,
      Set<ImageCheck> skipped, boolean platformFromBase) throws ImageCheckException {
    List<PlannedLayer> plans = new ArrayList<>();
    LayeredFileSystem below = new LayeredFileSystem();
    for (Layer layer : layers) {
      if (layer.blob().isPresent()) {
        plans.add(new PlannedLayer.Stored(layer));
      } else {
        // An implied directory must not replace what a lower layer has there, such as a symbolic
        // link /lib -> usr/lib (DESIGN.md: Jib's miss), nor change a lower directory's attributes.
        Set<String> hidden = whitedOut(layer);
        plans.add(new PlannedLayer.Generated(LayerPlan.of(layer,
            path -> hidden.isEmpty() || !hides(hidden, path) ? below.get(path).orElse(null) : null)));
      }
      below.apply(layer);
    }
    Instant created = config.created().orElseGet(Timestamps::reproducible);
    // Every check runs (the user's ids and the entrypoint's file feed the others); what is skipped
    // is left out of the problems reported.
    ImageChecks checks = new ImageChecks(below, config);
    checks.empty(layers);
    checks.user();
    Optional<String> entrypoint = checks.entrypoint();
    DependencyGuard guard = new DependencyGuard(below);
    entrypoint.ifPresent(ep -> checks.scriptReadable(ep, guard.isScript(ep)));
    checks.runtimePaths(layers);
    List<ImageCheckException.Problem> problems = new ArrayList<>(checks.problems());
    if (!skipped.contains(ImageCheck.DEPENDENCIES)) {
      problems.addAll(guard.check(layers, below, entrypoint));
    }
    PlatformResolver.Decision decision = PlatformResolver.resolve(config, platformFromBase,
        guard.executables(layers, below, entrypoint), entrypoint);
    problems.addAll(decision.problems());
    problems.removeIf(p -> skipped.contains(p.check()));
    if (!problems.isEmpty()) {
      throw ImageChecks.exception(problems);
    }
    Platform platform = decision.platform();
    return new PlannedImage(
        config,
        platform,
        created,
        history(config.history(), layers, created),
        plans,
        tags.isEmpty() ? List.of(defaultTag(config)) : tags,
        java.util.Optional.empty());
  }

  /**
   * The paths whose lower content the layer's whiteouts hide: {@code /a} for a whiteout of
   * {@code /a}, {@code /a/} for an opaque whiteout of the directory {@code /a}.
   */
  private static Set<String> whitedOut(Layer layer) {
    Set<String> hidden = null;
    for (Entry e : layer.entries()) {
      if (e instanceof Whiteout w) {
        if (hidden == null) {
          hidden = new HashSet<>();
        }
        hidden.add(w.opaque() ? w.path() + "/" : w.path());
      }
    }
    return hidden == null ? Set.of() : hidden;
  }

  /** Whether {@code path} is, or is under, a whited-out path, or under an opaque directory. */
  private static boolean hides(Set<String> hidden, String path) {
    for (String p = path; !p.isEmpty(); p = EntryPaths.parent(p)) {
      if (hidden.contains(p) || (!p.equals(path) && hidden.contains(p + "/"))) {
        return true;
      }
    }
    return false;
  }

  /** The given history, plus one step for each layer it does not account for. */
  static List<History> history(List<History> given, List<Layer> layers, Instant created) {
    List<History> all = new ArrayList<>(given);
    long covered = given.stream().filter(h -> !h.emptyLayer()).count();
    for (int i = (int) Math.min(covered, layers.size()); i < layers.size(); i++) {
      all.add(new History(
          Optional.of(created),
          Optional.of(layers.get(i).createdBy().orElse("scratch4j")),
          Optional.empty(),
          Optional.empty(),
          false));
    }
    return all;
  }

  /**
   * {@code <name>:latest}, where the name is the entrypoint's file name made a valid repository
   * name, or {@code scratch4j} when there is no usable entrypoint.
   */
  static ImageReference defaultTag(ImageConfig config) {
    String name = config.entrypoint().isEmpty()
        ? ""
        : repositoryName(EntryPaths.fileName("/" + config.entrypoint().get(0)).toLowerCase(Locale.ROOT));
    try {
      return ImageReference.parse((name.isEmpty() ? "scratch4j" : name) + ":latest");
    } catch (IllegalArgumentException e) {
      return ImageReference.parse("scratch4j:latest");
    }
  }

  /**
   * The name with each run of characters a repository name cannot hold made one {@code -}, and
   * without leading or trailing separators; in one pass (a configuration read from elsewhere can
   * hold an entrypoint of megabytes, on which trimming regexes backtrack quadratically).
   */
  static String repositoryName(String name) {
    StringBuilder out = new StringBuilder(Math.min(name.length(), 256));
    boolean replaced = false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-') {
        out.append(c);
        replaced = false;
      } else if (!replaced) {
        out.append('-');
        replaced = true;
      }
    }
    int start = 0;
    int end = out.length();
    while (start < end && isSeparator(out.charAt(start))) {
      start++;
    }
    while (end > start && isSeparator(out.charAt(end - 1))) {
      end--;
    }
    return out.substring(start, end);
  }

  private static boolean isSeparator(char c) {
    return c == '.' || c == '_' || c == '-';
  }
}
