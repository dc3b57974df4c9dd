package org.fertk.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.run.EpochLog;
import org.fertk.train.TrainOptions;
import org.fertk.score.Predictions;
import org.fertk.util.AtomicOutput;
import org.fertk.util.ProtectedInputs;
import org.fertk.FerException;
import org.fertk.util.Json;
import org.fertk.run.History;

/** `fer analyze`: metrics, intervals, tables, figures and a report for one predictions file. */
public final class Analysis {
  /**
   * @param history the run's history.csv, or null
   * @param manifest the run's manifest.json, or null
   * @param faces the scored faces in prediction order (for the sample grid), or null
   */
  public record Inputs(Path predictions, Path history, Path manifest, FaceDataset faces, String title) {}

  /** What an analysis produced. */
  public record Output(PredictionSet predictions, Evaluation evaluation, Bootstrap.Result intervals, Report report) {}

  private Analysis() {}

  /**
   * The metrics of a predictions file (as {@code fer score} and {@link org.fertk.FerModel#score}
   * write it), the object the reports are rendered from: accuracy, balanced accuracy, per-class
   * precision, recall and F1, the confusion matrix, ROC curves and more.
   *
   * @param predictions the predictions CSV; every row needs a true label
   * @return the evaluation
   * @throws org.fertk.FerException when the file is missing or malformed
   */
  public static Evaluation of(Path predictions) {
    return Evaluator.evaluate(PredictionSet.read(predictions));
  }

  /**
   * {@code fer analyze}: the evaluation with bootstrap intervals, and the report, tables and
   * figures written into a folder.
   *
   * @param in the predictions file and what is known about the run
   * @param dir the report folder
   * @param resamples bootstrap resamples
   * @param seed the bootstrap's seed
   * @return the evaluation, intervals and report
   */
  public static Output run(Inputs in, Path dir, int resamples, long seed) {
    PredictionSet p = PredictionSet.read(in.predictions());
    List<EpochLog> history = in.history() == null ? null : History.read(in.history());
    JsonNode manifest = in.manifest() == null ? null : Json.read(in.manifest());
    if (in.faces() != null && in.faces().size() != p.size()) {
      throw new FerException(in.predictions() + ": " + p.size() + " predictions but the data has "
          + in.faces().size() + " faces; pass the data and split that were scored");
    }
    ProtectedInputs.checkFolderOutputs(dir, n -> REPORT_FILES.contains(n) || n.endsWith(".png"));
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Evaluation e = Evaluator.evaluate(p);
    Bootstrap.Result ci = Bootstrap.intervals(p, e, resamples, seed, 0.95);
    Calibration cal = Calibration.of(p, Calibration.BINS);
    PrCurve[] pr = PrCurve.perClass(p);
    writeTables(dir, e, metricsJson(e, ci, cal, pr));
    Report report = new Report(in.title());
    addModelSection(report, "", manifest);
    addScoringSection(report, in.predictions());
    addEvaluation(report, dir, "", "", e, ci, history, trainingLabel(manifest), selectionLabel(manifest), in.faces(), p,
        cal, pr);
    report.write(dir);
    return new Output(p, e, ci, report);
  }

  /** The files a report folder gets beside its figures (*.png). */
  static final Set<String> REPORT_FILES = Set.of("per-class.csv", "confusion.csv", "confusion-normalised.csv",
      "roc-points.csv", "metrics.json", "report.md", "report.html");

  static void writeTables(Path dir, Evaluation e, ObjectNode metrics) {
    AtomicOutput.writeString(dir.resolve("per-class.csv"), Tables.csv(Tables.perClass(e)));
    AtomicOutput.writeString(dir.resolve("confusion.csv"), Tables.csv(Tables.confusion(e, false)));
    AtomicOutput.writeString(dir.resolve("confusion-normalised.csv"), Tables.csv(Tables.confusion(e, true)));
    AtomicOutput.writeString(dir.resolve("roc-points.csv"), Tables.csv(Tables.rocPoints(e)));
    Json.writeFile(dir.resolve("metrics.json"), metrics);
  }

