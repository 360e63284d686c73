package io.github.scratch4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.scratch4j.Archive;
import io.github.scratch4j.FileEntry;
import io.github.scratch4j.Image;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's first day, as a test: a separate Maven project ({@code samples/src/it/consumer}) that
 * depends on the {@code scratch4j-core} coordinates the README gives, resolved from a local
 * repository into which this build installed scratch4j (maven-invoker-plugin's {@code install}
 * goal; nothing else of scratch4j is there, and snapshots come from nowhere else), builds with
 * Maven, and runs on the module path and on the class path.
 */
class ConsumerProjectIT {
  private static final Path REPOSITORY = Path.of(System.getProperty("scratch4j.it.repository"));
  private static final Path PROJECT = Path.of(System.getProperty("scratch4j.it.consumer"));
  private static final Path README = Path.of(System.getProperty("scratch4j.readme"));

  @TempDir static Path work;
  private static Path project;
  private static List<Path> runtimeJars;

  @BeforeAll
  static void buildTheConsumerProject() throws IOException, InterruptedException {
    project = work.resolve("consumer");
    copyTree(PROJECT, project);
    Path classpath = work.resolve("classpath.txt");
    List<String> mvn = new ArrayList<>(List.of(
        Path.of(System.getProperty("maven.home"), "bin", "mvn").toString(), "-B", "-q",
        "-s", PROJECT.resolveSibling("settings.xml").toString(),
        "-Dmaven.repo.local=" + REPOSITORY,
        "-Ddeveloper.repository=" + Path.of(System.getProperty("scratch4j.it.developerRepository")).toUri(),
        "-Dscratch4j.version=" + System.getProperty("scratch4j.version"),
        "-Dresources-plugin.version=" + System.getProperty("scratch4j.it.resourcesPlugin"),
        "-Dcompiler-plugin.version=" + System.getProperty("scratch4j.it.compilerPlugin"),
        "-Ddependency-plugin.version=" + System.getProperty("scratch4j.it.dependencyPlugin"),
        "compile", "dependency:build-classpath",
        "-Dmdep.includeScope=runtime", "-Dmdep.outputFile=" + classpath));
    Result built = run(project, mvn);
    assertThat(built.exit).as("the consumer's Maven build:%n%s", built.output).isZero();
    runtimeJars = Stream.of(Files.readString(classpath).strip().split(File.pathSeparator))
        .map(Path::of).collect(Collectors.toList());
  }

  @Test
  void scratch4jResolvesFromTheInstalledCoordinates() {
    assertThat(runtimeJars).allSatisfy(jar -> assertThat(jar).startsWith(REPOSITORY));
    assertThat(runtimeJars).anySatisfy(jar -> assertThat(jar.getFileName().toString())
        .isEqualTo("scratch4j-core-" + System.getProperty("scratch4j.version") + ".jar"));
  }

  @Test
  void theReadmeGivesTheCoordinatesThisProjectUses() throws IOException {
    String readme = Files.readString(README);
    String version = System.getProperty("scratch4j.version");
    assertThat(readme).contains("<dependency>\n  <groupId>io.github.scratch4j</groupId>\n"
        + "  <artifactId>scratch4j-core</artifactId>\n  <version>" + version + "</version>\n</dependency>");
    assertThat(readme).contains("implementation(\"io.github.scratch4j:scratch4j-core:" + version + "\")");
    assertThat(Files.readString(PROJECT.resolve("pom.xml"))).contains("<groupId>io.github.scratch4j</groupId>\n"
        + "      <artifactId>scratch4j-core</artifactId>\n      <version>${scratch4j.version}</version>");
  }

  @Test
  void theRuntimeClassPathIsExactlyWhatTheReadmeSays() throws IOException {
    List<String> artifacts = runtimeJars.stream()
        .map(jar -> jar.getParent().getParent().getFileName().toString()) // <group>/<artifact>/<version>/<file>
        .sorted().collect(Collectors.toList());
    assertThat(artifacts).as("artifacts on the consumer's runtime class path, against README.md")
        .containsExactlyElementsOf(readmeClassPath());
  }

  /** The artifact names of the README's "Runtime class path:" line, sorted. */
  private static List<String> readmeClassPath() throws IOException {
    String line = Files.readAllLines(README).stream().filter(l -> l.startsWith("Runtime class path:"))
        .findFirst().orElseThrow(() -> new AssertionError(README + " has no line starting \"Runtime class path:\""));
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("`([^`]+)`").matcher(line);
    while (m.find()) {
      names.add(m.group(1));
    }
    names.sort(null);
    return names;
  }

  @Test
  void itRunsOnTheModulePath() throws IOException, InterruptedException {
    Path archive = work.resolve("module-path.tar");
    String modulePath = project.resolve("target/classes") + File.pathSeparator + joined(runtimeJars);
    Result ran = run(project, List.of(java(), "--module-path", modulePath,
        "--module", "example.consumer/example.consumer.Main", archive.toString()));
    assertThat(ran.exit).as(ran.output).isZero();
    assertThat(ran.output).contains("scratch4j from module io.github.scratch4j");
    assertWritten(archive);
  }

  @Test
  void itRunsOnTheClassPath() throws IOException, InterruptedException {
    Path archive = work.resolve("class-path.tar");
    String classPath = project.resolve("target/classes") + File.pathSeparator + joined(runtimeJars);
    Result ran = run(project, List.of(java(), "-cp", classPath, "example.consumer.Main", archive.toString()));
    assertThat(ran.exit).as(ran.output).isZero();
    assertThat(ran.output).contains("scratch4j from unnamed module");
    assertWritten(archive);
  }

  private static void assertWritten(Path archive) throws IOException {
    Image image = Archive.read(archive).image("consumer:1").orElseThrow();
    FileEntry file = image.layers().get(0).file("/greeting.txt").orElseThrow();
    assertThat(new String(file.source().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello from a consumer\n");
    assertThat(image.config().env("GREETING")).contains("/greeting.txt");
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String joined(List<Path> jars) {
    return jars.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
  }

  private record Result(int exit, String output) {}

  private static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
    Path log = Files.createTempFile(work, "run", ".log");
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("timed out after 5 minutes: " + command + "\n" + Files.readString(log));
    }
    return new Result(p.exitValue(), String.join(" ", command) + "\n" + Files.readString(log));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
