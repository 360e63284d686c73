package example.consumer;

import io.github.scratch4j.Entry;
import io.github.scratch4j.Image;
import io.github.scratch4j.Manifest;
import io.github.scratch4j.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Writes a small image to the archive named by its argument and says where scratch4j came from. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws IOException {
    Manifest manifest = Image.fromScratch()
        .add(Entry.file("/greeting.txt", Source.of("hello from a consumer\n".getBytes(StandardCharsets.UTF_8))))
        .env("GREETING", "/greeting.txt")
        .tag("consumer:1")
        .writeTo(Path.of(args[0]));
    System.out.println("config " + manifest.config().digest());
    System.out.println("scratch4j from " + Image.class.getModule());
  }
}
