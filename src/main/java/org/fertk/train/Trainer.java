package org.fertk.train;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.fertk.data.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.data.Scores;
import org.fertk.data.SplitSpec;
import org.fertk.data.Splits;
import org.fertk.model.ModelGraph;
import org.fertk.model.SequentialModel;
import org.fertk.util.AtomicOutput;
import org.fertk.util.CpuFeatures;
import org.fertk.util.FerException;
import org.fertk.util.FolderLock;
import org.fertk.util.Json;
import org.fertk.util.Progress;

/**
 * The training loop: shuffled, augmented batches prepared on a helper thread while TF runs the
 * previous step; validation each epoch; EarlyStopping / ReduceLROnPlateau / cosine schedule; a
 * history CSV; "last" and "best" checkpoints each epoch; resume; NaN guard; and at the end a
 * SavedModel plus manifest in the run folder.
 */
public final class Trainer {
  /** Observes epochs (the CLI prints them, the study aggregates them, tests interrupt). */
  public interface Listener {
    /** Return true to interrupt the run right after this epoch's checkpoint (as a kill would). */
    default boolean onEpochEnd(EpochLog log, int epochs) {
      return false;
    }
  }

  /** The data a run trains on, already split. */
  public record Prepared(SequentialModel model, SplitSpec.DataSplit split, String dataSha256,
      String dataSource) {}

  /** What a finished run reports. */
  public record Result(RunFolder run, TrainState state, EvalMetrics finalVal, EvalMetrics test,
      boolean interrupted) {}

  /** Loss and accuracy of the model on a set of faces. */
  public record EvalMetrics(double loss, double accuracy, int n) {}

  private final TrainConfig config;
  private final RunFolder run;
  private final boolean quiet;
  private final PrintWriter out;
  private final int threads;
  private Listener listener = new Listener() {};

  public Trainer(TrainConfig config, Path runDir, boolean quiet, PrintWriter out, int threads) {
    this.config = config;
    this.run = new RunFolder(runDir);
    this.quiet = quiet;
    this.out = out;
    this.threads = threads;
  }

  public Trainer withListener(Listener l) {
    this.listener = l;
    return this;
  }

  private Double lrOverride;

  /** On resume: continue with this learning rate instead of the checkpoint's (e.g. after divergence). */
  public Trainer withLearningRate(Double lr) {
    this.lrOverride = lr;
    return this;
  }

