package org.fertk.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.score.Predictions;
import org.fertk.run.EpochLog;
import org.fertk.run.RunFolder;
import org.fertk.train.TrainOptions;
import org.fertk.util.AtomicOutput;
import org.fertk.FerException;
import org.fertk.util.Json;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import org.fertk.run.History;

/**
 * `fer compare`: the study's Table 3/4 layout for several runs (extended with macro-F1 and its
 * interval, ROC-AUC, size and speed), McNemar's test and a paired bootstrap for every pair of
 * models scored on the same faces, and one report with every model's figures.
 */
public final class Comparison {
  /** One run to compare; label is how tables name it. */
  public record Entry(String label, Path runDir, Path predictions, String note) {}

  /** Everything compare computed. */
  public record Output(Table table, Table significance, List<Evaluation> evaluations, Report report) {}

  private Comparison() {}

  public static Output run(List<Entry> entries, FaceDataset faces, Path dir, int resamples, long seed, String title) {
    if (entries.size() < 1) {
      throw new FerException("compare needs at least one run");
    }
    Map<String, Integer> labelled = new HashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      Integer earlier = labelled.putIfAbsent(entries.get(i).label(), i + 1);
      if (earlier != null) {
        throw new FerException("runs " + earlier + " and " + (i + 1) + " are both labelled '" + entries.get(i).label()
            + "': the tables and figures need a distinct label per run");
      }
    }
    List<String> fileKeys = fileKeys(entries);
    List<PredictionSet> preds = new ArrayList<>();
    List<Evaluation> evals = new ArrayList<>();
    List<Bootstrap.Result> cis = new ArrayList<>();
    for (Entry e : entries) {
      PredictionSet p = PredictionSet.read(e.predictions());
      if (!preds.isEmpty() && !preds.get(0).sameImagesAs(p)) {
        throw new FerException("cannot compare " + e.predictions() + " with " + preds.get(0).source()
            + ": they were scored on different images (index or true labels differ)");
      }
      preds.add(p);
      Evaluation ev = Evaluator.evaluate(p);
      evals.add(ev);
      cis.add(Bootstrap.intervals(p, ev, resamples, seed, 0.95));
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    Table table = studyTable(entries, evals, cis);
    Table sig = significance(entries, preds, resamples, seed);
    AtomicOutput.writeString(dir.resolve("comparison.csv"), Tables.csv(table));
    AtomicOutput.writeString(dir.resolve("comparison.md"), Tables.markdown(table));
    AtomicOutput.writeString(dir.resolve("significance.csv"), Tables.csv(sig));

    Report report = new Report(title);
    Report.Section s = report.section("Comparison");
    s.blocks().add(new Report.Text("Test accuracy and macro-F1 with 95% bootstrap intervals (" + resamples
        + " resamples, seed " + seed + "); training accuracy is the last epoch's running accuracy, as Keras reports it."));
    s.blocks().add(new Report.TableBlock("", table));
    Report.Section sg = report.section("Significance");
    sg.blocks().add(new Report.Text("McNemar's test on the faces only one model of a pair gets right (exact binomial "
        + "below 25 discordant faces, else chi-square with continuity correction), and a paired bootstrap interval of "
        + "the accuracy difference."));
    sg.blocks().add(new Report.TableBlock("", sig));
    addOverlays(report, dir, entries, preds, evals);
    for (int i = 0; i < entries.size(); i++) {
      Entry en = entries.get(i);
      RunFolder rf = new RunFolder(en.runDir());
      JsonNode manifest = Files.isRegularFile(rf.manifest()) ? Json.read(rf.manifest()) : null;
      Analysis.addModelSection(report, en.label(), manifest);
      Analysis.addEvaluation(report, dir, en.label(), fileKeys.get(i), evals.get(i), cis.get(i), null,
          Analysis.trainingLabel(manifest), Analysis.selectionLabel(manifest), faces, preds.get(i), null, null);
    }
    report.write(dir);
    return new Output(table, sig, evals, report);
  }

