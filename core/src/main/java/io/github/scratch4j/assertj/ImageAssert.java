package io.github.scratch4j.assertj;

import io.github.scratch4j.Entry;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.Image;
import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.ImageReference;
import io.github.scratch4j.Platform;
import io.github.scratch4j.SymlinkEntry;
import io.github.scratch4j.elf.ElfFile;
import io.github.scratch4j.internal.EditDistance;
import io.github.scratch4j.internal.EntryPaths;
import io.github.scratch4j.internal.Listing;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on an {@link Image}: files, links and absent paths in its file system (all layers
 * applied), and its configuration. Each failure says what the image has instead.
 */
public final class ImageAssert extends AbstractAssert<ImageAssert, Image> {
  /** Lines of the listing shown when a path is missing. */
  private static final int SHOWN = 20;

  ImageAssert(Image actual) {
    super(actual, ImageAssert.class);
  }

  /**
   * Checks that the image has a regular file at {@code path} (a hard link counts as its file).
   *
   * @param path an absolute path in the image; symbolic links on the way are not followed
   * @return assertions on that file, whose {@link FileEntryAssert#and()} comes back here
   */
  public FileEntryAssert hasFile(String path) {
    isNotNull();
    Optional<FileEntry> file = actual.file(path);
    if (file.isEmpty()) {
      failWithMessage("%s", "Expecting the image to have a regular file at " + path + " but it has "
          + what(path) + "\n" + around(path));
    }
    return new FileEntryAssert(file.get(), this);
  }

  /**
   * Checks that the image has a directory at {@code path}.
   *
   * @param path an absolute path in the image
   * @return this
   */
  public ImageAssert hasDirectory(String path) {
    isNotNull();
    if (actual.directory(path).isEmpty()) {
      failWithMessage("%s", "Expecting the image to have a directory at " + path + " but it has " + what(path)
          + "\n" + around(path));
    }
    return this;
  }

  /**
   * Checks that the image has a symbolic link at {@code path} whose target is {@code target},
   * exactly as stored.
   *
   * @param path an absolute path in the image
   * @param target the expected target, relative or absolute
   * @return this
   */
  public ImageAssert hasSymlink(String path, String target) {
    isNotNull();
    Optional<SymlinkEntry> link = actual.symlink(path);
    if (link.isEmpty()) {
      failWithMessage("%s", "Expecting the image to have a symbolic link at " + path + " -> " + target
          + " but it has " + what(path) + "\n" + around(path));
    } else if (!link.get().target().equals(target)) {
      failWithMessage("%s", "Expecting the symbolic link " + path + " to point to " + target + " but it points to "
          + link.get().target());
    }
    return this;
  }

  /**
   * Checks that nothing is at {@code path} in the image's file system (a whiteout in a later
   * layer counts as removal).
   *
   * @param path an absolute path in the image
   * @return this
   */
  public ImageAssert doesNotHave(String path) {
    isNotNull();
    Optional<Entry> e = actual.entry(path);
    if (e.isPresent()) {
      failWithMessage("%s", "Expecting the image to have nothing at " + path + " but it has:\n  "
          + Listing.line(e.get()) + "\n(in layer " + layerOf(e.get().path()) + " of " + actual.layers().size() + ")");
    }
    return this;
  }

  /**
   * Checks that the image has exactly {@code count} layers.
   *
   * @param count the expected number of layers
   * @return this
   */
  public ImageAssert hasLayers(int count) {
    isNotNull();
    if (actual.layers().size() != count) {
      StringBuilder b = new StringBuilder("Expecting the image to have " + count + " layers but it has "
          + actual.layers().size() + ":");
      for (int i = 0; i < actual.layers().size(); i++) {
        b.append("\n  ").append(i + 1).append(": ").append(actual.layers().get(i).entries().size()).append(" entries")
            .append(actual.layers().get(i).blob().map(d -> ", " + d.digest()).orElse(""));
      }
      failWithMessage("%s", b.toString());
    }
    return this;
  }

  /**
   * Checks the configuration's entrypoint, argument for argument.
   *
   * @param argv the expected entrypoint; none for an image without one
   * @return this
   */
  public ImageAssert hasEntrypoint(String... argv) {
    return config("entrypoint", Arrays.asList(argv), config().entrypoint());
  }

  /**
   * Checks the configuration's command (the entrypoint's default arguments), argument for argument.
   *
   * @param argv the expected command; none for an image without one
   * @return this
   */
  public ImageAssert hasCmd(String... argv) {
    return config("cmd", Arrays.asList(argv), config().cmd());
  }

  /**
   * Checks that the configuration sets the environment variable {@code name} to {@code value}.
   *
   * @param name the variable
   * @param value its expected value
   * @return this
   */
  public ImageAssert hasEnv(String name, String value) {
    return config("environment variable " + name, Optional.of(value), config().env(name));
  }

  /**
   * Checks the configuration's user, as set ({@code 65532}, {@code nonroot}, {@code 1000:1000}).
   *
   * @param user the expected user
   * @return this
   */
  public ImageAssert hasUser(String user) {
    return config("user", Optional.of(user), config().user());
  }

  /**
   * Checks the configuration's working directory.
   *
   * @param directory the expected directory
   * @return this
   */
  public ImageAssert hasWorkingDir(String directory) {
    return config("working directory", Optional.of(directory), config().workingDir());
  }

