package io.github.scratch4j.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.scratch4j.Digest;
import io.github.scratch4j.History;
import io.github.scratch4j.ImageConfig;
import io.github.scratch4j.ImageFormatException;
import io.github.scratch4j.Platform;
import io.github.scratch4j.internal.ConfigExtras;
import io.github.scratch4j.internal.json.Shape.Field;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An image configuration (OCI image-spec, config.md). Fields scratch4j does not model, in the
 * document and in its {@code config} object, are kept as raw JSON and written back after the
 * modelled ones, so that they survive a rebuild ({@link ConfigExtras}).
 */
public final class ConfigJson {
  private ConfigJson() {}

  /** The only root file system type there is (config.md, {@code rootfs.type}). */
  private static final String LAYERS = "layers";

  /**
   * A configuration as it is written.
   *
   * @param config the image's settings (and the extra fields of a base)
   * @param platform the platform the image is for
   * @param created the image's creation time
   * @param diffIds the layers' diff_ids, lowest first
   * @param history the steps that made the image
   */
  public record Written(ImageConfig config, Platform platform, Instant created, List<Digest> diffIds,
      List<History> history) {}

  /**
   * A configuration as it is read.
   *
   * @param config the image's settings, with the extra fields kept
   * @param diffIds the layers' diff_ids, lowest first
   */
  public record Parsed(ImageConfig config, List<Digest> diffIds) {}

  /** What reading a configuration fills in. */
  private static final class Read {
    final ImageConfig.Builder b = ImageConfig.builder();
    String architecture;
    String os;
    Optional<String> variant;
    List<Digest> diffIds;
    Map<String, String> extraTop = Map.of();
    Map<String, String> extraConfig = Map.of();
  }

  /** What reading one history step fills in. */
  private static final class HistoryRead {
    Optional<Instant> created;
    Optional<String> createdBy;
    Optional<String> author;
    Optional<String> comment;
    boolean emptyLayer;
  }

  private static Optional<String> nonEmpty(Object value) {
    @SuppressWarnings("unchecked")
    Optional<String> text = (Optional<String>) value;
    return text.isPresent() && text.get().isEmpty() ? Optional.empty() : text;
  }

  @SuppressWarnings("unchecked")
  private static Collection<String> strings(Object value) {
    return (Collection<String>) value;
  }

  /** The container's settings: the {@code config} object. */
  private static final class ContainerFields implements Shape.Access<ImageConfig, Read> {
    @Override
    public Object get(String name, ImageConfig c) {
      return switch (name) {
        case "User" -> c.user();
        case "ExposedPorts" -> c.exposedPorts();
        case "Env" -> c.env();
        case "Entrypoint" -> c.entrypoint();
        case "Cmd" -> c.cmd();
        case "Volumes" -> c.volumes();
        case "WorkingDir" -> c.workingDir();
        case "Labels" -> c.labels();
        case "StopSignal" -> c.stopSignal();
        default -> throw new IllegalStateException(name);
      };
    }

    @Override
    @SuppressWarnings("unchecked")
    public void set(String name, Read r, Object v, String what) {
      switch (name) {
        case "User" -> {
          Optional<String> text = nonEmpty(v);
          if (text.isPresent()) {
            r.b.user(text.get());
          }
        }
        case "ExposedPorts" -> {
          for (String port : strings(v)) {
            r.b.exposedPort(port);
          }
        }
        case "Env" -> r.b.env((List<String>) v);
        case "Entrypoint" -> r.b.entrypoint((List<String>) v);
        case "Cmd" -> r.b.cmd((List<String>) v);
        case "Volumes" -> {
          for (String volume : strings(v)) {
            r.b.volume(volume);
          }
        }
        case "WorkingDir" -> {
          Optional<String> text = nonEmpty(v);
          if (text.isPresent()) {
            r.b.workingDir(text.get());
          }
        }
        case "Labels" -> {
          for (Map.Entry<String, String> label : ((Map<String, String>) v).entrySet()) {
            r.b.label(label.getKey(), label.getValue());
          }
        }
        case "StopSignal" -> {
          Optional<String> text = nonEmpty(v);
          if (text.isPresent()) {
            r.b.stopSignal(text.get());
          }
        }
        default -> throw new IllegalStateException(name);
      }
    }

    @Override
    public Map<String, String> others(ImageConfig c) {
      return ConfigExtras.get(c).config();
    }

    @Override
    public void others(Read r, Map<String, String> extra) {
      r.extraConfig = extra;
    }
  }

  private static final Shape<ImageConfig, Read> CONTAINER = Shape.of(new ContainerFields(),
      Field.optional("User", JsonType.STRING.optional()),
      Field.optional("ExposedPorts", JsonType.KEYS),
      Field.optional("Env", JsonType.STRINGS),
      Field.optional("Entrypoint", JsonType.STRINGS),
      Field.optional("Cmd", JsonType.STRINGS),
      Field.optional("Volumes", JsonType.KEYS),
      Field.optional("WorkingDir", JsonType.STRING.optional()),
      Field.optional("Labels", JsonType.STRING_MAP),
      Field.optional("StopSignal", JsonType.STRING.optional()))
      .keepingOthers();

  /** The root file system: the layers' diff_ids. */
  private static final class RootfsFields implements Shape.Access<List<Digest>, Read> {
    @Override
    public Object get(String name, List<Digest> diffIds) {
      return switch (name) {
        case "type" -> LAYERS;
        case "diff_ids" -> diffIds;
        default -> throw new IllegalStateException(name);
      };
    }

