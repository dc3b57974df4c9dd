package org.fertk.study;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.fertk.analysis.Analysis;
import org.fertk.analysis.Comparison;
import org.fertk.analysis.Tables;
import org.fertk.data.FaceDataset;
import org.fertk.data.Fer2013CsvWriter;
import org.fertk.data.ReadOptions;
import org.fertk.data.SyntheticFaces;
import org.fertk.export.OnnxExport;
import org.fertk.export.Parity;
import org.fertk.onnx.tf.TfToOnnxConverter;
import org.fertk.score.Engine;
import org.fertk.score.OrtEngine;
import org.fertk.score.Predictions;
import org.fertk.score.Scorer;
import org.fertk.score.TestTimeAugmentation;
import org.fertk.train.DataPreparation;
import org.fertk.run.EpochLog;
import org.fertk.train.PreparedData;
import org.fertk.train.ResumeCheck;
import org.fertk.run.RunFolder;
import org.fertk.train.TrainConfig;
import org.fertk.train.Trainer;
import org.fertk.util.AtomicOutput;
import org.fertk.FerException;
import org.fertk.util.FolderLock;
import org.fertk.util.Json;
import org.fertk.util.Progress;

/**
 * `fer study`: for every run of a plan, train (or resume), export to ONNX with the parity check,
 * score the test split with ONNX Runtime, analyse; then compare the runs that share a test set.
 * Finished runs are skipped, so re-running the same command after an interruption picks up
 * where it stopped.
 */
public final class Study {
  /** Where the study reads and writes. */
  /** @param trialEpochs null, or at most this many epochs per run (see {@link StudyPlan#trial}) */
  /**
   * @param rerunChanged runs whose plan entry changed since their folder was written are trained
   *     again (their folders replaced); without it such a study is refused, naming the changes
   */
  public record Options(Path plan, Path data, Path out, boolean quiet, int threads, List<String> only,
      int bootstrap, long seed, Integer trialEpochs, boolean rerunChanged) {
    public Options(Path plan, Path data, Path out, boolean quiet, int threads, List<String> only, int bootstrap,
        long seed) {
      this(plan, data, out, quiet, threads, only, bootstrap, seed, null, false);
    }
  }

  /** The reports written, one per test set. */
  public record Result(List<Path> reports, List<Comparison.Output> comparisons) {}

  static final String PREDICTIONS = "test";

  private final Options options;
  private final PrintWriter out;

  public Study(Options options, PrintWriter out) {
    this.options = options;
    this.out = out;
  }

  public Result run() {
    Path dataFile = options.data();
    if (dataFile != null && !Files.exists(dataFile)) {
      throw new FerException(dataFile + ": file not found");
    }
    // validate the whole plan (specs, options) before the output folder is even created
    StudyPlan plan = StudyPlan.load(options.plan(), dataFile != null ? dataFile : options.out().resolve("data/synthetic.csv.gz"))
        .only(options.only());
    if (options.trialEpochs() != null) {
      plan = plan.trial(options.trialEpochs());
    }
    try (FolderLock lock = FolderLock.acquire(options.out())) {
      return runLocked(plan, dataFile);
    }
  }

  private Result runLocked(StudyPlan plan, Path dataFile) {
    checkChangedRuns(plan);
    if (dataFile == null) {
      dataFile = syntheticData(plan);
    }
    long t0 = System.nanoTime();
    Map<String, List<Comparison.Entry>> groups = new LinkedHashMap<>();
    Map<String, FaceDataset> testSets = new LinkedHashMap<>();
    List<StudyPlan.Run> runs = plan.runs();
    for (int i = 0; i < runs.size(); i++) {
      StudyPlan.Run r = runs.get(i);
      say(String.format(Locale.ROOT, "%n=== Study %s: run %d/%d '%s' (%s), elapsed %s ===", plan.name(), i + 1,
          runs.size(), r.id(), r.label(), Comparison.durationText((System.nanoTime() - t0) / 1e9)));
      FaceDataset test = runOne(r, i, runs.size(), t0);
      groups.computeIfAbsent(r.testKey(), k -> new ArrayList<>()).add(new Comparison.Entry(r.label(), runDir(r),
          new RunFolder(runDir(r)).predictions(PREDICTIONS), r.note()));
      testSets.putIfAbsent(r.testKey(), test);
    }
    List<Path> reports = new ArrayList<>();
    List<Comparison.Output> outputs = new ArrayList<>();
    for (Map.Entry<String, List<Comparison.Entry>> g : groups.entrySet()) {
      Path dir = groups.size() == 1 || reports.isEmpty() ? options.out().resolve("report")
          : options.out().resolve("report-" + g.getKey());
      String title = "Study '" + plan.name() + "'" + (g.getKey().equals("usage") ? " (test split: PublicTest)"
          : " (test split: " + g.getKey() + ")");
      Comparison.Output o = Comparison.run(g.getValue(), testSets.get(g.getKey()), dir, options.bootstrap(), options.seed(), title);
      say("\n" + title);
      say(Tables.markdown(o.table()));
      if (o.significance().rowCount() > 0) {
        say(Tables.markdown(o.significance()));
      }
      reports.add(dir.resolve("report.html"));
      outputs.add(o);
    }
    say(String.format(Locale.ROOT, "study finished in %s; reports: %s", Comparison.durationText((System.nanoTime() - t0) / 1e9),
        String.join(", ", reports.stream().map(Path::toString).toList())));
    return new Result(reports, outputs);
  }

