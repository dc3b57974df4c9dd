package org.fertk.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.fertk.FerModel;
import org.fertk.analysis.Analysis;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use from Java" programs, taken from the README itself, compiled against the
 * library and run: they cannot drift from the code. The scoring program also runs in a JVM whose
 * class path lacks TensorFlow, protobuf and a logging backend, as a scoring-only application's.
 */
class ReadmeExampleTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern CLASS_NAME = Pattern.compile("public class (\\w+)");

  @TempDir
  static Path work;

  private static Path classes;
  private static final Map<String, String> SOURCES = new LinkedHashMap<>();

  @BeforeAll
  static void compileTheReadmePrograms() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    String section = readme.substring(readme.indexOf("## Use from Java"));
    section = section.substring(0, section.indexOf("\n## ", 5));
    Matcher m = JAVA_BLOCK.matcher(section);
    Path src = Files.createDirectories(work.resolve("src"));
    List<String> files = new ArrayList<>();
    while (m.find()) {
      Matcher name = CLASS_NAME.matcher(m.group(1));
      assertTrue(name.find(), "every Java block of the section is a whole program:\n" + m.group(1));
      Path f = src.resolve(name.group(1) + ".java");
      Files.writeString(f, m.group(1));
      files.add(f.toString());
      SOURCES.put(name.group(1), m.group(1));
    }
    assertEquals(List.of("Quickstart", "ScoreAFile"), List.copyOf(SOURCES.keySet()));
    for (String program : SOURCES.values()) {
      assertTrue(program.lines().count() < 30, "a program under 30 lines:\n" + program);
    }
    classes = Files.createDirectories(work.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
        "-Xlint:all,-path", "-Werror"));
    args.addAll(files);
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int rc = javac.run(null, errors, errors, args.toArray(String[]::new));
    assertEquals(0, rc, "the README's programs compile without warnings:\n" + errors);
  }

  private static String run(String program, Path out) throws Exception {
    PrintStream saved = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        ReadmeExampleTest.class.getClassLoader())) {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      Method main = loader.loadClass(program).getMethod("main", String[].class);
      main.invoke(null, (Object) new String[] {".", out.toString()});
    } finally {
      System.setOut(saved);
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    System.out.print(text);
    return text;
  }

  @Test
  void quickstartClassifiesTrainsWithACallbackAndExports() throws Exception {
    Path out = Files.createDirectories(work.resolve("quickstart"));
    String printed = run("Quickstart", out);
    assertTrue(printed.contains("the face looks happy"), printed);
    assertTrue(printed.contains("epoch 0: val_accuracy 0."), "the callback saw the epoch's logs: " + printed);
    Path onnx = out.resolve("quickstart.onnx");
    assertTrue(printed.contains("wrote " + onnx), printed);
    try (FerModel exported = FerModel.load(onnx)) {
      float sum = 0;
      for (float v : exported.predict(Path.of("data/faces/synthetic-sad.png")).probabilities()) {
        sum += v;
      }
      assertEquals(1, sum, 1e-4, "the exported file is a working classifier");
    }
    try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("fer-training-")
          && f.toFile().lastModified() > System.currentTimeMillis() - 60_000 && Files.exists(f.resolve("run-config.json"))
          && !Files.exists(f.resolve(".fer-lock"))),
          "closing the trained model removed its temporary run folder");
    }
  }

  @Test
  void scoringWritesThePredictionsFileAndAnalysisReadsIt() throws Exception {
    Path out = Files.createDirectories(work.resolve("score"));
    String printed = run("ScoreAFile", out);
    double accuracy = Analysis.of(out.resolve("predictions.csv")).accuracy();
    assertTrue(printed.contains(String.format(Locale.ROOT, "accuracy %.3f", accuracy)), printed);
    assertTrue(accuracy > 0.3, "the shipped model reads synthetic faces better than chance: " + accuracy);
    assertTrue(Files.isRegularFile(out.resolve("predictions.json")), "the side file is written too");
  }

  @Test
  void scoringNeedsNeitherTensorFlowNorALoggingBackend() throws Exception {
    // the library's runtime dependencies (Maven gives them; not Spark, which is provided) minus the optional ones
    String runtime = System.getProperty("fer.runtime.classpath") == null ? System.getProperty("java.class.path")
        : Path.of("target/classes").toAbsolutePath() + File.pathSeparator + System.getProperty("fer.runtime.classpath");
    String cp = List.of(runtime.split(File.pathSeparator)).stream()
        .filter(e -> !e.contains("tensorflow") && !e.contains("protobuf") && !e.contains("slf4j-simple")
            && !e.contains("junit") && !e.contains("bytedeco"))
        .collect(Collectors.joining(File.pathSeparator));
    Path out = Files.createDirectories(work.resolve("scoring-only"));
    Path log = work.resolve("scoring-only.log");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        cp + File.pathSeparator + classes, "ScoreAFile", ".", out.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished");
    String text = Files.readString(log);
    assertEquals(0, p.exitValue(), text);
    assertTrue(text.contains("accuracy 0."), text);
    assertTrue(Files.isRegularFile(out.resolve("predictions.csv")));
  }
}