  /** ROC, per-class F1 and calibration of every model on shared figures, so they compare at a glance. */
  static void addOverlays(Report report, Path dir, List<Entry> entries, List<PredictionSet> preds,
      List<Evaluation> evals) {
    List<String> names = entries.stream().map(Entry::label).toList();
    List<RocCurve> micro = new ArrayList<>();
    List<Calibration> cals = new ArrayList<>();
    for (PredictionSet p : preds) {
      micro.add(microRoc(p));
      cals.add(Calibration.of(p, Calibration.BINS));
    }
    Report.Section s = report.section("All models on one figure");
    Path roc = dir.resolve("overlay-roc.png");
    Plots.rocOverlay(names, micro, "ROC, micro-averaged over the classes", roc);
    s.blocks().add(new Report.Figure("Micro-averaged one-vs-rest ROC curve of each model (every face and class "
        + "pooled), AUC in the legend", roc));
    Path f1 = dir.resolve("overlay-f1.png");
    Plots.perClassF1(names, evals, "F1 per class", f1);
    s.blocks().add(new Report.Figure("F1 per class, one bar per model", f1));
    List<List<EpochLog>> histories = new ArrayList<>();
    String valLabel = null;
    for (Entry en : entries) {
      RunFolder rf = new RunFolder(en.runDir());
      histories.add(Files.isRegularFile(rf.history()) ? History.read(rf.history()) : null);
      if (valLabel == null && Files.isRegularFile(rf.manifest())) {
        valLabel = Analysis.selectionLabel(Json.read(rf.manifest()));
      }
    }
    if (histories.stream().anyMatch(h -> h != null && !h.isEmpty())) {
      Path acc = dir.resolve("overlay-curves-accuracy.png");
      Path loss = dir.resolve("overlay-curves-loss.png");
      Plots.curvesOverlay(names, histories, true, "Accuracy per epoch", acc);
      Plots.curvesOverlay(names, histories, false, "Loss per epoch", loss);
      String what = valLabel == null ? "validation" : valLabel;
      s.blocks().add(new Report.Figure("Training (dashed; each run's own faces, augmented where it augments) and "
          + "validation (solid; " + what + ") accuracy per epoch", acc));
      s.blocks().add(new Report.Figure("Training (dashed) and validation (solid) loss per epoch", loss));
    }
    Path rel = dir.resolve("overlay-reliability.png");
    Plots.reliability(names, cals, "Reliability: accuracy against stated confidence", rel);
    s.blocks().add(new Report.Figure("Reliability diagram of each model, expected calibration error in the legend "
        + "(" + Calibration.BINS + " bins)", rel));
  }

  /** The ROC curve of all (face, class) pairs pooled: positive where the class is the true one. */
  static RocCurve microRoc(PredictionSet p) {
    int n = p.size() * Emotion.COUNT;
    boolean[] pos = new boolean[n];
    double[] score = new double[n];
    for (int i = 0; i < p.size(); i++) {
      for (int c = 0; c < Emotion.COUNT; c++) {
        pos[i * Emotion.COUNT + c] = p.truth()[i] == c;
        score[i * Emotion.COUNT + c] = p.proba()[i][c];
      }
    }
    return RocCurve.of(pos, score);
  }

  static Table studyTable(List<Entry> entries, List<Evaluation> evals, List<Bootstrap.Result> cis) {
    IntColumn no = IntColumn.create("no.");
    StringColumn arch = StringColumn.create("architecture");
    StringColumn epochs = StringColumn.create("epochs run");
    StringColumn es = StringColumn.create("early-stopping epoch");
    StringColumn trainAcc = StringColumn.create("training accuracy");
    StringColumn testAcc = StringColumn.create("test accuracy (95% CI)");
    StringColumn f1 = StringColumn.create("macro-F1 (95% CI)");
    DoubleColumn auc = DoubleColumn.create("ROC-AUC (macro)");
    StringColumn params = StringColumn.create("parameters");
    StringColumn time = StringColumn.create("training time");
    StringColumn trainIps = StringColumn.create("training img/s");
    StringColumn scoreIps = StringColumn.create("scoring img/s");
    StringColumn note = StringColumn.create("note");
    for (int i = 0; i < entries.size(); i++) {
      Entry en = entries.get(i);
      RunFolder rf = new RunFolder(en.runDir());
      JsonNode m = Files.isRegularFile(rf.manifest()) ? Json.read(rf.manifest()) : Json.MAPPER.createObjectNode();
      JsonNode tr = m.path("training");
      no.append(i + 1);
      arch.append(en.label());
      epochs.append(tr.has("epochs_run") ? tr.path("epochs_run").asText() + "/" + tr.path("epochs_requested").asText() : "-");
      es.append(tr.path("early_stopped").asBoolean() ? tr.path("early_stopping_epoch").asText() : "-");
      JsonNode fin = m.path("metrics").path("final_epoch");
      trainAcc.append(fin.has("accuracy") ? String.format(Locale.ROOT, "%.2f%%", 100 * fin.path("accuracy").asDouble()) : "-");
      testAcc.append(cis.get(i).accuracy().formatPercent(2));
      f1.append(cis.get(i).macroF1().format(3));
      auc.append(evals.get(i).macroAuc());
      params.append(m.path("model").has("params") ? String.format(Locale.ROOT, "%,d", m.path("model").path("params").asLong()) : "-");
      time.append(tr.has("seconds") ? durationText(tr.path("seconds").asDouble()) : "-");
      trainIps.append(tr.has("images_per_second") ? String.format(Locale.ROOT, "%,.0f", tr.path("images_per_second").asDouble()) : "-");
      Path side = sidecar(en.predictions());
      JsonNode sc = Files.isRegularFile(side) ? Json.read(side) : null;
      scoreIps.append(sc == null ? "-" : String.format(Locale.ROOT, "%,.0f", sc.path("images_per_second").asDouble()));
      note.append(en.note() != null ? en.note() : settingsNote(m.path("hyperparameters")));
    }
    return Table.create("comparison", no, arch, epochs, es, trainAcc, testAcc, f1, auc, params, time, trainIps, scoreIps, note);
  }

