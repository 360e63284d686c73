package io.github.scratch4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The public API is null-free: every public record refuses a null in each of its reference
 * components (an {@code Optional} included) with a {@link NullPointerException}, rather than
 * keeping it and failing later, far from the caller's mistake. Each record is made from a valid
 * sample with one component replaced by null; {@link #everyPublicRecordHasASample} keeps the list
 * complete.
 */
class PublicRecordsRefuseNullTest {
  private static final Instant T = Instant.parse("2024-01-02T03:04:05Z");
  private static final Digest D = Digest.parse("sha256:" + "ab".repeat(32));

  static Stream<Record> samples() {
    return Stream.of(
        new Descriptor(MediaType.OCI_MANIFEST, D, 1, Map.of("a", "b"), Optional.of(Platform.of("linux/amd64"))),
        D,
        new DirectoryEntry("/d", 0755, 0, 0, T),
        new FileEntry("/f", Source.of(new byte[] {1}), 0644, 0, 0, T),
        new HardlinkEntry("/h", "/f", 0644, 0, 0, T),
        new History(Optional.of(T), Optional.of("by"), Optional.of("me"), Optional.of("c"), false),
        new ImageCheckException.Problem(ImageCheck.values()[0], "/p", "reason", "fix"),
        new ImageReference("registry.example.com", "team/app", Optional.of("1"), Optional.empty()),
        new LoadedImages(List.of("app:1"), List.of(D)),
        Platform.of("linux/arm64/v8"),
        ReadOptions.defaults(),
        new RegistryCredentials("ann", "secret"),
        new SignedPayload("registry.example.com/team/app", D, "{}"),
        new SpecialFileEntry("/p", SpecialFileEntry.Kind.FIFO, 0, 0, 0644, 0, 0, T),
        new SymlinkEntry("/s", "f", 0777, 0, 0, T),
        new TransferEvent(TransferEvent.Kind.UPLOADED, D, 1, 1),
        new Whiteout("/w", false),
        new WriteEvent(WriteEvent.Kind.WRITTEN, 0, MediaType.OCI_MANIFEST, 1, 1, Optional.of(D)),
        new WriteOptions(Optional.of(WriteOptions.Format.ARCHIVE), Compression.GZIP, OptionalInt.of(6),
            Optional.of(e -> { }), Optional.of(Runnable::run)));
  }

  @ParameterizedTest
  @MethodSource("samples")
  void eachReferenceComponentRefusesNull(Record sample) throws Exception {
    Class<?> type = sample.getClass();
    RecordComponent[] components = type.getRecordComponents();
    Class<?>[] types = Stream.of(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
    Constructor<?> canonical = type.getDeclaredConstructor(types);
    Object[] values = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      values[i] = components[i].getAccessor().invoke(sample);
    }
    assertThat(canonical.newInstance(values)).as("the sample itself").isEqualTo(sample);
    List<String> accepted = new ArrayList<>();
    for (int i = 0; i < components.length; i++) {
      if (types[i].isPrimitive()) {
        continue;
      }
      Object[] withNull = values.clone();
      withNull[i] = null;
      try {
        canonical.newInstance(withNull);
        accepted.add(components[i].getName());
      } catch (InvocationTargetException e) {
        assertThat(e.getCause()).as("%s with a null %s", type.getSimpleName(), components[i].getName())
            .isInstanceOf(NullPointerException.class);
      }
    }
    assertThat(accepted).as("%s components that took null", type.getSimpleName()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("samples")
  void mapsAndListsRefuseNullElements(Record sample) throws Exception {
    for (RecordComponent c : sample.getClass().getRecordComponents()) {
      Object value = c.getAccessor().invoke(sample);
      if (value instanceof Map<?, ?> m && !m.isEmpty()) {
        Map<Object, Object> withNullValue = new HashMap<>(m);
        withNullValue.put(m.keySet().iterator().next(), null);
        assertThatThrownBy(() -> make(sample, c, withNullValue)).as("%s.%s with a null value",
            sample.getClass().getSimpleName(), c.getName()).isInstanceOf(NullPointerException.class);
      }
      if (value instanceof List<?> l && !l.isEmpty()) {
        List<Object> withNull = new ArrayList<>(l);
        withNull.add(null);
        assertThatThrownBy(() -> make(sample, c, withNull)).as("%s.%s with a null element",
            sample.getClass().getSimpleName(), c.getName()).isInstanceOf(NullPointerException.class);
      }
    }
  }

  @org.junit.jupiter.api.Test
  void everyPublicRecordHasASample() throws Exception {
    java.nio.file.Path classes = java.nio.file.Path.of(Descriptor.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolve("io/github/scratch4j");
    List<String> records = new ArrayList<>();
    try (Stream<java.nio.file.Path> files = java.nio.file.Files.list(classes)) {
      for (java.nio.file.Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        String name = "io.github.scratch4j." + f.getFileName().toString().replace(".class", "");
        Class<?> c = Class.forName(name, false, getClass().getClassLoader());
        if (c.isRecord() && java.lang.reflect.Modifier.isPublic(c.getModifiers())) {
          records.add(c.getSimpleName());
        }
      }
    }
    List<String> sampled = samples().map(r -> r.getClass().getSimpleName()).toList();
    assertThat(sampled).containsAll(records);
  }

  private static Object make(Record sample, RecordComponent replaced, Object value) throws Throwable {
    RecordComponent[] components = sample.getClass().getRecordComponents();
    Class<?>[] types = Stream.of(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
    Object[] values = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      values[i] = components[i].getName().equals(replaced.getName()) ? value : components[i].getAccessor().invoke(sample);
    }
    try {
      return sample.getClass().getDeclaredConstructor(types).newInstance(values);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
