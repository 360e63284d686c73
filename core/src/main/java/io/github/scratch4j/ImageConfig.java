package io.github.scratch4j;

import io.github.scratch4j.internal.ConfigExtras;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * How an image runs and what it says about itself: the OCI image configuration (OCI image-spec,
 * config.md) without {@code rootfs.diff_ids}, which are always computed from the layers.
 *
 * <p>Immutable; build one with {@link #builder()}. An empty platform means "decide when the image
 * is written": from the entrypoint's ELF header, else the base image, else {@code linux/amd64}.
 */
public final class ImageConfig {
  private static final Pattern PORT = Pattern.compile("([0-9]{1,5})(/(tcp|udp|sctp))?");
  private static final Pattern ENV_NAME = Pattern.compile("[^=\\x00]+");

  private final Optional<Platform> platform;
  private final Optional<Instant> created;
  private final Optional<String> author;
  private final List<String> entrypoint;
  private final List<String> cmd;
  private final List<String> env;
  private final Optional<String> workingDir;
  private final Optional<String> user;
  private final SortedSet<String> exposedPorts;
  private final SortedSet<String> volumes;
  private final SortedMap<String, String> labels;
  private final Optional<String> stopSignal;
  private final List<History> history;
  private final ConfigExtras.Extras extras;

  static {
    ConfigExtras.install(c -> c.extras, (b, e) -> {
      b.extras = e;
      return b;
    });
  }

  private ImageConfig(Builder b) {
    this.platform = b.platform;
    this.created = b.created;
    this.author = b.author;
    this.entrypoint = List.copyOf(b.entrypoint);
    this.cmd = List.copyOf(b.cmd);
    this.env = List.copyOf(b.env);
    this.workingDir = b.workingDir;
    this.user = b.user;
    this.exposedPorts = Collections.unmodifiableSortedSet(new TreeSet<>(b.exposedPorts));
    this.volumes = Collections.unmodifiableSortedSet(new TreeSet<>(b.volumes));
    this.labels = Collections.unmodifiableSortedMap(new TreeMap<>(b.labels));
    this.stopSignal = b.stopSignal;
    this.history = List.copyOf(b.history);
    this.extras = b.extras;
  }

  /**
   * A configuration with nothing set.
   *
   * @return a configuration whose optional parts are empty and whose lists and maps are empty
   */
  @CheckReturnValue
  public static ImageConfig empty() {
    return builder().build();
  }

  /**
   * A new builder with nothing set.
   *
   * @return a builder that {@link Builder#build() builds} what {@link #empty()} returns until
   *     something is set
   */
  @CheckReturnValue
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this configuration, to change it.
   *
   * @return a new builder; changing it leaves this configuration as it is
   */
  @CheckReturnValue
  public Builder toBuilder() {
    Builder b = new Builder();
    b.platform = platform;
    b.created = created;
    b.author = author;
    b.entrypoint = entrypoint;
    b.cmd = cmd;
    b.env = new ArrayList<>(env);
    b.workingDir = workingDir;
    b.user = user;
    b.exposedPorts = new TreeSet<>(exposedPorts);
    b.volumes = new TreeSet<>(volumes);
    b.labels = new TreeMap<>(labels);
    b.stopSignal = stopSignal;
    b.history = new ArrayList<>(history);
    b.extras = extras;
    return b;
  }

  /**
   * The platform, if set.
   *
   * @return the platform, or empty to decide it when the image is written
   */
  public Optional<Platform> platform() {
    return platform;
  }

  /**
   * The creation time.
   *
   * @return the time, or empty for the reproducible timestamp the image gets when written
   */
  public Optional<Instant> created() {
    return created;
  }

  /**
   * The author.
   *
   * @return the author, or empty when unset
   */
  public Optional<String> author() {
    return author;
  }

  /**
   * The entrypoint's argument vector.
   *
   * @return an unmodifiable list, empty when unset
   */
  public List<String> entrypoint() {
    return entrypoint;
  }

  /**
   * The default arguments.
   *
   * @return an unmodifiable list, empty when unset
   */
  public List<String> cmd() {
    return cmd;
  }

  /**
   * The environment as {@code NAME=value} strings, in the order they were set.
   *
   * @return an unmodifiable list, empty when nothing is set
   */
  public List<String> env() {
    return env;
  }

  /**
   * The value of an environment variable.
   *
   * @param name the variable's name
   * @return its value (the first, should the environment list it twice), or empty when it is not
   *     set
   */
  public Optional<String> env(String name) {
    String prefix = name + "=";
    return env.stream().filter(e -> e.startsWith(prefix)).map(e -> e.substring(prefix.length())).findFirst();
  }

  /**
   * The working directory.
   *
   * @return an absolute path, or empty when unset
   */
  public Optional<String> workingDir() {
    return workingDir;
  }

  /**
   * The user the process runs as.
   *
   * @return the name or uid, optionally with a group ({@code name:group}, {@code uid:gid}); empty
   *     when unset (root)
   */
  public Optional<String> user() {
    return user;
  }

  /**
   * The exposed ports as {@code port/protocol}, sorted.
   *
   * @return an unmodifiable set, such as {@code [53/udp, 8080/tcp]}; empty when none is exposed
   */
  public SortedSet<String> exposedPorts() {
    return exposedPorts;
  }

  /**
   * The volume mount points, sorted.
   *
   * @return an unmodifiable set of absolute paths, empty when none is declared
   */
  public SortedSet<String> volumes() {
    return volumes;
  }

  /**
   * The labels, sorted by key.
   *
   * @return an unmodifiable map, empty when there are none
   */
  public SortedMap<String, String> labels() {
    return labels;
  }

  /**
   * The signal that stops the container, such as {@code SIGTERM}.
   *
   * @return the signal's name or number, or empty for the runtime's default
   */
  public Optional<String> stopSignal() {
    return stopSignal;
  }

  /**
   * The history, oldest first; steps for layers without one are added when the image is written.
   *
   * @return an unmodifiable list, empty when unset
   */
  public List<History> history() {
    return history;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageConfig c
        && platform.equals(c.platform)
        && created.equals(c.created)
        && author.equals(c.author)
        && entrypoint.equals(c.entrypoint)
        && cmd.equals(c.cmd)
        && env.equals(c.env)
        && workingDir.equals(c.workingDir)
        && user.equals(c.user)
        && exposedPorts.equals(c.exposedPorts)
        && volumes.equals(c.volumes)
        && labels.equals(c.labels)
        && stopSignal.equals(c.stopSignal)
        && history.equals(c.history)
        && extras.equals(c.extras);
  }

  @Override
  public int hashCode() {
    return Objects.hash(platform, created, author, entrypoint, cmd, env, workingDir, user,
        exposedPorts, volumes, labels, stopSignal, history, extras);
  }

  @Override
  public String toString() {
    return "ImageConfig[platform=" + platform.map(Platform::toString).orElse("auto")
        + ", entrypoint=" + entrypoint + ", cmd=" + cmd + ", env=" + env + "]";
  }

  /** Changes a configuration. Not thread-safe. */
  public static final class Builder {
    private Optional<Platform> platform = Optional.empty();
    private Optional<Instant> created = Optional.empty();
    private Optional<String> author = Optional.empty();
    private List<String> entrypoint = List.of();
    private List<String> cmd = List.of();
    private List<String> env = new ArrayList<>();
    private Optional<String> workingDir = Optional.empty();
    private Optional<String> user = Optional.empty();
    private Set<String> exposedPorts = new TreeSet<>();
    private Set<String> volumes = new TreeSet<>();
    private Map<String, String> labels = new TreeMap<>();
    private Optional<String> stopSignal = Optional.empty();
    private List<History> history = new ArrayList<>();
    private ConfigExtras.Extras extras = ConfigExtras.Extras.NONE;

    private Builder() {}

    /**
     * Sets the platform.
     *
     * @param value the platform the image is for
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder platform(Platform value) {
      this.platform = Optional.of(value);
      return this;
    }

    /**
     * Sets or clears the platform.
     *
     * @param value the platform, or empty to decide it when the image is written
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder platform(Optional<Platform> value) {
      this.platform = Objects.requireNonNull(value, "platform");
      return this;
    }

    /**
     * Sets the creation time.
     *
     * @param value the time written as {@code created}
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder created(Instant value) {
      this.created = Optional.of(value);
      return this;
    }

    /**
     * Sets the author.
     *
     * @param value the author's name or contact
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder author(String value) {
      this.author = Optional.of(value);
      return this;
    }

    /**
     * Sets the entrypoint; no arguments clears it.
     *
     * @param argv the program and its arguments
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public Builder entrypoint(String... argv) {
      this.entrypoint = List.of(argv);
      return this;
    }

    /**
     * Sets the entrypoint; an empty list clears it.
     *
     * @param argv the program and its arguments; copied
     * @return this builder
     * @throws NullPointerException if the list is null or holds null
     */
    public Builder entrypoint(List<String> argv) {
      this.entrypoint = List.copyOf(argv);
      return this;
    }

    /**
     * Sets the default arguments; no arguments clears them.
     *
     * @param argv the arguments, or the program and its arguments
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public Builder cmd(String... argv) {
      this.cmd = List.of(argv);
      return this;
    }

    /**
     * Sets the default arguments; an empty list clears them.
     *
     * @param argv the arguments, or the program and its arguments; copied
     * @return this builder
     * @throws NullPointerException if the list is null or holds null
     */
    public Builder cmd(List<String> argv) {
      this.cmd = List.copyOf(argv);
      return this;
    }

    /**
     * Sets an environment variable, replacing an earlier value in place.
     *
     * @param name the variable's name: not empty, without {@code =} or NUL
     * @param value its value, without NUL
     * @return this builder
     * @throws IllegalArgumentException if the name is empty or holds {@code =} or NUL, or the value
     *     holds NUL
     */
    public Builder env(String name, String value) {
      if (!ENV_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("invalid environment variable name: '" + name + "'");
      }
      if (value.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("environment variable " + name + " contains NUL");
      }
      String entry = name + "=" + value;
      for (int i = 0; i < env.size(); i++) {
        if (env.get(i).startsWith(name + "=")) {
          env.set(i, entry);
          return this;
        }
      }
      env.add(entry);
      return this;
    }

    /**
     * Replaces the whole environment with {@code NAME=value} strings.
     *
     * @param entries the entries, in order; copied
     * @return this builder
     * @throws IllegalArgumentException if an entry has no {@code =} or starts with one
     */
    public Builder env(List<String> entries) {
      List<String> copy = new ArrayList<>();
      for (String e : entries) {
        int eq = e.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("environment entry is not NAME=value: '" + e + "'");
        }
        copy.add(e);
      }
      this.env = copy;
      return this;
    }

    /**
     * Sets the working directory, an absolute path.
     *
     * @param value the directory's path in the image
     * @return this builder
     * @throws IllegalArgumentException if {@code value} does not start with {@code /}
     */
    public Builder workingDir(String value) {
      if (!value.startsWith("/")) {
        throw new IllegalArgumentException("working directory must be absolute: '" + value + "'");
      }
      this.workingDir = Optional.of(value);
      return this;
    }

    /**
     * Sets the user, as {@code user}, {@code uid}, {@code user:group} or {@code uid:gid}.
     *
     * @param value the user the process runs as
     * @return this builder
     * @throws IllegalArgumentException if {@code value} is empty
     */
    public Builder user(String value) {
      if (value.isEmpty()) {
        throw new IllegalArgumentException("user is empty");
      }
      this.user = Optional.of(value);
      return this;
    }

    /**
     * Exposes a TCP port.
     *
     * @param port the port number, 1 to 65535
     * @return this builder
     * @throws IllegalArgumentException if {@code port} is out of range
     */
    public Builder exposedPort(int port) {
      return exposedPort(port + "/tcp");
    }

    /**
     * Exposes a port given as {@code port} or {@code port/tcp|udp|sctp}.
     *
     * @param value the port number, 1 to 65535, with an optional protocol ({@code tcp} if none)
     * @return this builder
     * @throws IllegalArgumentException if {@code value} is not of that form
     */
    public Builder exposedPort(String value) {
      var m = PORT.matcher(value);
      if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(1)) > 65535) {
        throw new IllegalArgumentException(
            "invalid port '" + value + "': expected 1-65535 with an optional /tcp, /udp or /sctp");
      }
      exposedPorts.add(m.group(2) == null ? value + "/tcp" : value);
      return this;
    }

    /**
     * Declares a volume mount point, an absolute path.
     *
     * @param path the mount point's path in the image
     * @return this builder
     * @throws IllegalArgumentException if {@code path} does not start with {@code /}
     */
    public Builder volume(String path) {
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("volume path must be absolute: '" + path + "'");
      }
      volumes.add(path);
      return this;
    }

    /**
     * Sets a label, replacing an earlier value.
     *
     * @param key the label's key, not empty
     * @param value its value
     * @return this builder
     * @throws IllegalArgumentException if {@code key} is empty
     * @throws NullPointerException if {@code value} is null
     */
    public Builder label(String key, String value) {
      if (key.isEmpty()) {
        throw new IllegalArgumentException("label key is empty");
      }
      labels.put(key, Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sets the stop signal, such as {@code SIGTERM} or {@code 15}.
     *
     * @param value the signal's name or number
     * @return this builder
     * @throws IllegalArgumentException if {@code value} is empty
     */
    public Builder stopSignal(String value) {
      if (value.isEmpty()) {
        throw new IllegalArgumentException("stop signal is empty");
      }
      this.stopSignal = Optional.of(value);
      return this;
    }

    /**
     * Appends a history step.
     *
     * @param step the step, after those already set
     * @return this builder
     * @throws NullPointerException if {@code step} is null
     */
    public Builder addHistory(History step) {
      history.add(Objects.requireNonNull(step, "step"));
      return this;
    }

    /**
     * Replaces the history.
     *
     * @param steps the steps, oldest first; copied
     * @return this builder
     * @throws NullPointerException if the list is null
     */
    public Builder history(List<History> steps) {
      this.history = new ArrayList<>(steps);
      return this;
    }

    /**
     * Builds the configuration.
     *
     * @return an immutable configuration with what this builder holds; the builder can go on
     */
    @CheckReturnValue
    public ImageConfig build() {
      return new ImageConfig(this);
    }
  }
}
