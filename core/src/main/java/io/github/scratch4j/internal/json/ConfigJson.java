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

  private static Optional<String> nonEmpty(Optional<String> value) {
    return value.filter(s -> !s.isEmpty());
  }

  /** The container's settings: the {@code config} object. */
  private static final Shape<ImageConfig, Read> CONTAINER = Shape.<ImageConfig, Read>of(
      Field.optional("User", JsonType.STRING.optional(), ImageConfig::user,
          (r, v, w) -> nonEmpty(v).ifPresent(r.b::user)),
      Field.<ImageConfig, Read, Collection<String>>optional("ExposedPorts", JsonType.KEYS, ImageConfig::exposedPorts,
          (r, v, w) -> v.forEach(r.b::exposedPort)),
      Field.optional("Env", JsonType.STRINGS, ImageConfig::env, (r, v, w) -> r.b.env(v)),
      Field.optional("Entrypoint", JsonType.STRINGS, ImageConfig::entrypoint, (r, v, w) -> r.b.entrypoint(v)),
      Field.optional("Cmd", JsonType.STRINGS, ImageConfig::cmd, (r, v, w) -> r.b.cmd(v)),
      Field.<ImageConfig, Read, Collection<String>>optional("Volumes", JsonType.KEYS, ImageConfig::volumes,
          (r, v, w) -> v.forEach(r.b::volume)),
      Field.optional("WorkingDir", JsonType.STRING.optional(), ImageConfig::workingDir,
          (r, v, w) -> nonEmpty(v).ifPresent(r.b::workingDir)),
      Field.<ImageConfig, Read, Map<String, String>>optional("Labels", JsonType.STRING_MAP, ImageConfig::labels,
          (r, v, w) -> v.forEach(r.b::label)),
      Field.optional("StopSignal", JsonType.STRING.optional(), ImageConfig::stopSignal,
          (r, v, w) -> nonEmpty(v).ifPresent(r.b::stopSignal)))
      .keepingOthers(c -> ConfigExtras.get(c).config(), (r, extra) -> r.extraConfig = extra);

  /** The root file system: the layers' diff_ids. */
  private static final Shape<List<Digest>, Read> ROOTFS = Shape.<List<Digest>, Read>of(
      Field.required("type", JsonType.STRING, d -> LAYERS, (r, v, what) -> {
        if (!v.equals(LAYERS)) {
          throw new ImageFormatException(what + " type is '" + v + "', not '" + LAYERS + "'");
        }
      }),
      Field.<List<Digest>, Read, List<Digest>>always("diff_ids", JsonType.DIGESTS, d -> d, (r, v, w) -> r.diffIds = v)
          .namedWith("."));

  private static final Shape<History, HistoryRead> HISTORY_STEP = Shape.<History, HistoryRead>of(
      Field.optional("created", JsonType.INSTANT.optional(), History::created, (h, v, w) -> h.created = v),
      Field.optional("created_by", JsonType.STRING.optional(), History::createdBy, (h, v, w) -> h.createdBy = v),
      Field.optional("author", JsonType.STRING.optional(), History::author, (h, v, w) -> h.author = v),
      Field.optional("comment", JsonType.STRING.optional(), History::comment, (h, v, w) -> h.comment = v),
      Field.optional("empty_layer", JsonType.TRUE_OR_ABSENT, History::emptyLayer, (h, v, w) -> h.emptyLayer = v));

  private static final JsonType<History> HISTORY = JsonType.object(HISTORY_STEP, HistoryRead::new,
      (h, where) -> new History(h.created, h.createdBy, h.author, h.comment, h.emptyLayer));

  private static final Shape<Written, Read> DOCUMENT = Shape.<Written, Read>of(
      Field.optional("created", JsonType.INSTANT.optional(), w -> Optional.of(w.created()),
          (r, v, w) -> v.ifPresent(r.b::created)),
      Field.optional("author", JsonType.STRING.optional(), w -> w.config().author(),
          (r, v, w) -> v.ifPresent(r.b::author)),
      Field.required("architecture", JsonType.STRING, w -> w.platform().architecture(), (r, v, w) -> r.architecture = v),
      Field.required("os", JsonType.STRING, w -> w.platform().os(), (r, v, w) -> r.os = v),
      Field.optional("variant", JsonType.STRING.optional(), w -> w.platform().variant(),
          (r, v, w) -> r.variant = nonEmpty(v)),
      Field.inline("config", false, CONTAINER, Written::config),
      Field.inline("rootfs", true, ROOTFS, Written::diffIds),
      Field.optional("history", HISTORY.list(), Written::history, (r, v, w) -> v.forEach(r.b::addHistory)))
      .keepingOthers(w -> ConfigExtras.get(w.config()).top(), (r, extra) -> r.extraTop = extra);

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
