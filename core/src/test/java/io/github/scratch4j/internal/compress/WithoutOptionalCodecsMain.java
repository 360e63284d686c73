package io.github.scratch4j.internal.compress;

import io.github.scratch4j.Compression;
import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.Source;
import io.github.scratch4j.WriteOptions;
import java.nio.file.Path;

/**
 * Run by {@link WithoutOptionalCodecsTest} in a JVM without the optional codec jars: builds on a
 * plain root file system, then prints what each compressed one and a zstd write give.
 */
public final class WithoutOptionalCodecsMain {
  private WithoutOptionalCodecsMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Image image = Image.from(dir.resolve("rootfs.tar"))
        .add(Entry.file("/app", Source.of(new byte[] {1})).withMode(0755)).entrypoint("/app");
    image.writeTo(dir.resolve("out.tar"));
    System.out.println("plain: ok");
    for (int i = 1; i < args.length; i++) {
      try {
        Image.from(dir.resolve(args[i]));
        System.out.println(args[i] + ": read");
      } catch (Exception e) {
        System.out.println(args[i] + ": " + e.getClass().getName() + ": " + e.getMessage());
      }
    }
    // Signing needs only the JDK; the encrypted key file needs Bouncy Castle.
    io.github.scratch4j.SigningKey key = io.github.scratch4j.SigningKey.generate();
    byte[] signed = "payload".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    System.out.println("sign: " + key.verificationKey().verifies(signed, key.sign(signed)));
    try {
      key.write(dir.resolve("cosign.key"), new char[0]);
      System.out.println("key write: written");
    } catch (Exception e) {
      System.out.println("key write: " + e.getClass().getName() + ": " + e.getMessage());
    }
    try {
      image.writeTo(dir.resolve("z.tar"), WriteOptions.defaults().withCompression(Compression.ZSTD));
      System.out.println("zstd write: written");
    } catch (Exception e) {
      System.out.println("zstd write: " + e.getClass().getName() + ": " + e.getMessage());
    }
  }
}
