package io.github.scratch4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The readers ({@code internal.read}) and the registry client ({@code internal.registry}) return
 * values and know nothing of the public face made from them: none of their files names
 * {@code Image}, {@code ImageIndex} or {@code Archive}, so that the packages depend one way and
 * no circle {@code Image -> internal.registry -> Image} comes back.
 */
class ReadersImportNoFaceTest {
  private static final Path SOURCES = Path.of("src", "main", "java", "io", "github", "scratch4j", "internal");
  /** The face's classes, by import (single, static, or of the whole package) or by full name in the code. */
  private static final Pattern FACE = Pattern.compile(
      "^\\s*import\\s+(?:static\\s+)?io\\.github\\.scratch4j\\.(?:(Image|ImageIndex|Archive)\\s*[.;]|\\*\\s*;)"
          + "|\\bio\\.github\\.scratch4j\\.(Image|ImageIndex|Archive)\\b(?![\\w$])");

  @Test
  void noFileOfTheReadersOrTheRegistryClientNamesImageImageIndexOrArchive() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String pkg : List.of("read", "registry")) {
      try (Stream<Path> s = Files.walk(SOURCES.resolve(pkg))) {
        s.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
      }
    }
    // Guards against a moved source tree, which would make the check pass on nothing.
    assertThat(files).extracting(p -> p.getFileName().toString())
        .contains("ArchiveReader.java", "FetchedImages.java", "LayoutDirectory.java", "Puller.java");
    List<String> found = new ArrayList<>();
    for (Path f : files) {
      found.addAll(faceReferences(f.toString(), Files.readString(f, StandardCharsets.UTF_8)));
    }
    assertThat(found).as("lines of internal.read and internal.registry that name the public face").isEmpty();
  }

  @Test
  void theCheckFindsEveryWayOfNamingTheFace() {
    String source = String.join("\n",
        "package io.github.scratch4j.internal.read;",
        "import io.github.scratch4j.Image;",
        "import io.github.scratch4j.ImageIndex ;",
        "import static io.github.scratch4j.Archive.read;",
        "import io.github.scratch4j.*;",
        "class X { Object o = io.github.scratch4j.Archive.builder(); }");
    assertThat(faceReferences("X.java", source)).hasSize(5);
  }

  @Test
  void theCheckLeavesOtherPublicTypesAlone() {
    String source = String.join("\n",
        "import io.github.scratch4j.ImageFormatException;",
        "import io.github.scratch4j.ImageConfig;",
        "import io.github.scratch4j.ImageReference;",
        "import io.github.scratch4j.ArchiveX;",
        "import io.github.scratch4j.internal.read.ReadImage;",
        "class X { Object o = io.github.scratch4j.ImageConfig.empty(); }");
    assertThat(faceReferences("X.java", source)).isEmpty();
  }

  /** The lines of {@code text} that import or name a class of the face, each as {@code file:line: text}. */
  private static List<String> faceReferences(String file, String text) {
    List<String> found = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = FACE.matcher(lines[i]);
      if (m.find()) {
        found.add(file + ":" + (i + 1) + ": " + lines[i].trim());
      }
    }
    return found;
  }
}