  /**
   * What the validation curve of a run is: held-out faces, or the test split itself when the run
   * selected on it (FER2013's PublicTest, which is the selection split by design).
   */
  static String selectionLabel(JsonNode manifest) {
    if (manifest == null) {
      return "validation";
    }
    JsonNode hp = TrainOptions.normalize(manifest.path("hyperparameters"));
    if (hp.path("val_fraction").asDouble(0) > 0) {
      return String.format(Locale.ROOT, "validation (%.0f%% of the training faces, held out)",
          100 * hp.path("val_fraction").asDouble());
    }
    return hp.path("split").asText("usage").equals("random") ? "test split (random hold-out), used for selection"
        : "PublicTest, used for selection (not a held-out test)";
  }

  static ObjectNode metricsJson(Evaluation e, Bootstrap.Result ci, Calibration cal, PrCurve[] pr) {
    ObjectNode m = metricsJson(e, ci);
    m.put("expected_calibration_error", cal.ece());
    m.put("maximum_calibration_error", cal.mce());
    m.put("calibration_bins", cal.bins());
    m.put("average_precision_macro", PrCurve.macroAveragePrecision(pr));
    for (int c = 0; c < Emotion.COUNT; c++) {
      ObjectNode o = (ObjectNode) m.path("per_class").path(Emotion.of(c).key());
      if (pr[c].defined()) {
        o.put("average_precision", pr[c].averagePrecision());
      } else {
        o.putNull("average_precision");
      }
    }
    return m;
  }

  static ObjectNode metricsJson(Evaluation e, Bootstrap.Result ci) {
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("n", e.n());
    m.put("accuracy", e.accuracy());
    if (ci != null) {
      m.putArray("accuracy_ci95").add(ci.accuracy().low()).add(ci.accuracy().high());
      m.putArray("macro_f1_ci95").add(ci.macroF1().low()).add(ci.macroF1().high());
      m.put("bootstrap_resamples", ci.resamples());
      m.put("bootstrap_seed", ci.seed());
    }
    m.put("balanced_accuracy", e.balancedAccuracy());
    m.put("top2_accuracy", e.top2Accuracy());
    m.put("macro_precision", e.macroPrecision());
    m.put("macro_recall", e.macroRecall());
    m.put("macro_f1", e.macroF1());
    m.put("weighted_precision", e.weightedPrecision());
    m.put("weighted_recall", e.weightedRecall());
    m.put("weighted_f1", e.weightedF1());
    m.put("roc_auc_ovr_macro", e.macroAuc());
    m.put("roc_auc_ovr_weighted", e.weightedAuc());
    ObjectNode per = m.putObject("per_class");
    for (int c = 0; c < Emotion.COUNT; c++) {
      ObjectNode o = per.putObject(Emotion.of(c).key());
      o.put("precision", e.precision()[c]);
      o.put("recall", e.recall()[c]);
      o.put("f1", e.f1()[c]);
      o.put("support", e.support()[c]);
      if (Double.isNaN(e.rocAuc()[c])) {
        o.putNull("roc_auc");
      } else {
        o.put("roc_auc", e.rocAuc()[c]);
      }
    }
    ArrayNode cm = m.putArray("confusion_matrix");
    for (int[] row : e.confusion()) {
      ArrayNode r = cm.addArray();
      for (int v : row) {
        r.add(v);
      }
    }
    return m;
  }

  /**
   * What the predictions are of, from their side file (written by every scorer): the models and
   * engine, the data and split, the test-time augmentation, and how many faces at what speed.
   */
  static void addScoringSection(Report report, Path predictions) {
    Path side = Predictions.sidecar(predictions);
    if (!Files.isRegularFile(side)) {
      return;
    }
    JsonNode o;
    try {
      o = Json.read(side);
    } catch (RuntimeException unreadable) {
      return; // the report is still whole without it
    }
    if (!o.path("models").isArray()) {
      return;
    }
    List<String> models = new ArrayList<>();
    o.path("models").forEach(m -> models.add("`" + m.asText() + "`"));
    List<String> data = new ArrayList<>();
    o.path("data").forEach(d -> data.add("`" + d.asText() + "`"));
    String split = o.path("split").isNull() || o.path("split").isMissingNode() ? "every face"
        : "split " + o.path("split").asText();
    String tta = o.path("tta").asText("none");
    Report.Section s = report.section("What was scored");
    s.blocks().add(new Report.Text(String.format(Locale.ROOT, "%s %s (%s), on %s, %s; test-time augmentation: %s; "
            + "%,d faces at %,.0f img/s (from `%s`).", models.size() == 1 ? "Model" : "Ensemble of",
        String.join(", ", models), o.path("engine").asText("?"), data.isEmpty() ? "?" : String.join(", ", data), split,
        tta.equals("none") ? "none" : tta, o.path("faces").asLong(), o.path("images_per_second").asDouble(),
        side.getFileName())));
  }

