package io.github.scratch4j.internal.json;

import io.github.scratch4j.RuntimeConfig;
import io.github.scratch4j.RuntimeConfig.Namespace;
import java.util.List;

/**
 * The {@code config.json} of an OCI runtime bundle (runtime-spec 1.0.2, config.md and
 * config-linux.md), for the process a {@link RuntimeConfig} describes. Mounts, masked and read-only
 * paths are those of {@code runc spec}'s default; with a user namespace, {@code /sys} is bound
 * from the host read-only instead of mounted (a user namespace cannot mount sysfs without its own
 * network namespace) and {@code /dev/pts} names no group.
 */
public final class RuntimeSpecJson {
  /** runtime-spec release whose schema the document follows; runc 1.1 and crun 1.8 read it. */
  public static final String OCI_VERSION = "1.0.2";
  /** Docker's default capabilities (moby, oci/caps/defaults.go), in its order. */
  static final List<String> CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
      "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
      "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");
  private static final List<String> MASKED = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
      "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
      "/proc/scsi");
  private static final List<String> READ_ONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
      "/proc/sysrq-trigger");
  /** The CFS period the CPU quota is counted in, in microseconds (Docker's). */
  static final long CPU_PERIOD = 100_000;

  /** The process a bundle runs, resolved from the image and the configuration. */
  public record Process(List<String> args, List<String> env, String cwd, long uid, long gid, List<Long> groups) {}

  private RuntimeSpecJson() {}

  /**
   * The document's bytes.
   *
   * @param hostUid the user who will start the runtime, whom a user namespace maps root to
   * @param hostGid that user's group
   */
  public static byte[] write(Process process, RuntimeConfig config, long hostUid, long hostGid) {
    boolean userNamespace = config.namespaces().contains(Namespace.USER);
    JsonWriter w = new JsonWriter();
    w.writeStartObject();
    w.writeStringField("ociVersion", OCI_VERSION);

    w.writeObjectFieldStart("process");
    w.writeBooleanField("terminal", false);
    w.writeObjectFieldStart("user");
    w.writeNumberField("uid", process.uid());
    w.writeNumberField("gid", process.gid());
    if (!process.groups().isEmpty()) {
      w.writeArrayFieldStart("additionalGids");
      process.groups().forEach(w::writeNumber);
      w.writeEndArray();
    }
    w.writeEndObject();
    strings(w, "args", process.args());
    strings(w, "env", process.env());
    w.writeStringField("cwd", process.cwd());
    w.writeObjectFieldStart("capabilities");
    for (String set : List.of("bounding", "effective", "permitted")) {
      strings(w, set, CAPABILITIES);
    }
    w.writeEndObject();
    w.writeArrayFieldStart("rlimits");
    w.writeStartObject();
    w.writeStringField("type", "RLIMIT_NOFILE");
    w.writeNumberField("hard", config.openFiles());
    w.writeNumberField("soft", config.openFiles());
    w.writeEndObject();
    w.writeEndArray();
    w.writeBooleanField("noNewPrivileges", config.noNewPrivileges());
    w.writeEndObject();

    w.writeObjectFieldStart("root");
    w.writeStringField("path", "rootfs");
    w.writeBooleanField("readonly", config.readOnlyRoot());
    w.writeEndObject();
    if (config.namespaces().contains(Namespace.UTS)) {
      w.writeStringField("hostname", config.hostname());
    }

    w.writeArrayFieldStart("mounts");
    mount(w, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
    mount(w, "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
    mount(w, "/dev/pts", "devpts", "devpts", userNamespace
        ? List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")
        : List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"));
    mount(w, "/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
    mount(w, "/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
    if (userNamespace) {
      mount(w, "/sys", "none", "/sys", List.of("rbind", "nosuid", "noexec", "nodev", "ro"));
    } else {
      mount(w, "/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"));
      mount(w, "/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro"));
    }
    w.writeEndArray();

    w.writeObjectFieldStart("linux");
    if (userNamespace) {
      // One ID each way, as `unshare --user --map-root-user` maps them (config-linux.md, "User namespace mappings").
      for (String field : List.of("uidMappings", "gidMappings")) {
        w.writeArrayFieldStart(field);
        w.writeStartObject();
        w.writeNumberField("containerID", 0);
        w.writeNumberField("hostID", field.startsWith("uid") ? hostUid : hostGid);
        w.writeNumberField("size", 1);
        w.writeEndObject();
        w.writeEndArray();
      }
    }
    w.writeArrayFieldStart("namespaces");
    for (Namespace n : config.namespaces()) {
      w.writeStartObject();
      w.writeStringField("type", switch (n) {
        case PID -> "pid";
        case MOUNT -> "mount";
        case IPC -> "ipc";
        case UTS -> "uts";
        case NETWORK -> "network";
        case USER -> "user";
      });
      w.writeEndObject();
    }
    w.writeEndArray();
    resources(w, config);
    strings(w, "maskedPaths", MASKED);
    strings(w, "readonlyPaths", READ_ONLY);
    w.writeEndObject();

    w.writeEndObject();
    return w.toByteArray();
  }

  /** config-linux.md, "Control groups": memory, cpu and pids, as far as the configuration sets them. */
  private static void resources(JsonWriter w, RuntimeConfig config) {
    w.writeObjectFieldStart("resources");
    if (config.memoryLimit().isPresent()) {
      long limit = config.memoryLimit().getAsLong();
      w.writeObjectFieldStart("memory");
      w.writeNumberField("limit", limit);
      w.writeNumberField("swap", config.memorySwap().orElse(limit));
      w.writeEndObject();
    }
    if (config.cpus().isPresent() || config.cpuShares().isPresent()) {
      w.writeObjectFieldStart("cpu");
      if (config.cpuShares().isPresent()) {
        w.writeNumberField("shares", config.cpuShares().getAsLong());
      }
      if (config.cpus().isPresent()) {
        w.writeNumberField("quota", Math.round(config.cpus().getAsDouble() * CPU_PERIOD));
        w.writeNumberField("period", CPU_PERIOD);
      }
      w.writeEndObject();
    }
    if (config.pidsLimit().isPresent()) {
      w.writeObjectFieldStart("pids");
      w.writeNumberField("limit", config.pidsLimit().getAsLong());
      w.writeEndObject();
    }
    w.writeEndObject();
  }

  private static void mount(JsonWriter w, String destination, String type, String source, List<String> options) {
    w.writeStartObject();
    w.writeStringField("destination", destination);
    w.writeStringField("type", type);
    w.writeStringField("source", source);
    strings(w, "options", options);
    w.writeEndObject();
  }

  private static void strings(JsonWriter w, String name, List<String> values) {
    w.writeArrayFieldStart(name);
    values.forEach(w::writeString);
    w.writeEndArray();
  }
}
