package io.github.scratch4j.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

import com.sun.source.util.JavacTask;
import io.github.scratch4j.CheckReturnValue;
import io.github.scratch4j.Image;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Code that ignores what a method of an immutable scratch4j type returns (issue 13: {@code image.add(..);
 * image.entrypoint(..); image.writeTo(..)} wrote an empty image) fails to compile under Error Prone, as a
 * user's build runs it: the methods carry {@code @CheckReturnValue} in scratch4j's class files, and Error
 * Prone honours any annotation of that simple name. The compiling tests run the JDK's {@code javac} in a
 * separate process, with Error Prone as a plug-in and scratch4j's classes on the class path, and compare
 * the lines it reports with the lines the source marks {@code // ignored}; the last test checks, in the
 * class files, that the annotation is on every method that needs it.
 */
class IgnoredResultTest {
  /** javac's report of an ignored result: {@code .../Ignored.java:11: error: [CheckReturnValue] ...}. */
  private static final Pattern REPORTED = Pattern.compile("\\.java:(\\d+): error: \\[CheckReturnValue\\]");

  @TempDir Path dir;

  @Test
  void reportsEachIgnoredChangeOfAnImage() throws Exception {
    Compilation c = compile("Ignored", """
        package demo;

        import io.github.scratch4j.Image;
        import java.io.IOException;
        import java.io.OutputStream;
        import java.nio.file.Path;

        class Ignored {
          static void build(Path binary, OutputStream out) throws IOException {
            Image image = Image.fromScratch();
            image.add(binary); // ignored
            image.entrypoint("/hello"); // ignored
            image.tag("hello:latest"); // ignored
            image.writeTo(out);
          }
        }
        """);

    assertThat(c.exitCode).as(c.output).isNotZero();
    assertThat(c.reportedLines()).as(c.output).isEqualTo(c.markedLines()).hasSize(3);
  }

  @Test
  void acceptsTheSameBuildChainedOrReassigned() throws Exception {
    Compilation c = compile("Used", """
        package demo;

        import io.github.scratch4j.Image;
        import java.io.IOException;
        import java.io.OutputStream;
        import java.nio.file.Path;

        class Used {
          static void chained(Path binary, OutputStream out) throws IOException {
            Image.fromScratch().add(binary).entrypoint("/hello").tag("hello:latest").writeTo(out);
          }

          static void reassigned(Path binary, OutputStream out) throws IOException {
            Image image = Image.fromScratch();
            image = image.add(binary);
            image = image.entrypoint("/hello");
            image = image.tag("hello:latest");
            image.writeTo(out);
          }
        }
        """);

    // -Xplugin:ErrorProne fails the compilation when the plug-in cannot be loaded, so a clean exit
    // means Error Prone ran and found nothing.
    assertThat(c.output).doesNotContain("[CheckReturnValue]");
    assertThat(c.exitCode).as(c.output).isZero();
    assertThat(dir.resolve("classes/demo/Used.class")).exists();
  }

  @Test
  void acceptsIgnoredChainingOnAMutableBuilder() throws Exception {
    Compilation c = compile("Chaining", """
        package demo;

        import io.github.scratch4j.Layer;
        import io.github.scratch4j.Source;

        class Chaining {
          static Layer layer() {
            Layer.Builder b = Layer.builder();
            b.addDirectory("/etc");
            b.addFile("/etc/hostname", Source.of(new byte[0]));
            b.owner(1000, 1000).createdBy("test");
            b.build(); // ignored
            return b.build();
          }
        }
        """);

    // The ignored build() shows that Error Prone checked this very source.
    assertThat(c.reportedLines()).as(c.output).isEqualTo(c.markedLines()).hasSize(1);
  }

  @Test
  void reportsIgnoredCopiesOfTheOtherImmutableTypes() throws Exception {
    Compilation c = compile("Copies", """
        package demo;

        import io.github.scratch4j.Archive;
        import io.github.scratch4j.Compression;
        import io.github.scratch4j.Descriptor;
        import io.github.scratch4j.Entry;
        import io.github.scratch4j.FileEntry;
        import io.github.scratch4j.Image;
        import io.github.scratch4j.ImageConfig;
        import io.github.scratch4j.ImageIndex;
        import io.github.scratch4j.ImageReference;
        import io.github.scratch4j.Layer;
        import io.github.scratch4j.Manifest;
        import io.github.scratch4j.ReadOptions;
        import io.github.scratch4j.RegistryOptions;
        import io.github.scratch4j.Source;
        import io.github.scratch4j.WriteOptions;
        import java.time.Duration;
        import java.util.Map;

        class Copies {
          static void copies(Image image, Layer layer, Manifest manifest, Descriptor descriptor) {
            WriteOptions write = WriteOptions.defaults();
            write.withCompression(Compression.GZIP); // ignored
            write.withFormat(WriteOptions.Format.OCI_LAYOUT); // ignored
            ReadOptions.defaults().withMaxLayerEntries(10); // ignored
            RegistryOptions registry = RegistryOptions.defaults();
            registry.withTimeout(Duration.ofSeconds(5)); // ignored
            registry.withInsecureRegistry("localhost:5000"); // ignored
            ImageReference.parse("hello").withTag("v1"); // ignored
            FileEntry file = Entry.file("/hello", Source.of(new byte[0]));
            file.withMode(0755); // ignored
            Entry.directory("/etc").withOwner(1000, 1000); // ignored
            descriptor.withAnnotations(Map.of("a", "b")); // ignored
            ImageIndex.of(image).tag("multi:latest"); // ignored
            ImageIndex.of(image); // ignored
            layer.toBuilder(); // ignored
            Layer.builder(); // ignored
            ImageConfig.empty().toBuilder(); // ignored
            ImageConfig.builder().entrypoint("/hello").build(); // ignored
            manifest.toBuilder(); // ignored
            Archive.of(image); // ignored
            Archive.builder().add(image).build(); // ignored
          }
        }
        """);

    assertThat(c.exitCode).as(c.output).isNotZero();
    assertThat(c.reportedLines()).as(c.output).isEqualTo(c.markedLines()).hasSize(18);
  }

  /**
   * Keeps the annotation on every method where an ignored result is a mistake, as methods are added:
   * a public instance method of an immutable type that returns that type (a changed copy),
   * {@code builder()}, {@code toBuilder()} and a builder's {@code build()}. It stays off what is
   * called for its effect ({@code writeTo}, {@code pushTo}) and off a mutable builder's chaining
   * methods. Read from the class files, as the tools read them.
   */
  @Test
  void everyChangedCopyAndBuilderIsAnnotatedAndNothingCalledForItsEffect() throws IOException {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    try (StandardJavaFileManager files = compiler.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8)) {
      files.setLocation(StandardLocation.CLASS_PATH, List.of(new File(location(Image.class))));
      JavacTask task = (JavacTask) compiler.getTask(null, files, null, List.of(), null, null);
      Elements elements = task.getElements();
      Types types = task.getTypes();
      List<TypeElement> all = new ArrayList<>();
      for (TypeElement t : ElementFilter.typesIn(elements.getPackageElement("io.github.scratch4j").getEnclosedElements())) {
        all.add(t);
        all.addAll(ElementFilter.typesIn(t.getEnclosedElements()));
      }

      Set<String> required = new TreeSet<>();
      Set<String> missing = new TreeSet<>();
      Set<String> misplaced = new TreeSet<>();
      for (TypeElement type : all) {
        // Every mutable builder of the API is a nested class named Builder.
        boolean mutableBuilder = type.getSimpleName().contentEquals("Builder");
        for (ExecutableElement m : ElementFilter.methodsIn(type.getEnclosedElements())) {
          if (!m.getModifiers().contains(Modifier.PUBLIC)) {
            continue;
          }
          String name = m.getSimpleName().toString();
          String id = typeName(type) + "#" + name + m.getParameters().stream()
              .map(p -> types.erasure(p.asType()).toString()).collect(Collectors.joining(",", "(", ")"));
          boolean returnsItsType = types.isSameType(m.getReturnType(), type.asType());
          boolean annotated = m.getAnnotationMirrors().stream()
              .anyMatch(a -> a.getAnnotationType().toString().equals(CheckReturnValue.class.getName()));
          boolean mustHave = (!mutableBuilder && returnsItsType && !m.getModifiers().contains(Modifier.STATIC))
              || name.equals("builder") || name.equals("toBuilder") || (mutableBuilder && name.equals("build"));
          boolean mustNotHave = (mutableBuilder && returnsItsType) || name.equals("writeTo") || name.equals("pushTo");
          if (mustHave) {
            required.add(id);
            if (!annotated) {
              missing.add(id);
            }
          }
          if (mustNotHave && annotated) {
            misplaced.add(id);
          }
        }
      }

      assertThat(required).contains("Image#add(java.nio.file.Path)", "Layer.Builder#build()",
          "WriteOptions#withCompression(io.github.scratch4j.Compression)");
      assertSoftly(softly -> {
        softly.assertThat(missing).as("changed copies and builders without @CheckReturnValue").isEmpty();
        softly.assertThat(misplaced).as("@CheckReturnValue on builder chaining or on writeTo/pushTo").isEmpty();
      });
    }
  }

  /** The simple name, after the enclosing type's for a nested type ({@code Layer.Builder}). */
  private static String typeName(TypeElement type) {
    return type.getEnclosingElement() instanceof TypeElement outer
        ? outer.getSimpleName() + "." + type.getSimpleName()
        : type.getSimpleName().toString();
  }

  /** A finished javac run: its exit code, everything it printed, and the source it compiled. */
  private record Compilation(int exitCode, String output, String source) {
    /** The lines of the source marked {@code // ignored}, from 1. */
    Set<Integer> markedLines() {
      Set<Integer> lines = new TreeSet<>();
      String[] all = source.split("\n", -1);
      for (int i = 0; i < all.length; i++) {
        if (all[i].endsWith("// ignored")) {
          lines.add(i + 1);
        }
      }
      return lines;
    }

    /** The lines javac reported an ignored result on. */
    Set<Integer> reportedLines() {
      Set<Integer> lines = new TreeSet<>();
      Matcher m = REPORTED.matcher(output);
      while (m.find()) {
        lines.add(Integer.parseInt(m.group(1)));
      }
      return lines;
    }
  }

  /**
   * Compiles one source as a user's build with Error Prone would (the flags are those of Error Prone's
   * installation page for JDK 16 and later), with this test's class path, which holds scratch4j's core
   * classes and Error Prone, as both the class path and the processor path.
   */
  private Compilation compile(String className, String source) throws IOException, InterruptedException {
    Path file = dir.resolve("src/demo/" + className + ".java");
    Files.createDirectories(file.getParent());
    Files.writeString(file, source, StandardCharsets.UTF_8);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    String classPath = String.join(File.pathSeparator, testClassPath());

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "javac").toString());
    for (String p : List.of("api", "file", "main", "model", "parser", "processing", "tree", "util")) {
      command.add("-J--add-exports=jdk.compiler/com.sun.tools.javac." + p + "=ALL-UNNAMED");
    }
    for (String p : List.of("code", "comp")) {
      command.add("-J--add-opens=jdk.compiler/com.sun.tools.javac." + p + "=ALL-UNNAMED");
    }
    // Diagnostics in English, whatever the machine's locale.
    command.addAll(List.of("-J-Duser.language=en", "-J-Duser.country=US", "-encoding", "UTF-8"));
    command.addAll(List.of("--release", "17", "-XDcompilePolicy=simple", "--should-stop=ifError=FLOW",
        "-Xplugin:ErrorProne", "-processorpath", classPath, "-classpath", classPath, "-d", classes.toString(),
        file.toString()));

    Path output = dir.resolve(className + ".out");
    Process javac = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    // A guard against a hang only; Error Prone compiles these sources in seconds.
    if (!javac.waitFor(5, TimeUnit.MINUTES)) {
      javac.destroyForcibly();
      throw new AssertionError("javac did not finish in 5 minutes: " + Files.readString(output));
    }
    String printed = Files.readString(output, StandardCharsets.UTF_8);
    assertThat(printed).as("javac could not load Error Prone").doesNotContain("plug-in not found");
    return new Compilation(javac.exitValue(), printed, source);
  }

  /**
   * The entries of this JVM's class path, with the {@code Class-Path} of the manifest-only jar that
   * Surefire starts tests with expanded: scratch4j's core classes, Error Prone and its dependencies.
   */
  private static List<String> testClassPath() throws IOException {
    Set<String> entries = new LinkedHashSet<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      entries.add(entry);
      if (entry.endsWith(".jar")) {
        try (JarFile jar = new JarFile(entry)) {
          Manifest manifest = jar.getManifest();
          String more = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
          if (more != null) {
            for (String url : more.trim().split("\\s+")) {
              entries.add(Path.of(Path.of(entry).toAbsolutePath().getParent().toUri().resolve(url)).toString());
            }
          }
        }
      }
    }
    return new ArrayList<>(entries);
  }

  private static String location(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
