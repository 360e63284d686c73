package io.github.scratch4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/**
 * How an OCI runtime ({@code runc}, {@code crun}) is to run an image's bundle: the isolation, the
 * limits and the process, written by {@link Image#writeBundle} as the bundle's {@code config.json}
 * (OCI runtime specification 1.0.2). The defaults run the image's entrypoint and command as its
 * user in new pid, mount, ipc, uts and network namespaces, with no resource limits, Docker's
 * default capabilities, {@code noNewPrivileges} and at most 1024 open files. Immutable.
 */
public final class RuntimeConfig {
  /** The Linux namespaces a container can be given (runtime-spec, config-linux.md, "Namespaces"). */
  public enum Namespace {
    /** Its own process IDs: the process is pid 1. */
    PID,
    /** Its own mount table: the root file system and the mounts the bundle lists. */
    MOUNT,
    /** Its own System V IPC and POSIX message queues. */
    IPC,
    /** Its own host name. */
    UTS,
    /** Its own network stack, with only a loopback interface; without it, the host's network. */
    NETWORK,
    /**
     * Its own user IDs: root in the container is the user who starts the runtime outside it, as
     * {@code unshare --user --map-root-user} maps it, so the runtime needs no root. Only user 0 of
     * the container exists then: the image's user must be root.
     */
    USER
  }

  private static final RuntimeConfig DEFAULTS = new Builder().build();

  private final List<String> args;
  private final Optional<String> user;
  private final String hostname;
  private final boolean readOnlyRoot;
  private final Set<Namespace> namespaces;
  private final OptionalLong memoryLimit;
  private final OptionalLong memorySwap;
  private final OptionalDouble cpus;
  private final OptionalLong cpuShares;
  private final OptionalLong pidsLimit;
  private final long openFiles;
  private final boolean noNewPrivileges;

  private RuntimeConfig(Builder b) {
    this.args = List.copyOf(b.args);
    this.user = b.user;
    this.hostname = b.hostname;
    this.readOnlyRoot = b.readOnlyRoot;
    this.namespaces = Collections.unmodifiableSet(EnumSet.copyOf(b.namespaces));
    this.memoryLimit = b.memoryLimit;
    this.memorySwap = b.memorySwap;
    this.cpus = b.cpus;
    this.cpuShares = b.cpuShares;
    this.pidsLimit = b.pidsLimit;
    this.openFiles = b.openFiles;
    this.noNewPrivileges = b.noNewPrivileges;
  }

  /**
   * The defaults: the image's process, pid, mount, ipc, uts and network namespaces, no limits.
   *
   * @return the default configuration
   */
  public static RuntimeConfig defaults() {
    return DEFAULTS;
  }

  /**
   * A builder that starts from the defaults.
   *
   * @return a new builder
   */
  @CheckReturnValue
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder that starts from this configuration.
   *
   * @return a new builder holding these settings
   */
  @CheckReturnValue
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The process's arguments, in place of the image's entrypoint and command.
   *
   * @return the arguments, or an empty list to run the image's entrypoint and command
   */
  public List<String> args() {
    return args;
  }

  /**
   * The user to run as, in place of the image's ({@code name}, {@code uid}, {@code name:group},
   * {@code uid:gid}).
   *
   * @return the user, or empty for the image's user (root when it names none)
   */
  public Optional<String> user() {
    return user;
  }

  /**
   * The container's host name, given when it has its own {@link Namespace#UTS}.
   *
   * @return the host name
   */
  public String hostname() {
    return hostname;
  }

  /**
   * Whether the root file system is mounted read-only.
   *
   * @return true when nothing in the container can write to its root file system
   */
  public boolean readOnlyRoot() {
    return readOnlyRoot;
  }

  /**
   * The namespaces the container gets of its own; the others it shares with the host.
   *
   * @return an unmodifiable set
   */
  public Set<Namespace> namespaces() {
    return namespaces;
  }

  /**
   * The most memory the container's processes may use, in bytes; past it the kernel kills one.
   *
   * @return the limit, or empty for none
   */
  public OptionalLong memoryLimit() {
    return memoryLimit;
  }

  /**
   * The most memory and swap together, in bytes (runtime-spec's {@code memory.swap}); with a
   * memory limit and no value here, the container gets no swap.
   *
   * @return the limit, or empty for the memory limit itself
   */
  public OptionalLong memorySwap() {
    return memorySwap;
  }

  /**
   * The CPU time the container may use, as a number of CPUs: {@code 0.05} is 5 % of one CPU,
   * {@code 2} two whole CPUs (a CFS quota per 100 ms period).
   *
   * @return the CPUs, or empty for no quota
   */
  public OptionalDouble cpus() {
    return cpus;
  }