  static void addModelSection(Report report, String prefix, JsonNode manifest) {
    if (manifest == null) {
      return;
    }
    JsonNode mo = manifest.path("model");
    JsonNode tr = manifest.path("training");
    JsonNode hp = TrainOptions.normalize(manifest.path("hyperparameters"));
    Report.Section s = report.section((prefix.isEmpty() ? "" : prefix + ": ") + "Model and training");
    s.blocks().add(new Report.Text(String.format(Locale.ROOT,
        "**%s**: %,d parameters. %s\n\nTrained on `%s` (sha256 %s…), %d of %d epochs%s, %s, %.0f s at %,.0f img/s.",
        mo.path("name").asText(), mo.path("params").asLong(), mo.path("description").asText(),
        manifest.path("data").path("source").asText(), manifest.path("data").path("sha256").asText().substring(0,
            Math.min(12, manifest.path("data").path("sha256").asText().length())),
        tr.path("epochs_run").asInt(), tr.path("epochs_requested").asInt(),
        tr.path("early_stopped").asBoolean() ? " (early stopping at epoch " + tr.path("early_stopping_epoch").asInt() + ")" : "",
        hp.path("optimizer").asText() + " lr " + hp.path("lr").asDouble()
            + ", batch " + hp.path("batch_size").asInt() + ", augmentation " + hp.path("augment").asText()
            + ", class weights " + hp.path("class_weight").asText(),
        tr.path("seconds").asDouble(), tr.path("images_per_second").asDouble())));
  }

  /**
   * Metrics, tables and figures of one model; figure files are prefixed for comparisons, which
   * draw the curves of all models on shared figures instead and pass no calibration and curves
   * here (tables and the confusion matrix only).
   */
  static void addEvaluation(Report report, Path dir, String prefix, String filePrefix, Evaluation e,
      Bootstrap.Result ci, List<EpochLog> history, String trainLabel, String valLabel, FaceDataset faces,
      PredictionSet p, Calibration c, PrCurve[] pr) {
    String who = prefix.isEmpty() ? "" : prefix + ": ";
    Report.Section m = report.section(who + "Metrics");
    m.blocks().add(new Report.TableBlock("", Tables.summary(e, ci)));
    m.blocks().add(new Report.TableBlock("Per class (precision, recall and F1 as scikit-learn's classification_report)",
        Tables.perClass(e)));
    String f = filePrefix.isEmpty() ? "" : slug(filePrefix) + "-";
    Report.Section cf = report.section(who + "Confusion matrix");
    Path confusion = dir.resolve(f + "confusion.png");
    Plots.confusion(e, who + "confusion matrix", confusion);
    cf.blocks().add(new Report.Figure("Confusion matrix (counts; colour = share of the true class, scale on the right)",
        confusion));
    cf.blocks().add(new Report.TableBlock("Row-normalised", Tables.confusion(e, true)));
    if (c == null) {
      return;
    }
    Report.Section roc = report.section(who + "ROC curves");
    Path rocPng = dir.resolve(f + "roc.png");
    Plots.roc(e, who + "one-vs-rest ROC curves", rocPng);
    roc.blocks().add(new Report.Figure("One-vs-rest ROC curve per class, AUC in the legend", rocPng));
    Report.Section prs = report.section(who + "Precision-recall curves");
    Path prPng = dir.resolve(f + "precision-recall.png");
    Plots.precisionRecall(pr, who + "one-vs-rest precision-recall curves", prPng);
    prs.blocks().add(new Report.Text(String.format(Locale.ROOT, "Average precision (scikit-learn's definition) per "
        + "class in the legend; mean over classes %.3f.%s", PrCurve.macroAveragePrecision(pr), rareClassNote(e, pr))));
    prs.blocks().add(new Report.Figure("Precision against recall per class as the threshold falls", prPng));
    Report.Section cal = report.section(who + "Calibration");
    Path relPng = dir.resolve(f + "reliability.png");
    Plots.reliability(List.of("model"), List.of(c), who + "reliability diagram", relPng);
    cal.blocks().add(new Report.Text(String.format(Locale.ROOT, "Does 80%% mean 80%%? Faces are binned by the "
        + "probability of the predicted class (what `fer predict` prints), %d bins. Expected calibration error "
        + "%.3f: the stated confidence is off from the accuracy at that confidence by %.1f points on average "
        + "(worst bin %.1f points). %s", c.bins(), c.ece(), 100 * c.ece(), 100 * c.mce(), overOrUnder(c))));
    cal.blocks().add(new Report.Figure("Accuracy against stated confidence; grey bars: share of faces per bin", relPng));
    if (history != null && !history.isEmpty()) {
      Report.Section tc = report.section(who + "Training curves");
      Path acc = dir.resolve(f + "curves-accuracy.png");
      Path loss = dir.resolve(f + "curves-loss.png");
      Plots.trainingCurve(history, true, who + "accuracy", trainLabel, valLabel, acc);
      Plots.trainingCurve(history, false, who + "loss", trainLabel, valLabel, loss);
      tc.blocks().add(new Report.Figure("Training and " + valLabel + " accuracy per epoch", acc));
      tc.blocks().add(new Report.Figure("Training and " + valLabel + " loss per epoch", loss));
    }
    Report.Section d = report.section(who + "Data");
    Path dist = dir.resolve(f + "class-distribution.png");
    Plots.classDistribution(e.support(), who + "faces per class (evaluated split)", dist);
    d.blocks().add(new Report.Figure("Class distribution of the evaluated faces", dist));
    if (faces != null) {
      Path grid = dir.resolve(f + "samples.png");
      Plots.sampleGrid(faces, p, 6, who + "correct predictions per class, then the most confident mistakes", grid);
      d.blocks().add(new Report.Figure("Sample faces with true and predicted labels", grid));
    }
  }