  /**
   * A run folder holds the settings it was trained with; a plan edited since (another rate, more
   * epochs) must not pass for the runs already there. As {@code fer train --resume}, such a study
   * is refused with every change listed, or, on request, those runs are trained again.
   */
  private void checkChangedRuns(StudyPlan plan) {
    List<String> changes = new ArrayList<>();
    List<Path> changedDirs = new ArrayList<>();
    for (StudyPlan.Run r : plan.runs()) {
      RunFolder rf = new RunFolder(runDir(r));
      if (!Files.isRegularFile(rf.config())) {
        continue;
      }
      TrainConfig stored = TrainConfig.read(rf.config());
      TrainConfig now = withTeacherRuns(r);
      List<String> diffs = new ArrayList<>(ResumeCheck.conflicts(stored, now));
      if (stored.epochs() != now.epochs() && Files.isRegularFile(rf.manifest())) { // finished with other epochs
        diffs.add("epochs: " + stored.epochs() + " -> " + now.epochs());
      }
      if (!diffs.isEmpty()) {
        changes.add("run '" + r.id() + "' (" + String.join("; ", diffs) + ")");
        changedDirs.add(rf.dir());
      }
    }
    if (changes.isEmpty()) {
      return;
    }
    if (!options.rerunChanged()) {
      throw new FerException(options.plan() + ": " + (changes.size() == 1 ? "a run differs" : "runs differ")
          + " from what " + options.out() + " holds: " + String.join(", ", changes) + ". Restore the plan, write "
          + "the study into another folder, or train " + (changes.size() == 1 ? "it" : "them")
          + " again with " + FerException.setting("rerun_changed") + " (the run folders are replaced)");
    }
    for (int i = 0; i < changes.size(); i++) {
      say("plan changed, training again: " + changes.get(i));
      AtomicOutput.deleteQuietly(changedDirs.get(i));
    }
  }

  Path runDir(StudyPlan.Run r) {
    return options.out().resolve("runs").resolve(r.id());
  }

  /** The run's settings with teachers named by run id replaced by those runs' folders (trained before this one). */
  private TrainConfig withTeacherRuns(StudyPlan.Run r) {
    TrainConfig c = r.config();
    if (r.teacherRuns().isEmpty()) {
      return c;
    }
    Path runs = options.out().resolve("runs");
    List<Path> teachers = c.distillation().teachers().stream()
        .map(t -> r.teacherRuns().contains(t) ? runs.resolve(t) : Path.of(t)).toList();
    return c.toBuilder().teachers(teachers).build();
  }

  /**
   * For a run with start_from and no checkpoint of its own: copies the earlier run's last
   * checkpoint here when there is one (the plan checked that this run continues it exactly), so
   * the shared epochs are not trained twice. Without one, the run trains from scratch to the same
   * result.
   */
  private boolean continueEarlierRun(StudyPlan.Run r, RunFolder rf) {
    if (r.startFrom() == null) {
      return false;
    }
    RunFolder from = new RunFolder(options.out().resolve("runs").resolve(r.startFrom()));
    if (!from.hasCheckpoint()) {
      say("no checkpoint of run '" + r.startFrom() + "' to start from: training from scratch");
      return false;
    }
    rf.startFrom(from);
    int done = Trainer.epochsSaved(rf);
    say("starting from run '" + r.startFrom() + "' after its epoch " + done + " (its last checkpoint)");
    return true;
  }