    @Override
    @SuppressWarnings("unchecked")
    public void set(String name, Read r, Object v, String what) throws ImageFormatException {
      switch (name) {
        case "type" -> {
          if (!v.equals(LAYERS)) {
            throw new ImageFormatException(what + " type is '" + v + "', not '" + LAYERS + "'");
          }
        }
        case "diff_ids" -> r.diffIds = (List<Digest>) v;
        default -> throw new IllegalStateException(name);
      }
    }
  }

  private static final Shape<List<Digest>, Read> ROOTFS = Shape.of(new RootfsFields(),
      Field.required("type", JsonType.STRING),
      Field.<List<Digest>, Read, List<Digest>>always("diff_ids", JsonType.DIGESTS).namedWith("."));

  /** One step of the history. */
  private static final class HistoryFields implements Shape.Access<History, HistoryRead> {
    @Override
    public Object get(String name, History h) {
      return switch (name) {
        case "created" -> h.created();
        case "created_by" -> h.createdBy();
        case "author" -> h.author();
        case "comment" -> h.comment();
        case "empty_layer" -> h.emptyLayer();
        default -> throw new IllegalStateException(name);
      };
    }

    @Override
    @SuppressWarnings("unchecked")
    public void set(String name, HistoryRead h, Object v, String what) {
      switch (name) {
        case "created" -> h.created = (Optional<Instant>) v;
        case "created_by" -> h.createdBy = (Optional<String>) v;
        case "author" -> h.author = (Optional<String>) v;
        case "comment" -> h.comment = (Optional<String>) v;
        case "empty_layer" -> h.emptyLayer = (Boolean) v;
        default -> throw new IllegalStateException(name);
      }
    }

    @Override
    public HistoryRead start() {
      return new HistoryRead();
    }

    @Override
    public History finish(HistoryRead h, String where) {
      return new History(h.created, h.createdBy, h.author, h.comment, h.emptyLayer);
    }
  }

  private static final JsonType<History> HISTORY = JsonType.object(Shape.of(new HistoryFields(),
      Field.optional("created", JsonType.INSTANT.optional()),
      Field.optional("created_by", JsonType.STRING.optional()),
      Field.optional("author", JsonType.STRING.optional()),
      Field.optional("comment", JsonType.STRING.optional()),
      Field.optional("empty_layer", JsonType.TRUE_OR_ABSENT)));

  /** The document's own fields. */
  private static final class DocumentFields implements Shape.Access<Written, Read> {
    @Override
    public Object get(String name, Written w) {
      return switch (name) {
        case "created" -> Optional.of(w.created());
        case "author" -> w.config().author();
        case "architecture" -> w.platform().architecture();
        case "os" -> w.platform().os();
        case "variant" -> w.platform().variant();
        case "config" -> w.config();
        case "rootfs" -> w.diffIds();
        case "history" -> w.history();
        default -> throw new IllegalStateException(name);
      };
    }

    @Override
    @SuppressWarnings("unchecked")
    public void set(String name, Read r, Object v, String what) {
      switch (name) {
        case "created" -> {
          Optional<Instant> created = (Optional<Instant>) v;
          if (created.isPresent()) {
            r.b.created(created.get());
          }
        }
        case "author" -> {
          Optional<String> author = (Optional<String>) v;
          if (author.isPresent()) {
            r.b.author(author.get());
          }
        }
        case "architecture" -> r.architecture = (String) v;
        case "os" -> r.os = (String) v;
        case "variant" -> r.variant = nonEmpty(v);
        case "history" -> {
          for (History step : (List<History>) v) {
            r.b.addHistory(step);
          }
        }
        default -> throw new IllegalStateException(name);
      }
    }

    @Override
    public Map<String, String> others(Written w) {
      return ConfigExtras.get(w.config()).top();
    }

    @Override
    public void others(Read r, Map<String, String> extra) {
      r.extraTop = extra;
    }
  }

  private static final Shape<Written, Read> DOCUMENT = Shape.of(new DocumentFields(),
      Field.optional("created", JsonType.INSTANT.optional()),
      Field.optional("author", JsonType.STRING.optional()),
      Field.required("architecture", JsonType.STRING),
      Field.required("os", JsonType.STRING),
      Field.optional("variant", JsonType.STRING.optional()),
      Field.inline("config", false, CONTAINER),
      Field.inline("rootfs", true, ROOTFS),
      Field.optional("history", HISTORY.list()))
      .keepingOthers();

  /** The configuration's JSON: keys in the spec's order, empty values left out, extra fields last. */
  public static byte[] write(Written config) {
    return DOCUMENT.toJson(config);
  }

  /** Reads a configuration, with the fields scratch4j does not model kept as they are. */
  public static Parsed read(JsonNode root, String what) throws ImageFormatException {
    Read r = new Read();
    try {
      DOCUMENT.read(root, r, what);
      r.b.platform(new Platform(r.os, r.architecture, r.variant));
    } catch (IllegalArgumentException e) {
      throw new ImageFormatException(what + ": " + e.getMessage(), e);
    }
    ImageConfig.Builder withExtras = ConfigExtras.set(r.b, new ConfigExtras.Extras(r.extraTop, r.extraConfig));
    return new Parsed(withExtras.build(), r.diffIds);
  }
}