  /**
   * A sentence on the rarest class only when the figures show what it says: its ROC-AUC at least
   * the mean while its average precision is clearly below the mean (a ROC curve flatters a class
   * with few positives; its precision-recall curve does not). Empty otherwise.
   */
  static String rareClassNote(Evaluation e, PrCurve[] pr) {
    int rare = -1;
    for (int c = 0; c < Emotion.COUNT; c++) {
      if (e.support()[c] > 0 && pr[c].defined() && !Double.isNaN(e.rocAuc()[c])
          && (rare < 0 || e.support()[c] < e.support()[rare])) {
        rare = c;
      }
    }
    double meanAp = PrCurve.macroAveragePrecision(pr);
    if (rare < 0 || e.support()[rare] * Emotion.COUNT >= e.n() // not rarer than an even share
        || e.rocAuc()[rare] < e.macroAuc() || pr[rare].averagePrecision() > meanAp - 0.05) {
      return "";
    }
    return String.format(Locale.ROOT, " The rarest class, %s (%,d faces), shows what a ROC curve hides: ROC-AUC %.3f "
        + "(mean %.3f) but average precision %.3f (mean %.3f).", Emotion.values()[rare].key(), e.support()[rare],
        e.rocAuc()[rare], e.macroAuc(), pr[rare].averagePrecision(), meanAp);
  }

  /**
   * How the training curve's faces were made: augmented (flips, shifts, erasing, mixing) or as
   * they are, from the run's hyperparameters; the training series says so in the legend.
   */
  static String trainingLabel(JsonNode manifest) {
    if (manifest == null) {
      return "training (running mean over the epoch)";
    }
    JsonNode hp = TrainOptions.normalize(manifest.path("hyperparameters"));
    boolean augmented = !hp.path("augment").asText("none").equals("none") || hp.path("random_erasing").asDouble(0) > 0
        || hp.path("mixup").asDouble(0) > 0 || hp.path("cutmix").asDouble(0) > 0;
    return augmented ? "training (augmented faces, running mean over the epoch)" : "training (running mean over the epoch)";
  }

  /** Whether the model claims more than it achieves, weighted by faces. */
  static String overOrUnder(Calibration c) {
    double over = 0;
    int n = 0;
    for (int b = 0; b < c.bins(); b++) {
      if (c.count()[b] > 0) {
        over += c.count()[b] * (c.meanConfidence()[b] - c.accuracy()[b]);
        n += c.count()[b];
      }
    }
    over /= Math.max(1, n);
    return over > 0.005 ? "On the whole it is overconfident." : over < -0.005 ? "On the whole it is underconfident."
        : "On the whole neither over- nor underconfident.";
  }

  static String slug(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
  }
}