  /**
   * The container's CPU weight against others when the CPUs are busy (cgroup {@code cpu.shares};
   * 1024 is the default weight).
   *
   * @return the shares, or empty for the default
   */
  public OptionalLong cpuShares() {
    return cpuShares;
  }

  /**
   * The most processes and threads the container may have at once.
   *
   * @return the limit, or empty for none
   */
  public OptionalLong pidsLimit() {
    return pidsLimit;
  }

  /**
   * The most files the process may have open ({@code RLIMIT_NOFILE}, soft and hard).
   *
   * @return the limit
   */
  public long openFiles() {
    return openFiles;
  }

  /**
   * Whether the process and its children are kept from gaining privileges ({@code execve} of a
   * set-user-ID program does not raise them).
   *
   * @return true unless turned off
   */
  public boolean noNewPrivileges() {
    return noNewPrivileges;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RuntimeConfig r && args.equals(r.args) && user.equals(r.user) && hostname.equals(r.hostname)
        && readOnlyRoot == r.readOnlyRoot && namespaces.equals(r.namespaces) && memoryLimit.equals(r.memoryLimit)
        && memorySwap.equals(r.memorySwap) && cpus.equals(r.cpus) && cpuShares.equals(r.cpuShares)
        && pidsLimit.equals(r.pidsLimit) && openFiles == r.openFiles && noNewPrivileges == r.noNewPrivileges;
  }

  @Override
  public int hashCode() {
    return Objects.hash(args, user, hostname, readOnlyRoot, namespaces, memoryLimit, memorySwap, cpus, cpuShares,
        pidsLimit, openFiles, noNewPrivileges);
  }

  @Override
  public String toString() {
    return "RuntimeConfig[args=" + args + ", user=" + user + ", hostname=" + hostname + ", readOnlyRoot=" + readOnlyRoot
        + ", namespaces=" + namespaces + ", memoryLimit=" + memoryLimit + ", memorySwap=" + memorySwap + ", cpus="
        + cpus + ", cpuShares=" + cpuShares + ", pidsLimit=" + pidsLimit + ", openFiles=" + openFiles
        + ", noNewPrivileges=" + noNewPrivileges + "]";
  }

  /** Builds a {@link RuntimeConfig}; every setter checks its value at once. */
  public static final class Builder {
    private List<String> args = List.of();
    private Optional<String> user = Optional.empty();
    private String hostname = "scratch4j";
    private boolean readOnlyRoot;
    private Set<Namespace> namespaces =
        EnumSet.of(Namespace.PID, Namespace.MOUNT, Namespace.IPC, Namespace.UTS, Namespace.NETWORK);
    private OptionalLong memoryLimit = OptionalLong.empty();
    private OptionalLong memorySwap = OptionalLong.empty();
    private OptionalDouble cpus = OptionalDouble.empty();
    private OptionalLong cpuShares = OptionalLong.empty();
    private OptionalLong pidsLimit = OptionalLong.empty();
    private long openFiles = 1024;
    private boolean noNewPrivileges = true;

    private Builder() {}

    private Builder(RuntimeConfig c) {
      args = c.args;
      user = c.user;
      hostname = c.hostname;
      readOnlyRoot = c.readOnlyRoot;
      namespaces = EnumSet.copyOf(c.namespaces);
      memoryLimit = c.memoryLimit;
      memorySwap = c.memorySwap;
      cpus = c.cpus;
      cpuShares = c.cpuShares;
      pidsLimit = c.pidsLimit;
      openFiles = c.openFiles;
      noNewPrivileges = c.noNewPrivileges;
    }

    /**
     * Runs these arguments instead of the image's entrypoint and command.
     *
     * @param argv the program and its arguments; none to run the image's own again
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public Builder args(String... argv) {
      List<String> list = new ArrayList<>();
      for (String a : argv) {
        list.add(Objects.requireNonNull(a, "args must not contain null"));
      }
      this.args = List.copyOf(list);
      return this;
    }

    /**
     * Runs as this user instead of the image's.
     *
     * @param newUser {@code name}, {@code uid}, {@code name:group} or {@code uid:gid}, looked up in
     *     the image's {@code /etc/passwd} and {@code /etc/group} when not numeric
     * @return this builder
     * @throws IllegalArgumentException if it is empty
     */
    public Builder user(String newUser) {
      if (Objects.requireNonNull(newUser, "user").isEmpty()) {
        throw new IllegalArgumentException("the user is empty");
      }
      this.user = Optional.of(newUser);
      return this;
    }

    /**
     * Sets the container's host name.
     *
     * @param newHostname a host name of 1 to 64 characters (Linux's limit)
     * @return this builder
     * @throws IllegalArgumentException if it is empty, longer than 64 characters or holds NUL
     */
    public Builder hostname(String newHostname) {
      Objects.requireNonNull(newHostname, "hostname");
      if (newHostname.isEmpty() || newHostname.length() > 64 || newHostname.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("host name '" + newHostname + "' is not 1 to 64 characters without NUL");
      }
      this.hostname = newHostname;
      return this;
    }

