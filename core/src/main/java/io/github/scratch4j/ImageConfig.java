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

  /** A configuration with nothing set. */
  @CheckReturnValue
  public static ImageConfig empty() {
    return builder().build();
  }

  /** A new builder with nothing set. */
  @CheckReturnValue
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration, to change it. */
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

  /** The platform, if set. */
  public Optional<Platform> platform() {
    return platform;
  }

  /** The creation time; when empty, the image gets the reproducible timestamp. */
  public Optional<Instant> created() {
    return created;
  }

  /** The author. */
  public Optional<String> author() {
    return author;
  }

  /** The entrypoint's argument vector, empty when unset. */
  public List<String> entrypoint() {
    return entrypoint;
  }

  /** The default arguments, empty when unset. */
  public List<String> cmd() {
    return cmd;
  }

  /** The environment as {@code NAME=value} strings, in the order they were set. */
  public List<String> env() {
    return env;
  }

  /** The value of an environment variable. */
  public Optional<String> env(String name) {
    String prefix = name + "=";
    return env.stream().filter(e -> e.startsWith(prefix)).map(e -> e.substring(prefix.length())).findFirst();
  }

  /** The working directory. */
  public Optional<String> workingDir() {
    return workingDir;
  }

  /** The user (name or uid, optionally with group) the process runs as. */
  public Optional<String> user() {
    return user;
  }

  /** The exposed ports as {@code port/protocol}, sorted. */
  public SortedSet<String> exposedPorts() {
    return exposedPorts;
  }

  /** The volume mount points, sorted. */
  public SortedSet<String> volumes() {
    return volumes;
  }

  /** The labels, sorted by key. */
  public SortedMap<String, String> labels() {
    return labels;
  }

  /** The signal that stops the container, such as {@code SIGTERM}. */
  public Optional<String> stopSignal() {
    return stopSignal;
  }

  /** The history, oldest first; steps for layers without one are added when the image is written. */
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

    /** Sets the platform. */
    public Builder platform(Platform value) {
      this.platform = Optional.of(value);
      return this;
    }

    /** Sets or clears the platform. */
    public Builder platform(Optional<Platform> value) {
      this.platform = Objects.requireNonNull(value, "platform");
      return this;
    }

    /** Sets the creation time. */
    public Builder created(Instant value) {
      this.created = Optional.of(value);
      return this;
    }

    /** Sets the author. */
    public Builder author(String value) {
      this.author = Optional.of(value);
      return this;
    }

    /** Sets the entrypoint; no arguments clears it. */
    public Builder entrypoint(String... argv) {
      this.entrypoint = List.of(argv);
      return this;
    }

    /** Sets the entrypoint; an empty list clears it. */
    public Builder entrypoint(List<String> argv) {
      this.entrypoint = List.copyOf(argv);
      return this;
    }

    /** Sets the default arguments; no arguments clears them. */
    public Builder cmd(String... argv) {
      this.cmd = List.of(argv);
      return this;
    }

    /** Sets the default arguments; an empty list clears them. */
    public Builder cmd(List<String> argv) {
      this.cmd = List.copyOf(argv);
      return this;
    }

    /** Sets an environment variable, replacing an earlier value in place. */
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

    /** Replaces the whole environment with {@code NAME=value} strings. */
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

    /** Sets the working directory, an absolute path. */
    public Builder workingDir(String value) {
      if (!value.startsWith("/")) {
        throw new IllegalArgumentException("working directory must be absolute: '" + value + "'");
      }
      this.workingDir = Optional.of(value);
      return this;
    }

    /** Sets the user, as {@code user}, {@code uid}, {@code user:group} or {@code uid:gid}. */
    public Builder user(String value) {
      if (value.isEmpty()) {
        throw new IllegalArgumentException("user is empty");
      }
      this.user = Optional.of(value);
      return this;
    }

    /** Exposes a TCP port. */
    public Builder exposedPort(int port) {
      return exposedPort(port + "/tcp");
    }

    /** Exposes a port given as {@code port} or {@code port/tcp|udp|sctp}. */
    public Builder exposedPort(String value) {
      var m = PORT.matcher(value);
      if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(1)) > 65535) {
        throw new IllegalArgumentException(
            "invalid port '" + value + "': expected 1-65535 with an optional /tcp, /udp or /sctp");
      }
      exposedPorts.add(m.group(2) == null ? value + "/tcp" : value);
      return this;
    }

    /** Declares a volume mount point, an absolute path. */
    public Builder volume(String path) {
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("volume path must be absolute: '" + path + "'");
      }
      volumes.add(path);
      return this;
    }

    /** Sets a label. */
    public Builder label(String key, String value) {
      if (key.isEmpty()) {
        throw new IllegalArgumentException("label key is empty");
      }
      labels.put(key, Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Sets the stop signal, such as {@code SIGTERM} or {@code 15}. */
    public Builder stopSignal(String value) {
      if (value.isEmpty()) {
        throw new IllegalArgumentException("stop signal is empty");
      }
      this.stopSignal = Optional.of(value);
      return this;
    }

    /** Appends a history step. */
    public Builder addHistory(History step) {
      history.add(Objects.requireNonNull(step, "step"));
      return this;
    }

    /** Replaces the history. */
    public Builder history(List<History> steps) {
      this.history = new ArrayList<>(steps);
      return this;
    }

    /** Builds the configuration. */
    @CheckReturnValue
    public ImageConfig build() {
      return new ImageConfig(this);
    }
  }
}
