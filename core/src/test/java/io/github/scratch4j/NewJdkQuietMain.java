package io.github.scratch4j;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Run by {@link NewJdkQuietTest} in a JVM of the new JDK: writes an image of a 4 MiB file through
 * each path that maps it (into an archive file, hashed from mappings while the kernel copies it;
 * into a stream, copied from mappings; gzipped into a file), then prints one line, the only output
 * the test accepts.
 */
public final class NewJdkQuietMain {
  private NewJdkQuietMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    byte[] content = new byte[4 << 20];
    new Random(25).nextBytes(content);
    Path big = Files.write(dir.resolve("big.bin"), content);
    Image image = Image.fromScratch().add(big, "/big.bin");
    image.writeTo(dir.resolve("out.tar"));
    image.writeTo(OutputStream.nullOutputStream());
    image.writeTo(dir.resolve("out-gzip.tar"), WriteOptions.defaults().withCompression(Compression.GZIP));
    System.out.println("written on Java " + Runtime.version().feature());
  }
}