  static Table significance(List<Entry> entries, List<PredictionSet> preds, int resamples, long seed) {
    StringColumn a = StringColumn.create("model A");
    StringColumn b = StringColumn.create("model B");
    StringColumn diff = StringColumn.create("accuracy A - B (95% CI)");
    IntColumn onlyA = IntColumn.create("only A right");
    IntColumn onlyB = IntColumn.create("only B right");
    StringColumn method = StringColumn.create("McNemar test");
    StringColumn stat = StringColumn.create("statistic");
    StringColumn p = StringColumn.create("p-value");
    for (int i = 0; i < entries.size(); i++) {
      for (int j = i + 1; j < entries.size(); j++) {
        McNemar t = McNemar.test(preds.get(i), preds.get(j));
        Interval d = Bootstrap.pairedAccuracyDifference(preds.get(i), preds.get(j), resamples, seed, 0.95);
        a.append(entries.get(i).label());
        b.append(entries.get(j).label());
        diff.append(String.format(Locale.ROOT, "%+.2f pp [%+.2f, %+.2f]", 100 * d.estimate(), 100 * d.low(), 100 * d.high()));
        onlyA.append(t.onlyFirstCorrect());
        onlyB.append(t.onlySecondCorrect());
        method.append(t.method());
        stat.append(String.format(Locale.ROOT, "%.3f", t.statistic()));
        p.append(formatP(t.pValue()));
      }
    }
    return Table.create("significance", a, b, diff, onlyA, onlyB, method, stat, p);
  }

  /** The training settings that tell runs apart, for a note column no plan filled in. */
  static String settingsNote(JsonNode settings) {
    if (settings.isMissingNode() || !settings.has("optimizer")) {
      return "";
    }
    JsonNode hp = TrainOptions.normalize(settings); // manifests of older versions: camelCase, nested
    List<String> parts = new ArrayList<>();
    parts.add(String.format(Locale.ROOT, "%s lr %s%s", hp.path("optimizer").asText(), hp.path("lr").asText(),
        hp.path("nesterov").asBoolean() ? " nesterov" : ""));
    parts.add("batch " + hp.path("batch_size").asText());
    parts.add("aug " + hp.path("augment").asText());
    if (!"none".equals(hp.path("class_weight").asText("none"))) {
      parts.add("class weights " + hp.path("class_weight").asText());
    }
    if (hp.path("l2").asDouble() > 0) {
      parts.add("l2 " + hp.path("l2").asText());
    }
    if (hp.path("label_smoothing").asDouble() > 0) {
      parts.add("label smoothing " + hp.path("label_smoothing").asText());
    }
    if (!"constant".equals(hp.path("lr_schedule").asText("constant"))) {
      parts.add(hp.path("lr_schedule").asText() + " schedule");
      if (hp.path("cosine_restarts").size() > 0) {
        parts.add("restarts at " + hp.path("cosine_restarts") + " x" + hp.path("restart_lr_factor").asText());
      }
    }
    if (hp.hasNonNull("swa_start")) {
      parts.add("SWA from epoch " + (hp.path("swa_start").asInt() + 1)
          + (hp.hasNonNull("swa_lr") ? " at lr " + hp.path("swa_lr").asText() : ""));
    }
    JsonNode es = hp.path("early_stopping");
    if (es.isObject()) {
      parts.add("early stopping " + es.path("monitor").asText() + "/" + es.path("patience").asText());
    }
    return String.join(", ", parts);
  }

  /**
   * Figure file prefixes: each run folder's name, numbered by position when two folders share a name
   * (out/a/run and out/b/run), so one run's figures never overwrite another's.
   */
  static List<String> fileKeys(List<Entry> entries) {
    List<String> names = new ArrayList<>();
    for (Entry e : entries) {
      names.add(e.runDir().getFileName() == null ? e.label() : e.runDir().getFileName().toString());
    }
    boolean clash = names.stream().distinct().count() < names.size();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      keys.add(clash ? (i + 1) + "-" + names.get(i) : names.get(i));
    }
    return keys;
  }

  public static String formatP(double p) {
    return p < 1e-4 ? String.format(Locale.ROOT, "%.2e", p) : String.format(Locale.ROOT, "%.4f", p);
  }

  /** h:mm:ss */
  public static String durationText(double seconds) {
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
  }

  /** The JSON `fer score` writes beside a predictions file (throughput, model, data). */
  public static Path sidecar(Path predictions) {
    return Predictions.sidecar(predictions);
  }
}
