package org.fertk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layering, read from the sources: cli, study, analysis/onnx, train/score, model,
 * data, util, with no cycle. The root package counts as two nodes: its contract types (used by
 * the layers) and its façades (using them).
 */
class LayeringTest {
  private static final Path ROOT = Path.of("src/main/java/org/fertk");
  private static final Set<String> CONTRACT = Set.of("Emotion", "Prediction", "Callback", "FaceBox", "DetectedFace", "TrackedFace",
      "FerException");
  private static final Pattern PACKAGE_REF = Pattern.compile("org\\.fertk\\.([a-z]+(?:\\.[a-z]+)*)\\.[A-Z]");
  private static final Pattern ROOT_REF = Pattern.compile("org\\.fertk\\.([A-Z]\\w*)");

  private static String node(Path file) {
    Path rel = ROOT.relativize(file.getParent());
    if (rel.toString().isEmpty()) {
      String name = file.getFileName().toString().replace(".java", "");
      return CONTRACT.contains(name) || name.equals("package-info") ? "api-contract" : "api-facade";
    }
    return unit(rel.toString().replace('/', '.'));
  }

  /** The layers are the model package's plug-ins: one unit with it. */
  private static String unit(String pkg) {
    return pkg.equals("model.layers") ? "model" : pkg;
  }

  private static Map<String, Set<String>> graph() throws Exception {
    Map<String, Set<String>> g = new TreeMap<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("package-info.java")).toList()) {
        String from = node(f);
        Set<String> to = g.computeIfAbsent(from, k -> new TreeSet<>());
        // code only: Javadoc may mention any type
        String text = Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
        Matcher m = PACKAGE_REF.matcher(text);
        while (m.find()) {
          to.add(unit(m.group(1)));
        }
        Matcher r = ROOT_REF.matcher(text);
        while (r.find()) {
          to.add(CONTRACT.contains(r.group(1)) ? "api-contract" : "api-facade");
        }
        // same-package use of the root's types needs no import
        if (from.startsWith("api-")) {
          for (String t : List.of("FerModel", "Training", "TrainedModel")) {
            if (!f.getFileName().toString().equals(t + ".java") && Pattern.compile("\\b" + t + "\\b").matcher(text).find()) {
              to.add("api-facade");
            }
          }
        }
        to.remove(from);
      }
    }
    return g;
  }

  @Test
  void packagesFormNoCycle() throws Exception {
    Map<String, Set<String>> g = graph();
    Map<String, Integer> state = new HashMap<>();
    List<String> path = new ArrayList<>();
    for (String n : g.keySet()) {
      visit(n, g, state, path);
    }
  }

  private static void visit(String n, Map<String, Set<String>> g, Map<String, Integer> state, List<String> path) {
    Integer s = state.get(n);
    if (s != null && s == 2) {
      return;
    }
    path.add(n);
    assertTrue(s == null, "package cycle: " + String.join(" -> ", path));
    state.put(n, 1);
    for (String m : g.getOrDefault(n, Set.of())) {
      visit(m, g, state, path);
    }
    state.put(n, 2);
    path.remove(path.size() - 1);
  }

  @Test
  void theContractTypesDependOnNothingAndOnlyTheCliAndTestsUseTheFacades() throws Exception {
    Map<String, Set<String>> g = graph();
    assertEquals(Set.of(), g.get("api-contract"), "the contract types stand alone");
    for (Map.Entry<String, Set<String>> e : g.entrySet()) {
      // the CLI and its benchmarks are the library's clients (the benchmarks time the public API)
      if (!e.getKey().equals("cli") && !e.getKey().equals("bench") && !e.getKey().startsWith("api-")) {
        assertTrue(!e.getValue().contains("api-facade"), e.getKey() + " uses a façade");
      }
    }
  }

  /**
   * The run-folder format stands apart from training (issue 36, item 4): it depends on util alone (and the contract types),
   * Keras import reads run folders without the trainer, and analysis takes from train only the
   * settings' key names (TrainOptions.normalize, until the settings table replaces it).
   */
  @Test
  void theRunFolderFormatStandsApartFromTraining() throws Exception {
    Map<String, Set<String>> g = graph();
    assertEquals(Set.of("api-contract", "util"), g.get("run"), "run depends on util (and FerException) only");
    assertTrue(!g.get("keras").contains("train"), "keras reads run folders without the trainer: " + g.get("keras"));
    try (Stream<Path> files = Files.list(ROOT.resolve("analysis"))) {
      for (Path f : files.toList()) {
        Matcher m = Pattern.compile("org\\.fertk\\.train\\.(\\w+)").matcher(Files.readString(f));
        while (m.find()) {
          assertEquals("TrainOptions", m.group(1), f + " imports train." + m.group(1));
        }
      }
    }
  }

  /**
   * The CLI's files refer to one another without a loop (issue 36, item 7): commands share what
   * they share through helpers (option mixins, SplitOption, ExportReport, SparkClasspath) and see
   * fer's own options through RootOptions, never through another command or FerCli.
   */
  @Test
  void theCliFilesFormNoLoop() throws Exception {
    Map<String, Set<String>> refs = new TreeMap<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(ROOT.resolve("cli"))) {
      files = s.filter(p -> p.toString().endsWith(".java") && !p.endsWith("package-info.java")).toList();
    }
    Set<String> names = new TreeSet<>();
    files.forEach(f -> names.add(f.getFileName().toString().replace(".java", "")));
    for (Path f : files) {
      String me = f.getFileName().toString().replace(".java", "");
      String code = Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
      Set<String> to = new TreeSet<>();
      for (String n : names) {
        if (!n.equals(me) && Pattern.compile("\\b" + n + "\\b").matcher(code).find()) {
          to.add(n);
        }
      }
      refs.put(me, to);
    }
    Map<String, Integer> state = new HashMap<>();
    for (String n : refs.keySet()) {
      visit(n, refs, state, new ArrayList<>());
    }
  }

  @Test
  void theTrainersHelpersDoNotImportTheTrainer() throws Exception {
    try (Stream<Path> files = Files.list(ROOT.resolve("train"))) {
      for (Path f : files.toList()) {
        if (!f.getFileName().toString().equals("Trainer.java")) {
          assertTrue(!Pattern.compile("\\bTrainer\\b").matcher(Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", ""))
              .find(), f + " refers to Trainer");
        }
      }
    }
  }

  /**
   * The library names settings, the command line names flags (issue 36, item 5): no string in
   * the library's code spells a flag; messages name a setting's key and say so with
   * FerException.naming, which the CLI renders as the flag.
   */
  @Test
  void noLibraryMessageSpellsACommandLineFlag() throws Exception {
    List<String> found = new ArrayList<>();
    Pattern flag = Pattern.compile("\"[^\"\\n]*(?<![\\w-])--[a-z][a-z-]*[^\"\\n]*\"");
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String pkg = ROOT.relativize(f.getParent()).toString();
        if (pkg.equals("cli") || pkg.equals("bench")) { // the command line itself, and benchmarks that start it
          continue;
        }
        String code = Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)^\\s*//.*$", "");
        Matcher m = flag.matcher(code);
        while (m.find()) {
          found.add(ROOT.relativize(f) + ": " + m.group());
        }
      }
    }
    assertEquals(List.of(), found);
  }
}