  /** Train (or resume, or skip), export, score and analyse one run; returns its test faces. */
  private FaceDataset runOne(StudyPlan.Run r, int index, int total, long t0) {
    RunFolder rf = new RunFolder(runDir(r));
    TrainConfig config = withTeacherRuns(r);
    PreparedData prepared = DataPreparation.prepare(config, ReadOptions.STRICT, out);
    FaceDataset test = prepared.split().test();
    Path preds = rf.predictions(PREDICTIONS);
    if (Files.isRegularFile(rf.manifest()) && Files.isRegularFile(rf.onnx()) && Files.isRegularFile(preds)
        && Files.isRegularFile(rf.report().resolve("report.html"))) {
      say("finished earlier: skipped (delete " + rf.dir() + " to redo it)");
      return test;
    }
    if (!Files.isRegularFile(rf.manifest())) {
      boolean resume = rf.hasCheckpoint() || continueEarlierRun(r, rf);
      int epochs = r.config().epochs();
      Trainer.Listener progress = new Trainer.Listener() {
        private final long start = System.nanoTime();
        private int done;

        @Override
        public boolean onEpochEnd(EpochLog log, int epochCount) {
          done++;
          double per = (System.nanoTime() - start) / 1e9 / done;
          if (!options.quiet()) {
            out.printf(Locale.ROOT, "  [run %d/%d %s] epoch %d/%d; this run's remaining epochs need at most ~%s%n",
                index + 1, total, r.id(), log.epoch() + 1, epochs,
                Comparison.durationText(per * (epochs - log.epoch() - 1)));
            out.flush();
          }
          return false;
        }
      };
      new Trainer(config, rf.dir(), options.quiet(), out, options.threads()).withListener(progress)
          .withResumeHint("the same fer study command (a study resumes every unfinished run)")
          .run(prepared, resume);
    }
    if (!Files.isRegularFile(rf.onnx())) {
      int[] idx = IntStream.range(0, Math.min(256, prepared.split().train().size())).toArray();
      OnnxExport.Result ex = OnnxExport.export(rf.dir(), rf.onnx(), TfToOnnxConverter.Options.defaults(),
          prepared.split().train().select(idx), Parity.DEFAULT_TOLERANCE, options.threads());
      say(String.format(Locale.ROOT, "exported %s: parity max |diff| %.2g, argmax %d/%d", rf.onnx(),
          ex.parity().maxAbsDiff(), ex.parity().argmaxAgree(), ex.parity().samples()));
    }
    score(rf, test, preds, r.testKey().equals("usage") ? "PublicTest" : r.testKey());
    Analysis.run(new Analysis.Inputs(preds, rf.history(), rf.manifest(), test, "Run '" + r.id() + "': " + r.label()),
        rf.report(), options.bootstrap(), options.seed());
    say("report: " + rf.report().resolve("report.html"));
    return test;
  }

  private void score(RunFolder rf, FaceDataset test, Path preds, String split) {
    try (Engine e = OrtEngine.open(rf.onnx(), options.threads());
        Progress bar = Progress.create(options.quiet(), "Scoring", test.size(), "img")) {
      Scorer.Result res = new Scorer(List.of(e), 64, TestTimeAugmentation.NONE).score(test, bar);
      Predictions.write(preds, test, res.probs());
      Predictions.writeSidecar(preds, List.of(rf.onnx().toString()), "ort", List.of(test.source()),
          split, TestTimeAugmentation.NONE.name(), 64, res);
      int correct = res.scores().correct(test);
      say(String.format(Locale.ROOT, "scored %,d test faces with ONNX Runtime at %,.0f img/s: accuracy %.4f",
          test.size(), res.imagesPerSecond(), correct / (double) test.size()));
    }
  }

  /** The embedded default data: synthetic faces written once into the study folder. */
  private Path syntheticData(StudyPlan plan) {
    Path f = options.out().resolve("data/synthetic.csv.gz");
    if (!Files.isRegularFile(f)) {
      try {
        Files.createDirectories(f.getParent());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      FaceDataset d = new SyntheticFaces(plan.syntheticSeed()).generate(plan.syntheticCount(), 0.2);
      Fer2013CsvWriter.write(d, f);
      say(String.format(Locale.ROOT, "generated %,d synthetic faces (seed %d) in %s", d.size(), plan.syntheticSeed(), f));
    }
    return f;
  }

  private void say(String s) {
    if (!options.quiet()) {
      out.println(s);
      out.flush();
    }
  }
}