  /** Trains from scratch, or from the last checkpoint when resume is set and one exists. */
  public Result run(Prepared data, boolean resume) {
    boolean existed = Files.exists(run.dir());
    try (FolderLock lock = FolderLock.acquire(run.dir())) {
      Thread onInterrupt = new Thread(this::sayWhatWasSaved, "fer-interrupted");
      Runtime.getRuntime().addShutdownHook(onInterrupt);
      try {
        return runLocked(data, resume);
      } catch (RuntimeException e) {
        if (!existed && !run.hasCheckpoint()) {
          AtomicOutput.deleteQuietly(run.dir()); // nothing worth resuming: leave no half-made run folder
        }
        throw e;
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(onInterrupt);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running or has run
        }
      }
    }
  }

  /** How to continue this run; the CLI sets the command that does it. */
  private String resumeHint;

  public Trainer withResumeHint(String command) {
    this.resumeHint = command;
    return this;
  }

  /**
   * Runs when the process is stopped (Ctrl-C, kill) while training: says which checkpoint holds
   * the work and how to go on from it. Written to the terminal's stderr directly, since the
   * launcher's stderr filter receives the same signal.
   */
  private void sayWhatWasSaved() {
    java.io.PrintStream err = Progress.directErr();
    String how = resumeHint != null ? resumeHint : "fer train --resume --out " + run.dir();
    if (run.hasCheckpoint()) {
      int done = readState(run.lastCheckpoint()).nextEpoch;
      err.printf("%nfer: interrupted; epochs 1-%d are saved in %s. Continue with: %s%n", done, run.lastCheckpoint(), how);
    } else {
      err.printf("%nfer: interrupted before the first epoch ended; nothing to resume in %s%n", run.dir());
    }
    err.flush();
  }

  private Result runLocked(Prepared data, boolean resume) {
    TrainState state = resume && run.hasCheckpoint() ? readState(run.lastCheckpoint()) : null;
    if (state == null && !resume && run.hasCheckpoint()) {
      throw new FerException(run.dir() + " already holds a training run; use --resume to continue it or choose another --out");
    }
    if (state != null) {
      ResumeCheck.check(run.config(), config);
      ResumeCheck.checkData(run, state, data);
    }
    AtomicOutput.writeString(run.config(), Json.write(config) + "\n");
    writeSpec(data.model());
    FaceDataset train = data.split().train();
    if (config.mixedPrecision() && !quiet && !CpuFeatures.thisMachine().nativeBfloat16().orElse(true)) {
      out.println("note: this processor has no bfloat16 instructions (AVX512_BF16 or AMX): TensorFlow emulates "
          + "bfloat16 or keeps float32, so --precision bfloat16 will not train faster here");
    }
    double[] classWeights = ClassWeights.resolve(config.classWeight(), train.classCounts());
    try (TrainingGraph g = new TrainingGraph(data.model(), config.optimizer(), threads, config.mixedPrecision())) {
      if (state == null) {
        state = new TrainState();
        state.dataSha256 = data.dataSha256();
        state.learningRate = config.optimizer().learningRate();
        g.initialize(config.seed());
      } else {
        g.restoreCheckpoint(RunFolder.variablesPrefix(run.lastCheckpoint()));
        if (lrOverride != null) {
          state.learningRate = lrOverride;
        }
        if (!quiet) {
          out.printf("Resuming %s at epoch %d/%d%n", run.dir(), state.nextEpoch + 1, config.epochs());
          out.flush();
        }
      }
      EarlyStopping es = config.earlyStopping() == null ? null : new EarlyStopping(config.earlyStopping());
      ReduceLROnPlateau rlr = config.reduceLr() == null ? null : new ReduceLROnPlateau(config.reduceLr());
      if (es != null && state.earlyStopping != null) {
        es.restore(state.earlyStopping);
      }
      if (rlr != null && state.reduceLr != null) {
        rlr.restore(state.reduceLr);
      }
      Path savedAverage = swaPath(run.lastCheckpoint()); // present only when resuming an averaging run
      WeightAverage swa = config.swaStart() == null ? null
          : Files.isRegularFile(savedAverage) ? WeightAverage.read(savedAverage) : new WeightAverage();
      boolean interrupted = false;
      try (BatchSource batches = new BatchSource(train, classWeights, config)) {
        while (!state.stopped && state.nextEpoch < config.epochs()) {
          int epoch = state.nextEpoch;
          EpochLog log = runEpoch(g, batches, data.split(), epoch, state);
          state.history.add(log);
          Map<String, Double> logs = log.asLogs();
          boolean saveBest = false;
          if (es != null) {
            EarlyStopping.Decision d = es.onEpochEnd(epoch, logs);
            saveBest = d.saveBestWeights();
            state.stopped = d.stop();
            state.earlyStopping = es.state();
          } else if (state.bestValLoss == null || log.valLoss() < state.bestValLoss) {
            saveBest = true;
          }
          if (state.bestValLoss == null || log.valLoss() < state.bestValLoss) {
            state.bestValLoss = log.valLoss();
          }
          if (rlr != null) {
            state.learningRate = rlr.onEpochEnd(epoch, logs, state.learningRate);
            state.reduceLr = rlr.state();
          }
          state.nextEpoch = epoch + 1;
          if (saveBest) {
            state.bestCheckpointEpoch = epoch;
          }
          if (swa != null && epoch >= config.swaStart()) {
            swa.add(g.context().read(g.session(), g.trainableNames()));
          }
          writeHistory(state);
          checkpoint(g, state, saveBest, swa);
          printEpoch(log, state, es);
          if (listener.onEpochEnd(log, config.epochs())) {
            interrupted = true;
            break;
          }
        }
      }
      if (interrupted) {
        return new Result(run, state, null, null, true);
      }
      if (es != null && es.restoreAtEnd() && state.bestCheckpointEpoch >= 0) {
        g.restoreCheckpoint(RunFolder.variablesPrefix(run.bestCheckpoint()));
        if (!quiet) {
          out.printf("Restoring model weights from the end of the best epoch: %d.%n", state.bestCheckpointEpoch + 1);
        }
      }
      if (swa != null && swa.count() > 0) {
        finishWithAverage(g, swa, train, state);
      }
      EvalMetrics finalVal = evaluate(g, data.split().val());
      EvalMetrics test = data.split().valIsTest() ? finalVal : evaluate(g, data.split().test());
      exportSavedModel(g);
      RunManifest.write(run, config, data, state, finalVal, test, es);
      return new Result(run, state, finalVal, test, false);
    }
  }

  private void writeSpec(SequentialModel model) {
    Path src = Path.of(config.graph());
    try {
      AtomicOutput.writeString(run.spec(), Files.readString(src));
    } catch (IOException e) {
      AtomicOutput.writeString(run.spec(), Json.write(model.toJson()) + "\n");
    }
  }

  // ---------------------------------------------------------------- one epoch

  private EpochLog runEpoch(TrainingGraph g, BatchSource batches, SplitSpec.DataSplit split, int epoch,
      TrainState state) {
    FaceDataset train = split.train();
    int n = train.size();
    int bs = config.batchSize();
    int steps = (n + bs - 1) / bs;
    int[] order = Splits.all(train);
    Splits.shuffle(order, new SplittableRandom(mix(config.seed(), epoch, -1)));
    double lossSum = 0;
    double correct = 0;
    long t0 = System.nanoTime();
    String task = String.format(Locale.ROOT, "Epoch %d/%d", epoch + 1, config.epochs());
    try (Progress bar = Progress.create(quiet, task, n, "img")) {
      Future<BatchSource.Batch> next = batches.prepare(order, 0, bs, epoch);
      for (int b = 0; b < steps; b++) {
        BatchSource.Batch batch = await(next);
        if (b + 1 < steps) {
          next = batches.prepare(order, b + 1, bs, epoch);
        }
        double lr = config.scheduledLr(state.learningRate, state.step, steps);
        TrainingGraph.StepResult r = g.step(batch.x, batch.y, batch.w, batch.n, (float) lr,
            state.step + 1, new long[] {config.seed(), state.step});
        if (!Float.isFinite(r.loss())) {
          String where = String.format(Locale.ROOT, "training diverged: the loss became %s at epoch %d, batch %d/%d",
              r.loss(), epoch + 1, b + 1, steps);
          throw new FerException(epoch == 0 ? where + "; no epoch finished, so there is no checkpoint. Lower --lr."
              : where + String.format(Locale.ROOT, "; the last good checkpoint (end of epoch %d) is in %s. "
                  + "Lower the learning rate and continue with --resume.", epoch, run.lastCheckpoint()));
        }
        batches.recycle(batch);
        state.step++;
        lossSum += r.loss() * batch.n;
        correct += r.correct();
        int seen = Math.min(n, (b + 1) * bs);
        bar.step(batch.n, String.format(Locale.ROOT, " loss %.4f acc %.4f", lossSum / seen, correct / seen));
      }
    }
    double trainSecs = (System.nanoTime() - t0) / 1e9;
    state.trainSeconds += trainSecs;
    state.imagesSeen += n;
    EvalMetrics val = evaluate(g, split.val());
    double epochLr = config.scheduledLr(state.learningRate, Math.max(0, state.step - 1), steps);
    return new EpochLog(epoch, correct / n, lossSum / n, val.accuracy(), val.loss(), epochLr,
        (System.nanoTime() - t0) / 1e9, n / trainSecs);
  }

  /** Keras-style evaluation: mean cross-entropy (probabilities clipped to [1e-7, 1-1e-7]) + L2 penalty. */
  EvalMetrics evaluate(TrainingGraph g, FaceDataset data) {
    return evaluate(g, data, config.labelSmoothing(), g.penalty());
  }

  public static EvalMetrics evaluate(ModelGraph g, FaceDataset data, double smoothing, double penalty) {
    int[] idx = Splits.all(data);
    float[] p = g.predict(data, idx, 256);
    double loss = 0;
    int correct = 0;
    double off = smoothing / Emotion.COUNT;
    Scores scores = new Scores(p);
    for (int k = 0; k < idx.length; k++) {
      int y = data.label(k);
      for (int c = 0; c < Emotion.COUNT; c++) {
        double q = Math.min(1 - 1e-7, Math.max(1e-7, p[k * Emotion.COUNT + c]));
        double t = (c == y ? 1 - smoothing : 0) + off;
        if (t > 0) {
          loss -= t * Math.log(q);
        }
      }
      correct += scores.argmax(k) == y ? 1 : 0;
    }
    return new EvalMetrics(loss / idx.length + penalty, correct / (double) idx.length, idx.length);
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** A well-mixed 64-bit key for (seed, epoch, batch): independent random streams per batch. */
  static long mix(long seed, long epoch, long batch) {
    long z = seed * 0x9E3779B97F4A7C15L ^ (epoch + 1) * 0xC2B2AE3D27D4EB4FL ^ (batch + 2) * 0x165667B19E3779F9L;
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return z ^ (z >>> 33);
  }

  // ---------------------------------------------------------------- files

  /**
   * SWA's last step: load the averaged weights, then re-estimate the batch-norm moving statistics
   * for them with training-mode forward passes over the (unaugmented) training faces. The moving
   * averages keep their momentum, so one pass leaves the old statistics a weight of momentum^batches.
   */
  private void finishWithAverage(TrainingGraph g, WeightAverage swa, FaceDataset train, TrainState state) {
    long t0 = System.nanoTime();
    g.context().assign(g.session(), swa.mean());
    int bs = config.batchSize();
    float[] x = new float[bs * FaceDataset.PIXELS];
    try (Progress bar = Progress.create(quiet, "SWA: batch-norm statistics", train.size(), "img")) {
      for (int start = 0; start < train.size(); start += bs) {
        int n = Math.min(bs, train.size() - start);
        for (int k = 0; k < n; k++) {
          train.toUnitFloats(start + k, x, k * FaceDataset.PIXELS);
        }
        g.updateStatistics(x, n, new long[] {config.seed(), -1 - start});
        bar.step(n, "");
      }
    }
    state.trainSeconds += (System.nanoTime() - t0) / 1e9;
    state.swaSnapshots = swa.count();
    if (!quiet) {
      out.printf("Finished with the average of the weights of %d epochs (SWA) and re-estimated batch norm.%n",
          swa.count());
      out.flush();
    }
  }

  static Path swaPath(Path checkpoint) {
    return checkpoint.resolve("swa-average.bin");
  }

  private void checkpoint(TrainingGraph g, TrainState state, boolean best, WeightAverage swa) {
    Path tmp = run.checkpoints().resolve("last.tmp");
    AtomicOutput.deleteQuietly(tmp);
    try {
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    g.saveCheckpoint(RunFolder.variablesPrefix(tmp));
    AtomicOutput.writeString(RunFolder.statePath(tmp), Json.write(state) + "\n");
    if (swa != null && swa.count() > 0) {
      swa.write(swaPath(tmp));
    }
    if (best) {
      Path btmp = run.checkpoints().resolve("best.tmp");
      AtomicOutput.deleteQuietly(btmp);
      RunFolder.copyFolder(tmp, btmp);
      RunFolder.replaceFolder(run.bestCheckpoint(), btmp);
    }
    RunFolder.replaceFolder(run.lastCheckpoint(), tmp);
  }

  static TrainState readState(Path checkpoint) {
    try {
      return Json.MAPPER.readValue(Files.readString(RunFolder.statePath(checkpoint)), TrainState.class);
    } catch (IOException e) {
      throw new FerException(RunFolder.statePath(checkpoint) + ": unreadable checkpoint state (" + e.getMessage() + ")");
    }
  }

  private void writeHistory(TrainState state) {
    StringBuilder sb = new StringBuilder(EpochLog.CSV_HEADER).append('\n');
    for (EpochLog l : state.history) {
      sb.append(l.csvRow()).append('\n');
    }
    AtomicOutput.writeString(run.history(), sb.toString());
  }

  private void exportSavedModel(TrainingGraph g) {
    Map<String, float[]> weights = g.context().read(g.session());
    Path tmp = run.dir().resolve("saved_model.tmp");
    AtomicOutput.deleteQuietly(tmp);
    try (ModelGraph inf = ModelGraph.inference(g.model(), threads)) {
      Map<String, float[]> modelWeights = new java.util.LinkedHashMap<>();
      for (String name : inf.context().slots().keySet()) {
        modelWeights.put(name, weights.get(name));
      }
      inf.context().assign(inf.session(), modelWeights);
      inf.exportSavedModel(tmp);
    }
    AtomicOutput.deleteQuietly(run.savedModel());
    try {
      AtomicOutput.move(tmp, run.savedModel());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void printEpoch(EpochLog log, TrainState state, EarlyStopping es) {
    if (quiet) {
      return;
    }
    out.printf(Locale.ROOT, "Epoch %d/%d - loss %.4f - accuracy %.4f - val_loss %.4f - val_accuracy %.4f"
            + " - lr %.3g - %.0fs - %,.0f img/s%n",
        log.epoch() + 1, config.epochs(), log.loss(), log.accuracy(), log.valLoss(), log.valAccuracy(),
        log.learningRate(), log.seconds(), log.imagesPerSecond());
    if (state.stopped && es != null) {
      out.printf("Epoch %d: early stopping%n", es.state().stoppedEpoch + 1);
    }
    out.flush();
  }
}
