package org.fertk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.data.FaceImages;
import org.fertk.data.SyntheticFaces;
import org.fertk.onnx.OnnxGraph;
import org.fertk.onnx.OnnxOp;
import org.fertk.score.Predictions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train -> export -> score / predict through the CLI, and the bad inputs of each. */
class ScoreCliTest {
  @TempDir
  static Path dir;

  static Path run;
  static Path onnx;
  static Path data;

  @BeforeAll
  static void trainAndExport() {
    run = dir.resolve("run");
    data = dir.resolve("faces.csv");
    CliTest.Run e = CliTest.trainAndExport(data, run, "graphs/paper-cnn-lstm.json", 140, 9, 1);
    assertTrue(e.out().contains("| verdict                                      | PASS"), e.out());
    onnx = run.resolve("model.onnx");
  }

  private static List<String[]> rows(Path csv) throws Exception {
    return Files.readAllLines(csv).stream().skip(1).map(l -> l.split(",", -1)).toList();
  }

  @Test
  void scoresASplitWithProbabilitiesThatSumToOne() throws Exception {
    Path out = dir.resolve("pred.csv");
    CliTest.Run r = CliTest.run("score", "--model", onnx.toString(), "--data", data.toString(), "--split", "PublicTest",
        "--out", out.toString(), "--batch-size", "7");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("img/s; per-batch latency p50"), r.out());
    assertEquals(Predictions.HEADER + ",source", Files.readAllLines(out).get(0));
    assertEquals("index,true_label,pred_label,p_angry,p_disgust,p_fear,p_happy,p_sad,p_surprise,p_neutral",
        Predictions.HEADER);
    List<String[]> rows = rows(out);
    assertEquals(28, rows.size());
    for (String[] row : rows) {
      double sum = 0;
      int best = 0;
      for (int c = 0; c < 7; c++) {
        double p = Double.parseDouble(row[3 + c]);
        sum += p;
        best = p > Double.parseDouble(row[3 + best]) ? c : best;
      }
      assertEquals(1.0, sum, 1e-5);
      assertEquals(best, Integer.parseInt(row[2]));
      assertFalse(row[1].isEmpty());
    }
  }

  @Test
  void engineTfTtaAndEnsemble() throws Exception {
    Path ort = dir.resolve("ort.csv");
    Path tf = dir.resolve("tf.csv");
    Path tta = dir.resolve("tta.csv");
    Path ens = dir.resolve("ens.csv");
    assertEquals(0, CliTest.run("score", "--model", onnx.toString(), "--data", data.toString(), "--out", ort.toString(), "-q").code());
    assertEquals(0, CliTest.run("score", "--engine", "tf", "--model", run.toString(), "--data", data.toString(),
        "--out", tf.toString(), "-q").code());
    assertEquals(0, CliTest.run("score", "--model", onnx.toString(), "--data", data.toString(), "--tta", "flip",
        "--out", tta.toString(), "-q").code());
    assertEquals(0, CliTest.run("score", "--model", onnx + "," + onnx, "--data", data.toString(),
        "--out", ens.toString(), "-q").code());
    List<String[]> a = rows(ort);
    List<String[]> b = rows(tf);
    List<String[]> c = rows(tta);
    List<String[]> d = rows(ens);
    boolean ttaDiffers = false;
    for (int i = 0; i < a.size(); i++) {
      for (int k = 3; k < 10; k++) {
        double pa = Double.parseDouble(a.get(i)[k]);
        assertEquals(pa, Double.parseDouble(b.get(i)[k]), 1e-4, "ORT vs TF");
        assertEquals(pa, Double.parseDouble(d.get(i)[k]), 1e-6, "ensemble of a model with itself");
        ttaDiffers |= Math.abs(pa - Double.parseDouble(c.get(i)[k])) > 1e-4;
      }
    }
    assertTrue(ttaDiffers, "mirror images change the averaged probabilities");
  }

  @Test
  void tenCropTtaAndABadTtaName() throws Exception {
    Path plain = dir.resolve("plain.csv");
    Path crops = dir.resolve("crops.csv");
    assertEquals(0, CliTest.run("score", "--model", onnx.toString(), "--data", data.toString(), "--out", plain.toString(), "-q").code());
    CliTest.Run r = CliTest.run("score", "--model", onnx.toString(), "--data", data.toString(), "--tta", "crops",
        "--out", crops.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("+ crops TTA (10 views)"), r.out());
    List<String[]> a = rows(plain);
    List<String[]> c = rows(crops);
    assertEquals(a.size(), c.size());
    double maxDiff = 0;
    for (int i = 0; i < a.size(); i++) {
      double sum = 0;
      for (int k = 3; k < 10; k++) {
        sum += Double.parseDouble(c.get(i)[k]);
        maxDiff = Math.max(maxDiff, Math.abs(Double.parseDouble(a.get(i)[k]) - Double.parseDouble(c.get(i)[k])));
      }
      assertEquals(1.0, sum, 1e-5, "an average of distributions is a distribution");
    }
    assertTrue(maxDiff > 1e-4, "shifted views change the averaged probabilities");
    CliTest.Run bad = CliTest.run("score", "--model", onnx.toString(), "--data", data.toString(), "--tta", "rotate",
        "--out", dir.resolve("bad.csv").toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--tta must be none, flip or crops, got 'rotate'"), bad.err());
    assertFalse(Files.exists(dir.resolve("bad.csv")));
  }

  @Test
  void predictPrintsTopThreeOrJson() throws Exception {
    Path png = dir.resolve("face.png");
    assertEquals(0, CliTest.run("data", "show", data.toString(), "--out", png.toString(), "--per-class", "1").code());
    // a grid of faces, not a photo: classified whole, as one face
    CliTest.Run r = CliTest.run("predict", "--model", onnx.toString(), "--no-detect", png.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().matches("(?s).*face\\.png: \\w+ \\d+\\.\\d%, \\w+ \\d+\\.\\d%, \\w+ \\d+\\.\\d%\\n"), r.out());
    CliTest.Run j = CliTest.run("predict", "--model", onnx.toString(), "--json", "--no-detect", "--center-crop",
        png.toString());
    assertTrue(j.out().contains("\"emotion\""), j.out());
    CliTest.Run t = CliTest.run("predict", "--model", onnx.toString(), "--no-detect", "--tta", "crops", png.toString());
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().matches("(?s).*face\\.png: \\w+ \\d+\\.\\d%, .*"), t.out());
  }

  @Test
  void analyzeAndCompareTwoRuns() throws Exception {
    Path second = dir.resolve("run2");
    assertEquals(0, CliTest.run("train", "--graph", "graphs/paper-cnn-lstm.json", "--data", data.toString(),
        "--epochs", "2", "--seed", "5", "--out", second.toString(), "-q").code());
    assertEquals(0, CliTest.run("export", "--model", second.toString(), "--no-verify").code());
    for (Path r : List.of(run, second)) {
      CliTest.Run s = CliTest.run("score", "--model", r.resolve("model.onnx").toString(), "--data", data.toString(),
          "--split", "PublicTest", "--out", r.resolve("predictions-PublicTest.csv").toString(), "-q");
      assertEquals(0, s.code(), s.err());
      assertTrue(Files.exists(r.resolve("predictions-PublicTest.json")), "throughput sidecar");
    }
    Path analysis = dir.resolve("analysis");
    CliTest.Run a = CliTest.run("analyze", run.resolve("predictions-PublicTest.csv").toString(), "--run", run.toString(),
        "--data", data.toString(), "--split", "PublicTest", "--out", analysis.toString());
    assertEquals(0, a.code(), a.err());
    assertTrue(a.out().contains("faces: accuracy "), a.out());
    assertTrue(Files.exists(analysis.resolve("report.html")));
    assertTrue(Files.exists(analysis.resolve("samples.png")));
    // issue 35, item 20: the report says what was scored, from the predictions' side file
    String report = Files.readString(analysis.resolve("report.md"));
    assertTrue(report.contains("## What was scored") && report.contains("Model `" + run.resolve("model.onnx") + "` (ort)")
        && report.contains("split PublicTest; test-time augmentation: none"), report);
    assertFalse(report.contains("Rare classes (disgust)"), "no boilerplate about disgust");
    Path cmp = dir.resolve("compare");
    CliTest.Run c = CliTest.run("compare", run.toString(), second.toString(), "--names", "one,two", "--out", cmp.toString());
    assertEquals(0, c.code(), c.err());
    assertTrue(c.out().contains("| 1 | one |"), c.out());
    assertTrue(c.out().contains("| one | two |"), c.out());
    String md = Files.readString(cmp.resolve("report.md"));
    assertTrue(md.contains("McNemar") && md.contains("p-value"), md);
    assertTrue(md.contains("](overlay-roc.png)") && md.contains("](overlay-f1.png)") && md.contains("](overlay-reliability.png)")
        && md.contains("](run2-confusion.png)"), md);
    assertFalse(md.contains("](run-roc.png)"), "one overlaid ROC figure, not one per model");
    // the same network trained twice: the model names clash, so the folder names label the runs
    Path again = Files.createDirectories(dir.resolve("again"));
    for (String f : List.of("manifest.json", "history.csv", "predictions-PublicTest.csv")) {
      Files.copy(run.resolve(f), again.resolve(f));
    }
    CliTest.Run same = CliTest.run("compare", run.toString(), again.toString(), "--out", dir.resolve("same").toString());
    assertEquals(0, same.code(), same.err());
    assertTrue(same.out().contains("| run | again |"), same.out());
    // folders of the same name in different places: the paths label them, figures are numbered apart
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path twin = Files.createDirectories(elsewhere.resolve("run"));
    for (String f : List.of("manifest.json", "predictions-PublicTest.csv")) {
      Files.copy(run.resolve(f), twin.resolve(f));
    }
    Path twins = dir.resolve("twins");
    CliTest.Run t = CliTest.run("compare", run.toString(), twin.toString(), "--out", twins.toString());
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("| " + run + " | " + twin + " |"), t.out());
    String twinsMd = Files.readString(twins.resolve("report.md"));
    assertTrue(twinsMd.contains("](1-run-confusion.png)") && twinsMd.contains("](2-run-confusion.png)"), twinsMd);
    CliTest.Run alike = CliTest.run("compare", run.toString(), second.toString(), "--names", "one,one", "--out",
        dir.resolve("alike").toString());
    assertEquals(2, alike.code());
    assertTrue(alike.err().contains("--names must give distinct labels, got [one, one]"), alike.err());
    assertFalse(Files.exists(dir.resolve("alike")));
    CliTest.Run missing = CliTest.run("compare", run.toString(), dir.toString(), "--out", dir.resolve("x").toString());
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("no predictions-PublicTest.csv or predictions-test.csv (score it first"),
        missing.err());
    Path absent = dir.resolve("no-such-run");
    CliTest.Run gone = CliTest.run("compare", run.toString(), absent.toString(), "--out", dir.resolve("x").toString());
    assertEquals(1, gone.code());
    assertTrue(gone.err().contains(absent + ": run folder not found"), gone.err());
    // a study's runs hold predictions-test.csv only: compare finds them without --split
    for (Path r : List.of(run, second)) {
      Path studyRun = Files.createDirectories(dir.resolve("study-" + r.getFileName()));
      Files.copy(r.resolve("predictions-PublicTest.csv"), studyRun.resolve("predictions-test.csv"));
    }
    CliTest.Run s = CliTest.run("compare", dir.resolve("study-" + run.getFileName()).toString(),
        dir.resolve("study-run2").toString(), "--out", dir.resolve("cmp-study").toString());
    assertEquals(0, s.code(), s.err());
    assertTrue(s.out().contains("| study-run2 |"), s.out());
    CliTest.Run named = CliTest.run("compare", run.toString(), "--split", "test", "--out", dir.resolve("y").toString());
    assertEquals(1, named.code());
    assertTrue(named.err().contains("no predictions-test.csv (score it first"), named.err());
  }

  // ---- bad input: one message, exit 1, no output file

  private static void fails(String expected, String... args) {
    CliTest.Run r = CliTest.run(args);
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace");
  }

  @Test
  void notAnOnnxFile() throws Exception {
    Path fake = dir.resolve("fake.onnx");
    Files.writeString(fake, "this is not a model");
    Path out = dir.resolve("never.csv");
    fails(fake + ": not a loadable ONNX model (the file does not parse as ONNX)", "score", "--model", fake.toString(),
        "--data", data.toString(), "--out", out.toString());
    assertFalse(Files.exists(out));
  }

  @Test
  void modelWithTheWrongInput() throws Exception {
    OnnxGraph g = new OnnxGraph("wrong");
    g.addInput("x", -1, 10);
    g.add(OnnxOp.SOFTMAX, "probs", List.of("x"), Map.of("axis", -1L));
    g.addOutput("probs", -1, 10);
    Path m = dir.resolve("wrong.onnx");
    Files.write(m, g.toModel(8, 17, "test", "0", Map.of()).toByteArray());
    fails("incompatible model: input 'x' has shape [-1, 10], expected [N, 48, 48, 1]",
        "score", "--model", m.toString(), "--data", data.toString(), "--out", dir.resolve("x.csv").toString());
  }

  @Test
  void undecodableImageEmptyFolderAndMissingSplit() throws Exception {
    Path broken = dir.resolve("broken.png");
    Files.writeString(broken, "garbage");
    fails(broken + ": cannot decode image", "predict", "--model", onnx.toString(), broken.toString());
    Path empty = Files.createDirectories(dir.resolve("empty/train/happy"));
    fails("no images found", "score", "--model", onnx.toString(), "--data", empty.getParent().getParent().toString(),
        "--out", dir.resolve("e.csv").toString());
    fails("no PrivateTest rows", "score", "--model", onnx.toString(), "--data", data.toString(), "--split", "PrivateTest",
        "--out", dir.resolve("s.csv").toString());
    assertFalse(Files.exists(dir.resolve("e.csv")));
    assertFalse(Files.exists(dir.resolve("s.csv")));
  }

  @Test
  void anImageFolderIsStreamedAndScoresAsItsFilesDo() throws Exception {
    FaceDataset faces = new SyntheticFaces(5).generate(30, 0);
    Path root = dir.resolve("folder");
    List<String> files = new ArrayList<>();
    for (int i = 0; i < faces.size(); i++) {
      Path f = root.resolve("train").resolve(Emotion.keys()[faces.label(i)]).resolve("f" + i + ".png");
      Files.createDirectories(f.getParent());
      javax.imageio.ImageIO.write(FaceImages.toImage(faces, i), "png", f.toFile());
      files.add(f.toString());
    }
    Path streamed = dir.resolve("folder.csv");
    CliTest.Run r = CliTest.run("score", "--model", onnx.toString(), "--data", root.toString(), "--out", streamed.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("accuracy "), r.out());
    assertTrue(r.err().contains("split folders train -> Training"), r.err());
    List<String> args = new ArrayList<>(List.of("score", "--model", onnx.toString(), "--out",
        dir.resolve("files.csv").toString(), "--data"));
    args.addAll(files);
    assertEquals(0, CliTest.run(args.toArray(String[]::new)).code());
    Map<String, String[]> byFile = new HashMap<>();
    rows(dir.resolve("files.csv")).forEach(row -> byFile.put(row[10], row));
    List<String[]> got = rows(streamed);
    assertEquals(30, got.size());
    for (String[] row : got) {
      String[] want = byFile.get(row[10]);
      for (int c = 2; c < 10; c++) {
        assertEquals(want[c], row[c], row[10]);
      }
    }
  }

  /** Issue 35, item 19: streaming a split on a terminal shows a known total, so a percentage and time left. */
  @Test
  void theScoringBarKnowsItsTotal() throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), FerCli.class.getName(),
        "score", "--model", onnx.toString(), "--data", data.toString(), "--split", "PublicTest", "--out",
        dir.resolve("bar.csv").toString()).redirectError(dir.resolve("bar-err.txt").toFile())
        .redirectOutput(dir.resolve("bar-out.txt").toFile());
    pb.environment().put("FER_STDERR_TTY", "1");
    Process p = pb.start();
    assertTrue(p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES));
    String err = Files.readString(dir.resolve("bar-err.txt"));
    assertEquals(0, p.exitValue(), err);
    assertTrue(err.contains("/28 img"), err);
    assertFalse(err.contains("? %"), err);
    assertEquals(-1, org.fertk.data.Fer2013CsvReader.countRows(dir.resolve("missing.csv"), null));
    assertEquals(140, org.fertk.data.Fer2013CsvReader.countRows(data, null));
  }
}
