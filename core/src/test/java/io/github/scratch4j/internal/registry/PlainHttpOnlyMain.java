package io.github.scratch4j.internal.registry;

import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.RegistryOptions;
import io.github.scratch4j.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Run in a JVM of its own by {@link PlainHttpOnlyTest}: pushes an image to a loopback registry
 * over plain HTTP, then pulls it into an empty cache, and prints the digest.
 */
public final class PlainHttpOnlyMain {
  private PlainHttpOnlyMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    try (StubServers servers = new StubServers()) {
      MemoryRegistry registry = new MemoryRegistry(servers);
      Image image = Image.fromScratch().add(Entry.file("/data", Source.of(new byte[6 << 20])));
      RegistryOptions push = RegistryOptions.defaults().withTimeout(Duration.ofSeconds(30))
          .withCacheDirectory(Files.createDirectories(dir.resolve("push-cache")));
      System.out.println(image.pushTo(registry.host + "/it/app:1", push));
      RegistryOptions pull = push.withCacheDirectory(Files.createDirectories(dir.resolve("pull-cache")));
      System.out.println(Image.from(registry.host + "/it/app:1", pull).layers().size() + " layer pulled");
    }
  }
}