  /**
   * Checks that the configuration sets the label {@code key} to {@code value}.
   *
   * @param key the label
   * @param value its expected value
   * @return this
   */
  public ImageAssert hasLabel(String key, String value) {
    return config("label " + key, Optional.of(value), Optional.ofNullable(config().labels().get(key)));
  }

  /**
   * Checks that the configuration exposes {@code port} ({@code 8080/tcp}; a bare number means tcp).
   *
   * @param port the port
   * @return this
   */
  public ImageAssert exposes(String port) {
    isNotNull();
    String wanted = port.contains("/") ? port : port + "/tcp";
    if (!config().exposedPorts().contains(wanted)) {
      failWithMessage("%s", "Expecting the image to expose " + wanted + " but it exposes " + config().exposedPorts()
          + "\nIts configuration: " + config());
    }
    return this;
  }

  /**
   * Checks the image's platform, as {@code os/architecture[/variant]}.
   *
   * @param platform the expected platform, such as {@code linux/arm64/v8}
   * @return this
   */
  public ImageAssert hasPlatform(String platform) {
    return hasPlatform(Platform.of(platform));
  }

  /**
   * Checks the image's platform.
   *
   * @param platform the expected platform
   * @return this
   */
  public ImageAssert hasPlatform(Platform platform) {
    return config("platform", Optional.of(platform), config().platform());
  }

  /**
   * Checks that the image is tagged {@code reference}, in any of the forms Docker treats as one
   * name ({@code hello} is {@code docker.io/library/hello:latest}).
   *
   * @param reference the expected tag
   * @return this
   */
  public ImageAssert hasTag(String reference) {
    isNotNull();
    ImageReference wanted = ImageReference.parse(reference);
    if (actual.tags().stream().noneMatch(t -> t.familiarName().equals(wanted.familiarName()))) {
      failWithMessage("%s", "Expecting the image to be tagged " + wanted.familiarName() + " but its tags are "
          + actual.tags());
    }
    return this;
  }

  /**
   * Checks that the file at {@code path} is a statically linked ELF executable (static or static
   * PIE), which runs in an image without a C library.
   *
   * @param path an absolute path in the image
   * @return this
   */
  public ImageAssert isStaticallyLinked(String path) {
    FileEntry file = hasFile(path).actual();
    Optional<ElfFile> elf;
    try {
      elf = ElfFile.probe(file.readAllBytes());
    } catch (IOException e) {
      failWithMessage("%s", "Expecting " + path + " to be a statically linked ELF executable but it cannot be read: " + e);
      return this;
    }
    if (elf.isEmpty()) {
      failWithMessage("%s", "Expecting " + path + " to be a statically linked ELF executable but it is not ELF "
          + "(it starts with " + head(file) + ")");
    } else {
      ElfFile f = elf.get();
      switch (f.linkage()) {
        case STATIC, STATIC_PIE -> { }
        default -> failWithMessage("%s", "Expecting " + path + " to be a statically linked ELF executable but it is "
            + f.linkage() + f.interpreter().map(i -> ", with program interpreter " + i).orElse("")
            + (f.needed().isEmpty() ? "" : ", needing " + f.needed()));
      }
    }
    return this;
  }

  private ImageConfig config() {
    isNotNull();
    return actual.config();
  }

  private <T> ImageAssert config(String what, T expected, T found) {
    isNotNull();
    if (!Objects.equals(expected, found)) {
      failWithMessage("%s", "Expecting the image's " + what + " to be " + shown(expected) + " but it is "
          + shown(found) + "\nIts configuration: " + actual.config());
    }
    return this;
  }

  private static String shown(Object value) {
    if (value instanceof Optional<?> o) {
      return o.map(v -> "\"" + v + "\"").orElse("not set");
    }
    return String.valueOf(value);
  }

  /** What the image has at a path, in words. */
  private String what(String path) {
    return actual.entry(path).map(e -> "this there:\n  " + Listing.line(e)).orElse("nothing there.");
  }

  /** The paths nearest to the one wanted, and the start of the listing. */
  private String around(String path) {
    SortedMap<String, Entry> fs = actual.fileSystem();
    String normal = EntryPaths.normalize(path);
    List<String> near = EditDistance.nearest(normal, fs.keySet(), 5);
    StringBuilder b = new StringBuilder();
    if (!near.isEmpty()) {
      b.append("Nearest paths it has:");
      near.forEach(p -> b.append("\n  ").append(Listing.line(fs.get(p))));
      b.append('\n');
    }
    List<String> listing = Listing.of(fs.values());
    b.append("Its file system (").append(listing.size()).append(listing.size() == 1 ? " entry" : " entries")
        .append(listing.size() > SHOWN ? ", the first " + SHOWN : "").append("):");
    listing.stream().limit(SHOWN).forEach(l -> b.append("\n  ").append(l));
    return b.toString();
  }

  private int layerOf(String path) {
    for (int i = actual.layers().size() - 1; i >= 0; i--) {
      if (actual.layers().get(i).entry(path).isPresent()) {
        return i + 1;
      }
    }
    return 0;
  }

  private static String head(FileEntry file) {
    try (var in = file.source().open()) {
      byte[] b = in.readNBytes(8);
      StringBuilder s = new StringBuilder();
      for (byte x : b) {
        s.append(String.format("%02x ", x & 0xff));
      }
      return s.toString().strip();
    } catch (IOException e) {
      return "unreadable bytes";
    }
  }
}