    /**
     * Mounts the root file system read-only, or not.
     *
     * @param readOnly whether the root is read-only
     * @return this builder
     */
    public Builder readOnlyRoot(boolean readOnly) {
      this.readOnlyRoot = readOnly;
      return this;
    }

    /**
     * Gives the container these namespaces of its own, and shares the others with the host.
     *
     * @param newNamespaces the namespaces; none to share everything
     * @return this builder
     * @throws NullPointerException if one is null
     */
    public Builder namespaces(Namespace... newNamespaces) {
      Set<Namespace> set = EnumSet.noneOf(Namespace.class);
      for (Namespace n : newNamespaces) {
        set.add(Objects.requireNonNull(n, "namespaces must not contain null"));
      }
      this.namespaces = set;
      return this;
    }

    /**
     * Limits the container's memory.
     *
     * @param bytes the limit in bytes, at least 4 MiB (below it runtimes refuse to start)
     * @return this builder
     * @throws IllegalArgumentException if it is below 4 MiB
     */
    public Builder memoryLimit(long bytes) {
      if (bytes < (4L << 20)) {
        throw new IllegalArgumentException("memory limit " + bytes + " is below 4 MiB");
      }
      this.memoryLimit = OptionalLong.of(bytes);
      return this;
    }

    /**
     * Limits the container's memory and swap together.
     *
     * @param bytes the limit in bytes, at least the memory limit; -1 for unlimited swap
     * @return this builder
     * @throws IllegalArgumentException if it is below 4 MiB and not -1
     */
    public Builder memorySwap(long bytes) {
      if (bytes != -1 && bytes < (4L << 20)) {
        throw new IllegalArgumentException("memory and swap limit " + bytes + " is below 4 MiB");
      }
      this.memorySwap = OptionalLong.of(bytes);
      return this;
    }

    /**
     * Limits the container's CPU time.
     *
     * @param newCpus a number of CPUs, at least 0.01 (1 % of one CPU)
     * @return this builder
     * @throws IllegalArgumentException if it is below 0.01 or not finite
     */
    public Builder cpus(double newCpus) {
      if (!(newCpus >= 0.01) || Double.isInfinite(newCpus)) {
        throw new IllegalArgumentException("cpus " + newCpus + " is not a number of CPUs of at least 0.01");
      }
      this.cpus = OptionalDouble.of(newCpus);
      return this;
    }

    /**
     * Sets the container's CPU weight.
     *
     * @param shares the weight, 2 to 262144 (cgroup {@code cpu.shares})
     * @return this builder
     * @throws IllegalArgumentException if it is outside that range
     */
    public Builder cpuShares(long shares) {
      if (shares < 2 || shares > 262144) {
        throw new IllegalArgumentException("cpu shares " + shares + " are outside 2 to 262144");
      }
      this.cpuShares = OptionalLong.of(shares);
      return this;
    }

    /**
     * Limits how many processes and threads the container may have at once.
     *
     * @param limit at least 1
     * @return this builder
     * @throws IllegalArgumentException if it is below 1
     */
    public Builder pidsLimit(long limit) {
      if (limit < 1) {
        throw new IllegalArgumentException("pids limit " + limit + " is below 1");
      }
      this.pidsLimit = OptionalLong.of(limit);
      return this;
    }

    /**
     * Sets {@code RLIMIT_NOFILE}, soft and hard.
     *
     * @param limit at least 16
     * @return this builder
     * @throws IllegalArgumentException if it is below 16
     */
    public Builder openFiles(long limit) {
      if (limit < 16) {
        throw new IllegalArgumentException("open files limit " + limit + " is below 16");
      }
      this.openFiles = limit;
      return this;
    }

    /**
     * Keeps the process from gaining privileges, or not.
     *
     * @param keep whether {@code noNewPrivileges} is set
     * @return this builder
     */
    public Builder noNewPrivileges(boolean keep) {
      this.noNewPrivileges = keep;
      return this;
    }

    /**
     * Makes the configuration.
     *
     * @return the configuration
     * @throws IllegalStateException if the memory and swap limit is below the memory limit
     */
    @CheckReturnValue
    public RuntimeConfig build() {
      if (memoryLimit.isPresent() && memorySwap.isPresent() && memorySwap.getAsLong() != -1
          && memorySwap.getAsLong() < memoryLimit.getAsLong()) {
        throw new IllegalStateException("memory and swap limit " + memorySwap.getAsLong() + " is below the memory limit "
            + memoryLimit.getAsLong());
      }
      return new RuntimeConfig(this);
    }
  }
}
