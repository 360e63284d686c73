package io.github.scratch4j.internal;

import io.github.scratch4j.ImageConfig;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Fields of a base image's configuration that scratch4j does not model (such as Docker's
 * {@code Healthcheck} or {@code OnBuild}), kept as raw JSON so that they survive a rebuild. Not
 * part of the public API: {@link ImageConfig} hands its accessors to this class.
 */
public final class ConfigExtras {
  /**
   * Raw JSON values by key.
   *
   * @param top keys of the configuration document itself
   * @param config keys of its {@code config} object
   */
  public record Extras(SortedMap<String, String> top, SortedMap<String, String> config) {
    /** No extra fields. */
    public static final Extras NONE = new Extras(new TreeMap<>(), new TreeMap<>());

    /** Copies the maps, sorted. */
    public Extras {
      top = Collections.unmodifiableSortedMap(new TreeMap<>(top));
      config = Collections.unmodifiableSortedMap(new TreeMap<>(config));
    }

    /** Accepts any maps. */
    public Extras(Map<String, String> top, Map<String, String> config) {
      this(new TreeMap<>(top), new TreeMap<>(config));
    }
  }

  private static volatile Function<ImageConfig, Extras> getter;
  private static volatile BiFunction<ImageConfig.Builder, Extras, ImageConfig.Builder> setter;

  private ConfigExtras() {}

  /** Called once by {@link ImageConfig}. */
  public static void install(
      Function<ImageConfig, Extras> get, BiFunction<ImageConfig.Builder, Extras, ImageConfig.Builder> set) {
    getter = get;
    setter = set;
  }

  /** The extra fields of a configuration. */
  public static Extras get(ImageConfig config) {
    return getter.apply(config);
  }

  /** Sets the extra fields on a builder. */
  public static ImageConfig.Builder set(ImageConfig.Builder builder, Extras extras) {
    if (setter == null) {
      var unused = ImageConfig.empty(); // initializes ImageConfig, which installs the setter
    }
    return setter.apply(builder, extras);
  }
}
