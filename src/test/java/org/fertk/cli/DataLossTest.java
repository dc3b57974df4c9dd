package org.fertk.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.fertk.FerModel;
import org.fertk.FerException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs never replace what a command reads, the files inside a model or run folder included,
 * nor a file a side output would land on (issue 35, items 2 and 3).
 */
class DataLossTest {
  @TempDir
  static Path shared;

  static Path run;
  static Path data;

  @TempDir
  Path dir;

  @BeforeAll
  static void trainAndExport() {
    run = shared.resolve("run");
    data = shared.resolve("faces.csv");
    CliTest.trainAndExport(data, run, "graphs/paper-cnn-lstm.json", 140, 9, 1);
  }

  private static void assertRefusedAndUnchanged(Path target, String... args) throws Exception {
    byte[] before = Files.readAllBytes(target);
    CliTest.Run r = CliTest.run(args);
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains(target + ": is one of this command's inputs"), r.err());
    assertArrayEquals(before, Files.readAllBytes(target), target + " kept");
  }

  @Test
  void exportNeverWritesOverTheModelItReads() throws Exception {
    for (String f : new String[] {"saved_model/saved_model.pb", "spec.json", "history.csv", "manifest.json"}) {
      Path target = run.resolve(f);
      assertRefusedAndUnchanged(target, "export", "--model", run.toString(), "--out", target.toString(), "--no-verify");
    }
    Path sm = run.resolve("saved_model");
    Path pb = sm.resolve("saved_model.pb");
    assertRefusedAndUnchanged(pb, "export", "--saved-model", sm.toString(), "--out", pb.toString());
    // the default output beside the SavedModel is still written
    assertEquals(0, CliTest.run("export", "--model", run.toString(), "--no-verify").code());
  }

  @Test
  void scoringThroughTheLibraryNeverWritesOverItsModel() throws Exception {
    Path model = dir.resolve("m/model.onnx");
    Files.createDirectories(model.getParent());
    Files.copy(run.resolve("model.onnx"), model);
    byte[] before = Files.readAllBytes(model);
    for (Path loaded : new Path[] {model, model.getParent()}) {
      try (FerModel m = FerModel.load(loaded)) {
        FerException e = assertThrows(FerException.class, () -> m.score(data, model));
        assertTrue(e.getMessage().contains("is one of this command's inputs"), e.getMessage());
      }
    }
    assertArrayEquals(before, Files.readAllBytes(model));
    try (FerModel m = FerModel.load(run, FerModel.Options.defaults().runtime(FerModel.Runtime.TENSORFLOW))) {
      Path spec = run.resolve("spec.json");
      byte[] specBefore = Files.readAllBytes(spec);
      assertThrows(FerException.class, () -> m.score(data, spec));
      assertArrayEquals(specBefore, Files.readAllBytes(spec));
    }
  }

  @Test
  void aSideFileNeverReplacesSomebodyElsesFile() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("r"));
    Path config = folder.resolve("run-config.json");
    Files.writeString(config, "{\"lr\": 0.001}\n");
    Path out = folder.resolve("run-config.csv");
    CliTest.Run r = CliTest.run("score", "--model", run.toString(), "--data", data.toString(), "--out", out.toString(),
        "-q");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains(config + ": exists and is not the side file of a predictions file"), r.err());
    assertEquals("{\"lr\": 0.001}\n", Files.readString(config));
    assertFalse(Files.exists(out), "nothing written");
    // the run's own manifest, through the library
    try (FerModel m = FerModel.load(run)) {
      Path manifest = dir.resolve("manifest.json");
      Files.copy(run.resolve("manifest.json"), manifest);
      assertThrows(FerException.class, () -> m.score(data, dir.resolve("manifest.csv")));
      assertArrayEquals(Files.readAllBytes(run.resolve("manifest.json")), Files.readAllBytes(manifest));
    }
    // a side file of an earlier scoring is ours to replace, and the command names both files
    Path again = folder.resolve("p.csv");
    for (int i = 0; i < 2; i++) {
      CliTest.Run ok = CliTest.run("score", "--model", run.toString(), "--data", data.toString(), "--out",
          again.toString(), "-q");
      assertEquals(0, ok.code(), ok.err());
      assertTrue(ok.out().contains("wrote " + again + " and " + folder.resolve("p.json")), ok.out());
    }
  }

  private static Path copyOfTheRun(Path to) throws Exception {
    try (var walk = Files.walk(run)) {
      for (Path f : (Iterable<Path>) walk::iterator) {
        Path t = to.resolve(run.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(t);
        } else {
          Files.copy(f, t);
        }
      }
    }
    return to;
  }

  /** Issue 35, item 8: a resumed run's ONNX export follows its new weights; a locked run is not exported. */
  @Test
  void aResumedRunNeverKeepsAStaleOnnxExport() throws Exception {
    Path copy = copyOfTheRun(dir.resolve("run"));
    byte[] before = Files.readAllBytes(copy.resolve("model.onnx"));
    CliTest.Run resumed = CliTest.run("train", "--resume", "--out", copy.toString(), "--epochs", "2", "-q");
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.out().contains(copy.resolve("model.onnx") + " held the earlier weights"), resumed.out());
    assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(copy.resolve("model.onnx"))));
    Path ort = dir.resolve("ort.csv");
    Path tf = dir.resolve("tf.csv");
    assertEquals(0, CliTest.run("score", "--model", copy.toString(), "--data", data.toString(), "--out", ort.toString(),
        "-q").code());
    assertEquals(0, CliTest.run("score", "--model", copy.toString(), "--engine", "tf", "--data", data.toString(),
        "--out", tf.toString(), "-q").code());
    java.util.List<String> a = Files.readAllLines(ort);
    java.util.List<String> b = Files.readAllLines(tf);
    for (int i = 1; i < a.size(); i++) {
      String[] x = a.get(i).split(",");
      String[] y = b.get(i).split(",");
      for (int c = 3; c < 10; c++) {
        assertEquals(Double.parseDouble(x[c]), Double.parseDouble(y[c]), 1e-4, "face " + i + ": " + a.get(i) + " / " + b.get(i));
      }
    }
    try (org.fertk.util.FolderLock held = org.fertk.util.FolderLock.acquire(copy)) {
      CliTest.Run locked = CliTest.run("export", "--model", copy.toString(), "--no-verify");
      assertEquals(1, locked.code(), locked.err());
      assertTrue(locked.err().contains(copy + ": in use by another fer process"), locked.err());
    }
  }

  /** Issue 35, item 16: a job writing several files refuses an input among them before writing any. */
  @Test
  void multiFileOutputsAreRefusedBeforeAnythingIsWritten() throws Exception {
    Path report = Files.createDirectories(dir.resolve("report"));
    Path preds = report.resolve("roc-points.csv");
    assertEquals(0, CliTest.run("score", "--model", run.toString(), "--data", data.toString(), "--out",
        report.resolve("p.csv").toString(), "-q").code());
    Files.move(report.resolve("p.csv"), preds);
    Files.delete(report.resolve("p.json"));
    CliTest.Run a = CliTest.run("analyze", preds.toString(), "--out", report.toString(), "-q");
    assertEquals(1, a.code(), a.out());
    assertTrue(a.err().contains(preds + ": is one of this command's inputs"), a.err());
    try (var files = Files.list(report)) {
      assertEquals(java.util.List.of(preds), files.toList(), "nothing written beside the input");
    }
    Path runDir = Files.createDirectories(dir.resolve("new-run"));
    Path spec = Files.copy(Path.of("graphs/paper-cnn-lstm.json"), runDir.resolve("spec.json"));
    CliTest.Run t = CliTest.run("train", "--graph", spec.toString(), "--synthetic", "70", "--epochs", "1", "--out",
        runDir.toString(), "-q");
    assertEquals(1, t.code(), t.out());
    try (var files = Files.list(runDir)) {
      assertEquals(java.util.List.of(spec), files.toList(), "no run-config.json written");
    }
  }

  /** Issue 35, item 16: an import whose last step (the ONNX export's parity check) fails leaves nothing. */
  @Test
  void aFailedImportLeavesNothingBehind() throws Exception {
    Path keras = Path.of("src/test/resources/keras/separable.keras");
    Path out = dir.resolve("imported");
    FerException e = assertThrows(FerException.class, () -> org.fertk.keras.KerasImport.run(keras, out,
        new org.fertk.keras.KerasImport.Options(null, "0..1"), 1, written -> {
          assertTrue(Files.isRegularFile(written.resolve("spec.json")));
          throw new FerException("parity check failed, nothing written");
        }));
    assertTrue(e.getMessage().contains("nothing written"));
    assertFalse(Files.exists(out), "no spec.json, manifest.json or saved_model/ left");
    try (var files = Files.list(dir)) {
      assertEquals(java.util.List.of(), files.map(Path::toString).filter(n -> n.contains("imported")).toList());
    }
    CliTest.Run ok = CliTest.run("import", "keras", keras.toString(), "--out", out.toString());
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.out().contains("wrote " + out.resolve("model.onnx")), ok.out());
    assertTrue(Files.isRegularFile(out.resolve("model.onnx")));
  }

  /** Issue 35, item 16: a scoring stopped by SIGTERM removes its temporary predictions file. */
  @Test
  void aStoppedScoringLeavesNoTemporaryFile() throws Exception {
    Path big = dir.resolve("big.csv");
    assertEquals(0, CliTest.run("data", "synth", "--n", "20000", "--out", big.toString()).code());
    Path outDir = Files.createDirectories(dir.resolve("scored"));
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), FerCli.class.getName(), "score",
        "--model", "models/paper-cnn", "--data", big.toString(), "--tta", "crops", "--out",
        outDir.resolve("p.csv").toString(), "-q").redirectErrorStream(true)
        .redirectOutput(dir.resolve("log.txt").toFile()).start();
    try {
      long deadline = System.nanoTime() + 60_000_000_000L;
      boolean started = false;
      while (!started && p.isAlive() && System.nanoTime() < deadline) {
        try (var files = Files.list(outDir)) {
          started = files.anyMatch(f -> f.getFileName().toString().endsWith(".fer-tmp"));
        }
        Thread.sleep(20);
      }
      assertTrue(started, "the temporary file appeared: " + Files.readString(dir.resolve("log.txt")));
      p.destroy(); // SIGTERM
      assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
      try (var files = Files.list(outDir)) {
        assertEquals(java.util.List.of(), files.toList(), "no temporary file, no half-written output");
      }
    } finally {
      p.destroyForcibly();
    }
  }
}
