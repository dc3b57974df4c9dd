package org.fertk.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.fertk.data.FaceDataset;
import org.fertk.data.SyntheticFaces;
import org.fertk.score.Predictions;
import org.fertk.run.EpochLog;
import org.fertk.FerException;
import org.fertk.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalysisTest {
  @TempDir
  Path dir;

  /** One-hot-ish probabilities that put most mass on the predicted class. */
  static double[][] proba(int[] pred, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] p = new double[pred.length][7];
    for (int i = 0; i < pred.length; i++) {
      double rest = 0;
      for (int c = 0; c < 7; c++) {
        p[i][c] = c == pred[i] ? 0 : r.nextDouble() * 0.1;
        rest += p[i][c];
      }
      p[i][pred[i]] = 1 - rest;
    }
    return p;
  }

  @Test
  void comparisonNoteSummarisesTheSettingsWhenNoPlanGaveOne() throws Exception {
    var hp = Json.MAPPER.readTree("""
        {"optimizer": {"name": "sgd", "learningRate": 0.01, "nesterov": true}, "batchSize": 64,
         "augment": "standard", "classWeight": "balanced", "l2": 1.0E-4, "labelSmoothing": 0.0,
         "lrSchedule": "cosine", "earlyStopping": {"monitor": "val_loss", "patience": 10}}""");
    assertEquals("sgd lr 0.01 nesterov, batch 64, aug standard, class weights balanced, l2 1.0E-4, cosine schedule, "
        + "early stopping val_loss/10", Comparison.settingsNote(hp));
    var swa = Json.MAPPER.readTree("""
        {"optimizer": {"name": "sgd", "learningRate": 0.01}, "batchSize": 64, "lrSchedule": "cosine",
         "restarts": [75], "restartFactor": 0.3, "swaStart": 76, "swaLr": null}""");
    assertTrue(Comparison.settingsNote(swa).endsWith("cosine schedule, restarts at [75] x0.3, SWA from epoch 77"),
        Comparison.settingsNote(swa));
    assertEquals("", Comparison.settingsNote(Json.MAPPER.createObjectNode()));
  }

  @Test
  void classNeverPredictedAndClassAbsentFromTheTruth() {
    // class 1 never predicted (precision 0 by zero_division), class 6 never true (AUC undefined)
    int[] truth = {0, 0, 1, 1, 2, 2, 3, 3, 4, 5};
    int[] pred = {0, 2, 0, 2, 2, 2, 3, 6, 4, 5};
    Evaluation e = Evaluator.evaluate(PredictionSet.of("hand", truth, pred, proba(pred, 1)));
    assertEquals(0.6, e.accuracy(), 1e-12);
    assertEquals(0, e.precision()[1]);
    assertEquals(0, e.recall()[1]);
    assertEquals(0, e.f1()[1]);
    assertEquals(0.5, e.precision()[2], 1e-12); // 2 of 4 predicted 2s are right
    assertEquals(1.0, e.recall()[2], 1e-12);
    assertEquals(2.0 / 3, e.f1()[2], 1e-12);
    assertEquals(0, e.support()[6]);
    assertEquals(0, e.precision()[6], "predicted once, never right");
    assertTrue(Double.isNaN(e.rocAuc()[6]), "undefined, not 0 or 0.5");
    assertFalse(e.aucComplete());
    // balanced accuracy averages the recall of the classes that occur: (0.5+0+1+0.5+1+1)/6
    assertEquals(4.0 / 6, e.balancedAccuracy(), 1e-12);
    assertTrue(Tables.markdown(Tables.perClass(e)).contains("| 6 Neutral | 0.0000 | 0.0000 | 0.0000 | undefined | 0 |"));
    assertTrue(Analysis.metricsJson(e, null).path("per_class").path("neutral").path("roc_auc").isNull());
  }

  @Test
  void topTwoAccuracy() {
    int[] truth = {0, 1};
    double[][] p = {{0.5, 0.3, 0.2, 0, 0, 0, 0}, {0.5, 0.2, 0.3, 0, 0, 0, 0}};
    Evaluation e = Evaluator.evaluate(PredictionSet.of("top2", truth, new int[] {0, 0}, p));
    assertEquals(0.5, e.accuracy());
    assertEquals(0.5, e.top2Accuracy(), "the second face's class is only third");
  }

  @Test
  void mcNemarTextbookCases() {
    McNemar chi = McNemar.of(121, 59);
    assertFalse(chi.exact());
    assertEquals(20.672222222, chi.statistic(), 1e-8);
    assertEquals(5.450094825427123e-06, chi.pValue(), 1e-15);
    assertEquals(4.1145622813459415e-05, McNemar.of(150, 86).pValue(), 1e-15);
    McNemar exact = McNemar.of(1, 7);
    assertTrue(exact.exact());
    assertEquals(0.0703125, exact.pValue(), 1e-12); // 2 * (C(8,0) + C(8,1)) / 2^8
    assertEquals(0.04138946533203125, McNemar.of(15, 5).pValue(), 1e-12);
    assertEquals(1.0, McNemar.of(3, 3).pValue(), 1e-12);
    assertEquals(1.0, McNemar.of(0, 0).pValue());
  }

  @Test
  void bootstrapIsSeededAndBracketsTheEstimate() {
    int n = 500;
    SplittableRandom r = new SplittableRandom(3);
    int[] truth = new int[n];
    int[] pred = new int[n];
    for (int i = 0; i < n; i++) {
      truth[i] = r.nextInt(7);
      pred[i] = r.nextDouble() < 0.6 ? truth[i] : r.nextInt(7);
    }
    PredictionSet p = PredictionSet.of("b", truth, pred, proba(pred, 2));
    Evaluation e = Evaluator.evaluate(p);
    Bootstrap.Result a = Bootstrap.intervals(p, e, 1000, 7, 0.95);
    Bootstrap.Result b = Bootstrap.intervals(p, e, 1000, 7, 0.95);
    Bootstrap.Result c = Bootstrap.intervals(p, e, 1000, 8, 0.95);
    assertEquals(a, b);
    assertFalse(a.accuracy().low() == c.accuracy().low() && a.accuracy().high() == c.accuracy().high());
    assertTrue(a.accuracy().low() < e.accuracy() && e.accuracy() < a.accuracy().high());
    assertTrue(a.macroF1().low() < e.macroF1() && e.macroF1() < a.macroF1().high());
    // binomial standard error sqrt(p(1-p)/n) ~ 0.021: the 95% interval is about 4 of them wide
    double width = a.accuracy().high() - a.accuracy().low();
    assertEquals(4 * Math.sqrt(e.accuracy() * (1 - e.accuracy()) / n), width, 0.02);
    Interval self = Bootstrap.pairedAccuracyDifference(p, p, 1000, 1, 0.95);
    assertEquals(0, self.low());
    assertEquals(0, self.high());
  }

  private Path writePredictions(String name, int[] truth, int[] pred, long seed) throws Exception {
    FaceDataset faces = new SyntheticFaces(1).generate(truth.length, 0);
    byte[] lb = new byte[truth.length];
    for (int i = 0; i < lb.length; i++) {
      lb[i] = (byte) truth[i];
    }
    FaceDataset labelled = new FaceDataset("t", concatPixels(faces), lb, new byte[lb.length], new int[lb.length], null);
    double[][] p = proba(pred, seed);
    float[] f = new float[truth.length * 7];
    for (int i = 0; i < truth.length; i++) {
      for (int c = 0; c < 7; c++) {
        f[i * 7 + c] = (float) p[i][c];
      }
    }
    Path file = dir.resolve(name);
    Predictions.write(file, labelled, f);
    return file;
  }

  private static byte[] concatPixels(FaceDataset d) {
    byte[] all = new byte[d.size() * FaceDataset.PIXELS];
    for (int i = 0; i < d.size(); i++) {
      d.copyPixels(i, all, i * FaceDataset.PIXELS);
    }
    return all;
  }

  @Test
  void analyzeWritesTablesFiguresAndAReportThatReferencesThemAll() throws Exception {
    int n = 140;
    SplittableRandom r = new SplittableRandom(5);
    int[] truth = new int[n];
    int[] pred = new int[n];
    for (int i = 0; i < n; i++) {
      truth[i] = i % 7;
      pred[i] = r.nextDouble() < 0.7 ? truth[i] : r.nextInt(7);
    }
    Path preds = writePredictions("pred.csv", truth, pred, 3);
    Path history = dir.resolve("history.csv");
    StringBuilder h = new StringBuilder(EpochLog.CSV_HEADER + "\n");
    for (int e = 0; e < 5; e++) {
      h.append(new EpochLog(e, 0.3 + 0.1 * e, 1.8 - 0.2 * e, 0.28 + 0.08 * e, 1.85 - 0.15 * e, 0.001, 0, 0).csvRow()).append('\n');
    }
    Files.writeString(history, h);
    FaceDataset faces = new SyntheticFaces(1).generate(n, 0);
    Path out = dir.resolve("report");
    Analysis.Output o = Analysis.run(new Analysis.Inputs(preds, history, null, faces, "Test report"), out, 1000, 1);
    List<String> figures = List.of("confusion.png", "roc.png", "precision-recall.png", "reliability.png",
        "curves-accuracy.png", "curves-loss.png", "class-distribution.png", "samples.png");
    String md = Files.readString(out.resolve("report.md"));
    String html = Files.readString(out.resolve("report.html"));
    for (String f : figures) {
      BufferedImage img = ImageIO.read(out.resolve(f).toFile());
      assertTrue(img != null && img.getWidth() > 100, f);
      assertTrue(md.contains("](" + f + ")"), "report.md links " + f);
    }
    assertEquals(Plots.WIDTH, ImageIO.read(out.resolve("roc.png").toFile()).getWidth());
    assertEquals(Plots.HEIGHT, ImageIO.read(out.resolve("curves-loss.png").toFile()).getHeight());
    assertEquals(figures.size(), html.split("src=\"data:image/png;base64,", -1).length - 1, "every figure embedded");
    assertFalse(html.contains("http://") || html.contains("https://") || html.contains("<script"), "opens offline");
    assertEquals(figures.size(), o.report().figures().size());
    for (String t : List.of("metrics.json", "per-class.csv", "confusion.csv", "confusion-normalised.csv", "roc-points.csv")) {
      assertTrue(Files.exists(out.resolve(t)), t);
    }
    assertEquals(o.evaluation().accuracy(), Json.read(out.resolve("metrics.json")).path("accuracy").asDouble(), 1e-12);
    var metrics = Json.read(out.resolve("metrics.json"));
    assertTrue(metrics.path("expected_calibration_error").isNumber() && metrics.path("average_precision_macro").isNumber());
    assertTrue(metrics.path("per_class").path("happy").path("average_precision").isNumber());
    assertTrue(md.contains("Expected calibration error"), md);
  }

  /** Hand-computed: 4 faces, confidences 0.95 (right), 0.95 (wrong), 0.5 (right), 0.3 (wrong), 10 bins. */
  @Test
  void expectedCalibrationErrorByHand() {
    double[][] proba = {
      {0.95, 0.05, 0, 0, 0, 0, 0}, {0.95, 0.05, 0, 0, 0, 0, 0},
      {0.5, 0.4, 0.1, 0, 0, 0, 0}, {0.3, 0.2, 0.2, 0.1, 0.1, 0.05, 0.05}};
    PredictionSet p = PredictionSet.of("t", new int[] {0, 1, 0, 2}, new int[] {0, 0, 0, 0}, proba);
    Calibration c = Calibration.of(p, 10);
    // bin (0.9,1]: 2 faces, confidence 0.95, accuracy 0.5 -> gap 0.45; bin (0.4,0.5]: 1 face, 0.5 vs 1 -> 0.5;
    // bin (0.2,0.3]: 1 face, 0.3 vs 0 -> 0.3. ECE = 2/4*0.45 + 1/4*0.5 + 1/4*0.3 = 0.425; MCE 0.5
    assertEquals(0.425, c.ece(), 1e-12);
    assertEquals(0.5, c.mce(), 1e-12);
    assertEquals(2, c.count()[9]);
    assertEquals(1, c.count()[4]);
    assertEquals(1, c.count()[2]);
    assertTrue(Double.isNaN(c.accuracy()[0]));
  }

  /** scikit-learn's documented example: average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.8333. */
  @Test
  void averagePrecisionAsScikitLearnDefinesIt() {
    PrCurve pr = PrCurve.of(new boolean[] {false, false, true, true}, new double[] {0.1, 0.4, 0.35, 0.8});
    assertEquals(5.0 / 6, pr.averagePrecision(), 1e-12);
    // ties move together: scores all equal give precision = prevalence at recall 1
    PrCurve tied = PrCurve.of(new boolean[] {true, false, false, false}, new double[] {0.5, 0.5, 0.5, 0.5});
    assertEquals(0.25, tied.averagePrecision(), 1e-12);
    assertEquals(1, tied.recall().length);
    assertTrue(Double.isNaN(PrCurve.of(new boolean[] {false}, new double[] {0.3}).averagePrecision()));
  }

  @Test
  void curvesOfAOneEpochRunAndTheSelectionSplitAreLabelledPlainly() throws Exception {
    var manifest = Json.parse("{\"hyperparameters\": {\"split\": {\"mode\": \"usage\", \"valFraction\": 0.0}}}", "m");
    assertEquals("PublicTest, used for selection (not a held-out test)", Analysis.selectionLabel(manifest));
    var held = Json.parse("{\"hyperparameters\": {\"split\": {\"mode\": \"usage\", \"valFraction\": 0.1}}}", "m");
    assertEquals("validation (10% of the training faces, held out)", Analysis.selectionLabel(held));
    Path png = dir.resolve("one.png");
    Plots.trainingCurve(List.of(new EpochLog(0, 0.3, 1.8, 0.28, 1.85, 0.001, 1, 100)), true, "one epoch",
        Analysis.trainingLabel(manifest), Analysis.selectionLabel(manifest), png);
    assertTrue(ImageIO.read(png.toFile()).getWidth() > 100);
  }

  @Test
  void badPredictionFiles() throws Exception {
    Path missing = dir.resolve("m.csv");
    Files.writeString(missing, "index,true_label,pred_label,p_angry\n0,1,1,1\n");
    FerException e1 = assertThrows(FerException.class, () -> PredictionSet.read(missing));
    assertTrue(e1.getMessage().startsWith(missing + ": missing columns p_disgust, p_fear"), e1.getMessage());
    Path sum = dir.resolve("s.csv");
    Files.writeString(sum, Predictions.HEADER + "\n0,1,1,0.1,0.4,0.1,0.1,0.1,0.1,0.1\n1,1,1,0.1,0.4,0.1,0.1,0.1,0.1,0.05\n");
    FerException e2 = assertThrows(FerException.class, () -> PredictionSet.read(sum));
    assertEquals(sum + ":3: probabilities sum to 0.950000, expected 1 (within 1e-03)", e2.getMessage());
    Path range = dir.resolve("r.csv");
    Files.writeString(range, Predictions.HEADER + "\n0,9,1,0.1,0.4,0.1,0.1,0.1,0.1,0.1\n");
    FerException e3 = assertThrows(FerException.class, () -> PredictionSet.read(range));
    assertEquals(range + ":2: true_label 9 outside 0..6", e3.getMessage());
  }

  @Test
  void compareRefusesDifferentImages() throws Exception {
    Path a = writePredictions("a.csv", new int[] {0, 1, 2}, new int[] {0, 1, 1}, 1);
    Path b = writePredictions("b.csv", new int[] {0, 1, 3}, new int[] {0, 1, 3}, 1);
    List<Comparison.Entry> entries = List.of(new Comparison.Entry("a", dir, a, null), new Comparison.Entry("b", dir, b, null));
    FerException e = assertThrows(FerException.class, () -> Comparison.run(entries, null, dir.resolve("cmp"), 1000, 1, "t"));
    assertTrue(e.getMessage().contains("scored on different images"), e.getMessage());
  }

  @Test
  void compareRefusesTwoRunsOfTheSameLabel() throws Exception {
    Path a = writePredictions("a.csv", new int[] {0, 1, 2}, new int[] {0, 1, 1}, 1);
    List<Comparison.Entry> entries = List.of(new Comparison.Entry("x", dir, a, null), new Comparison.Entry("y", dir, a, null),
        new Comparison.Entry("x", dir, a, null));
    FerException e = assertThrows(FerException.class, () -> Comparison.run(entries, null, dir.resolve("same"), 100, 1, "t"));
    assertEquals("runs 1 and 3 are both labelled 'x': the tables and figures need a distinct label per run", e.getMessage());
    assertFalse(Files.exists(dir.resolve("same")), "nothing written");
  }

  /** Issue 35, item 20: report sentences follow the figures and the run, never boilerplate. */
  @Test
  void reportSentencesFollowTheFiguresAndTheRun() {
    var none = Json.parse("{\"hyperparameters\": {\"augment\": \"none\"}}", "m");
    var standard = Json.parse("{\"hyperparameters\": {\"augment\": \"standard\"}}", "m");
    var mixup = Json.parse("{\"hyperparameters\": {\"augment\": \"none\", \"mixup\": 0.2}}", "m");
    assertEquals("training (running mean over the epoch)", Analysis.trainingLabel(none));
    assertEquals("training (augmented faces, running mean over the epoch)", Analysis.trainingLabel(standard));
    assertTrue(Analysis.trainingLabel(mixup).contains("augmented"));
    // the rare-class sentence appears only when the rarest class's ROC-AUC flatters it and its AP does not
    int[] support = {100, 10, 100, 100, 100, 100, 100};
    double[] auc = {0.80, 0.90, 0.80, 0.80, 0.80, 0.80, 0.80};
    PrCurve[] flattered = curves(0.30, 0.60);
    PrCurve[] honest = curves(0.73, 0.60);
    Evaluation e = evaluation(support, auc);
    assertTrue(Analysis.rareClassNote(e, flattered).contains("The rarest class, disgust (10 faces)"),
        Analysis.rareClassNote(e, flattered));
    assertEquals("", Analysis.rareClassNote(e, honest), "disgust's AP above the mean: nothing to say");
  }

  private static PrCurve[] curves(double rareAp, double otherAp) {
    PrCurve[] out = new PrCurve[7];
    for (int c = 0; c < 7; c++) {
      out[c] = new PrCurve(new double[0], new double[0], new double[0], c == 1 ? rareAp : otherAp);
    }
    return out;
  }

  private static Evaluation evaluation(int[] support, double[] auc) {
    double mean = java.util.Arrays.stream(auc).average().orElseThrow();
    return new Evaluation(java.util.Arrays.stream(support).sum(), 0.5, 0.5, 0.7, new double[7], new double[7],
        new double[7], support, 0, 0, 0, 0, 0, 0, new int[7][7], auc, mean, mean, null);
  }
}
