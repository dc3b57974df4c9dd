package org.fertk.train;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.fertk.Callback;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.data.Scores;
import org.fertk.data.SplitSpec;
import org.fertk.data.Splits;
import org.fertk.model.ModelGraph;
import org.fertk.model.Network;
import org.fertk.util.AtomicOutput;
import org.fertk.util.CpuFeatures;
import org.fertk.FerException;
import org.fertk.util.FolderLock;
import org.fertk.util.Json;
import org.fertk.util.Progress;
import org.fertk.util.ProtectedInputs;
import org.fertk.run.RunFolder;
import org.fertk.run.EpochLog;

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

  /** What a finished run reports. */
  /**
   * @param staleExports ONNX files of the run made from its earlier weights, removed when the new
   *     SavedModel replaced those weights (a resumed run): export them again
   */
  public record Result(RunFolder run, TrainState state, EvalMetrics finalVal, EvalMetrics test,
      boolean interrupted, List<Path> staleExports) {}

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
  private final List<Callback> userCallbacks = new ArrayList<>();
  private boolean runFolderVisible = true;

  /** Adds users' callbacks; they run after the toolkit's own and before the checkpoint. */
  public Trainer withCallbacks(List<Callback> callbacks) {
    userCallbacks.addAll(callbacks);
    return this;
  }

  private boolean progressBars = true;

  /** Library runs log epoch lines but draw no bars, whatever the terminal. */
  public Trainer withProgressBars(boolean shown) {
    this.progressBars = shown;
    return this;
  }

  /** For runs in a temporary folder: callbacks are told there is no run folder. */
  public Trainer withHiddenRunFolder() {
    this.runFolderVisible = false;
    return this;
  }

  /** On resume: continue with this learning rate instead of the checkpoint's (e.g. after divergence). */
  public Trainer withLearningRate(Double lr) {
    this.lrOverride = lr;
    return this;
  }

  /** Set by the shutdown hook: the loop stops at the next batch boundary, outside TensorFlow. */
  private volatile boolean stopRequested;
  /** Counted down once the loop has let go of TensorFlow and ONNX Runtime. */
  private final CountDownLatch released = new CountDownLatch(1);
  /** How long a signal waits for the current step (or validation pass) before the JVM exits anyway. */
  private static final long STOP_WAIT_SECONDS = 60;

  /** Thrown inside the loop when a signal asked it to stop. */
  private static final class StopRequested extends RuntimeException {
    StopRequested() {
      super("stopped by a signal", null, false, false);
    }
  }

  /** Trains from scratch, or from the last checkpoint when resume is set and one exists. */
  public Result run(PreparedData data, boolean resume) {
    // the run's files replace none of the command's inputs (a spec kept as RUN/spec.json): refused
    // before run-config.json, the first of them, is written
    ProtectedInputs.checkFolderOutputs(run.dir(), RunFolder.FILES::contains);
    boolean existed = Files.exists(run.dir());
    Thread onInterrupt = new Thread(this::stopAndSayWhatWasSaved, "fer-interrupted");
    try (FolderLock lock = FolderLock.acquire(run.dir())) {
      Runtime.getRuntime().addShutdownHook(onInterrupt);
      try {
        return runLocked(data, resume);
      } catch (RuntimeException | OutOfMemoryError e) {
        if (!existed && !run.hasCheckpoint()) {
          AtomicOutput.deleteQuietly(run.dir()); // nothing worth resuming: leave no half-made run folder
        }
        if (e instanceof OutOfMemoryError) {
          throw new FerException(run.dir() + ": training ran out of memory (" + e.getMessage() + "); raise the heap "
              + "with JAVA_OPTS=-Xmx..., or train a smaller network or batch");
        }
        throw e;
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(onInterrupt);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running or has run
        }
      }
    } finally {
      released.countDown();
      if (stopRequested) {
        waitForTheJvmToHalt();
      }
    }
  }

  /**
   * The JVM is exiting and its hook reports the saved state; returning or throwing here would let
   * callers print or exit (System.exit blocks during shutdown), so this thread just waits.
   */
  private static void waitForTheJvmToHalt() {
    while (true) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException ignored) {
        // keep waiting: the halt ends this thread
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
   * Runs when the process is stopped (Ctrl-C, kill) while training. The JVM must not exit while a
   * TensorFlow step runs on the training thread (the native code then crashes on freed memory),
   * so the hook asks the loop to stop at the next batch, waits until it has closed its sessions,
   * then says which checkpoint holds the work and how to go on from it.
   */
  private void stopAndSayWhatWasSaved() {
    stopRequested = true;
    try {
      released.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sayWhatWasSaved();
  }

  /**
   * Written to the terminal's stderr directly, since the launcher's stderr filter receives the
   * same signal.
   */
  private void sayWhatWasSaved() {
    PrintStream err = Progress.directErr();
    String how = resumeHint != null ? resumeHint : "training again into " + run.dir() + " with resume set";
    if (run.hasCheckpoint()) {
      int done = Checkpoints.readState(run.lastCheckpoint()).nextEpoch;
      err.printf("%nfer: interrupted; epochs 1-%d are saved in %s. Continue with: %s%n", done, run.lastCheckpoint(), how);
    } else {
      err.printf("%nfer: interrupted before the first epoch ended; nothing to resume in %s%n", run.dir());
    }
    err.flush();
  }

  private Result runLocked(PreparedData data, boolean resume) {
    TrainState state = resume && run.hasCheckpoint() ? Checkpoints.readState(run.lastCheckpoint()) : null;
    if (state == null && !resume && run.hasCheckpoint()) {
      throw new FerException(run.dir() + " already holds a training run; set " + FerException.setting("resume") + " to continue it, or choose "
          + "another " + FerException.setting("out") + " folder");
    }
    if (state != null) {
      ResumeCheck.check(run.config(), config);
      ResumeCheck.checkData(run, state, data);
    }
    AtomicOutput.writeString(run.config(), Json.write(config.toJson()) + "\n");
    writeSpec(data.model());
    FaceDataset train = data.split().train();
    if (config.mixedPrecision() && !quiet && !CpuFeatures.thisMachine().nativeBfloat16().orElse(true)) {
      out.println("note: this processor has no bfloat16 instructions (AVX512_BF16 or AMX): TensorFlow emulates "
          + "bfloat16 or keeps float32, so precision bfloat16 will not train faster here");
    }
    double[] classWeights = ClassWeights.resolve(config.classWeight(), train.classCounts());
    try (Teachers teachers = config.distillation().active() ? Teachers.open(config.distillation().teachers(),
        config.distillation().teacherViews(), threads)
            : null;
        TrainingGraph g = new TrainingGraph(data.model(), config.optimizer(), threads, config.mixedPrecision(),
            config.distillation(), config.stochasticDepth())) {
      boolean resumed = state != null;
      if (!resumed) {
        state = new TrainState();
        state.dataSha256 = data.dataSha256();
        state.learningRate = config.optimizer().learningRate();
        g.initialize(config.seed());
        if (config.initialWeights() != null) {
          g.context().assign(g.session(), StartingWeights.read(Path.of(config.initialWeights()), data.model()));
          if (!quiet) {
            out.println("Starting from the weights of " + config.initialWeights());
          }
        }
      } else {
        Checkpoints.restoreWeights(g, run.lastCheckpoint());
        if (lrOverride != null) {
          state.learningRate = lrOverride;
        }
        if (!quiet) {
          out.printf("Resuming %s at epoch %d/%d%n", run.dir(), state.nextEpoch + 1, config.epochs());
          out.flush();
        }
      }
      TrainingRun ctx = new TrainingRun(config, state, g, run, runFolderVisible, train, quiet, out);
      int steps = (train.size() + config.batchSize() - 1) / config.batchSize();
      try (CallbackList callbacks = callbacks(ctx, steps, resumed)) {
        if (resumed) {
          callbacks.restore(state.callbacks);
        }
        callbacks.onTrainBegin(ctx);
        try (BatchSource batches = new BatchSource(train, classWeights, config, teachers)) {
          while (!state.stopped && state.nextEpoch < config.epochs()) {
            stopIfAsked();
            int epoch = state.nextEpoch;
            callbacks.onEpochBegin(epoch);
            EpochLog log = runEpoch(g, batches, data.split(), epoch, state, steps, callbacks);
            state.history.add(log);
            state.nextEpoch = epoch + 1;
            callbacks.onEpochEnd(epoch, log.callbackLogs());
            if (ctx.interrupted) {
              return new Result(run, state, null, null, true, List.of());
            }
          }
        }
        callbacks.onTrainEnd(state.history.get(state.history.size() - 1).callbackLogs());
      }
      EvalMetrics finalVal = evaluate(g, data.split().val());
      EvalMetrics test = data.split().valIsTest() ? finalVal : evaluate(g, data.split().test());
      List<Path> stale = exportSavedModel(g);
      RunManifest.write(run, config, data, state, finalVal, test, teachers == null ? Map.of() : teachers.hashes());
      return new Result(run, state, finalVal, test, false, stale);
    }
  }

  /**
   * The run's callbacks in Keras' order: the toolkit's state-changing ones, then the user's, then
   * the history file and the checkpoint (which saves everyone's state), the display last.
   */
  private CallbackList callbacks(TrainingRun ctx, int steps, boolean resumed) {
    CallbackList list = new CallbackList();
    list.add(new NanGuard(ctx, steps));
    EarlyStoppingCallback es = config.earlyStopping() == null ? null
        : new EarlyStoppingCallback(config.earlyStopping(), ctx);
    if (es != null) {
      list.add(es);
    }
    if (config.reduceLr() != null) {
      list.add(new ReduceLrCallback(config.reduceLr()));
    }
    WeightAveraging swa = null;
    if (config.swaStart() != null) {
      swa = new WeightAveraging(ctx, resumed ? Checkpoints.readAverage(run.lastCheckpoint()) : new WeightAverage());
      list.add(swa);
    }
    userCallbacks.forEach(list::add);
    list.add(new HistoryCsv(ctx));
    list.add(new ModelCheckpoint(ctx, list, es, swa));
    list.add(new ProgressDisplay(ctx, progressBars));
    list.add(new Callback() {
      @Override
      public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (listener.onEpochEnd(ctx.state.history.get(ctx.state.history.size() - 1), config.epochs())) {
          ctx.interrupted = true;
        }
      }

      @Override
      public String name() {
        return "listener";
      }
    });
    list.checkNames();
    return list;
  }

  private void writeSpec(Network model) {
    Path src = Path.of(config.graph());
    try {
      AtomicOutput.writeString(run.spec(), Files.readString(src));
    } catch (IOException e) {
      AtomicOutput.writeString(run.spec(), Json.write(model.toJson()) + "\n");
    }
  }

  // ---------------------------------------------------------------- one epoch

  private EpochLog runEpoch(TrainingGraph g, BatchSource batches, SplitSpec.DataSplit split, int epoch,
      TrainState state, int steps, CallbackList callbacks) {
    FaceDataset train = split.train();
    int n = train.size();
    int bs = config.batchSize();
    int[] order = Splits.all(train);
    Splits.shuffle(order, new SplittableRandom(Seeds.mix(config.seed(), epoch, -1)));
    double lossSum = 0;
    double correct = 0;
    long t0 = System.nanoTime();
    Future<BatchSource.Batch> next = batches.prepare(order, 0, bs, epoch);
    for (int b = 0; b < steps; b++) {
      BatchSource.Batch batch = await(next);
      if (b + 1 < steps) {
        next = batches.prepare(order, b + 1, bs, epoch);
      }
      double lr = config.scheduledLr(state.learningRate, state.step, steps);
      TrainingGraph.StepResult r = g.step(batch.x, batch.y, batch.soft, batch.w, batch.n, (float) lr,
          state.step + 1, new long[] {config.seed(), state.step});
      int size = batch.n;
      lossSum += r.loss() * size;
      correct += r.correct();
      int seen = Math.min(n, (b + 1) * bs);
      Map<String, Double> logs = new HashMap<>(4);
      logs.put("loss", Float.isFinite(r.loss()) ? lossSum / seen : (double) r.loss());
      logs.put("accuracy", correct / seen);
      logs.put("size", (double) size);
      callbacks.onBatchEnd(b, logs); // the NaN guard stops here, before the step counts
      batches.recycle(batch);
      state.step++;
      stopIfAsked();
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

  /** A batch boundary: the only place a signal may end the loop (checkpoints are whole epochs). */
  private void stopIfAsked() {
    if (stopRequested) {
      throw new StopRequested();
    }
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

  // ---------------------------------------------------------------- files

  /** How many epochs a run's last checkpoint holds (what a resume continues after). */
  public static int epochsSaved(RunFolder run) {
    return Checkpoints.readState(run.lastCheckpoint()).nextEpoch;
  }

  static TrainState readState(Path checkpoint) {
    return Checkpoints.readState(checkpoint);
  }

  /**
   * Writes the run's SavedModel; ONNX files in the run folder were made from the weights it
   * replaces, so they are removed rather than left to disagree with it silently.
   *
   * @return the ONNX files removed
   */
  private List<Path> exportSavedModel(TrainingGraph g) {
    Map<String, float[]> weights = g.context().read(g.session());
    Path tmp = run.dir().resolve("saved_model.tmp");
    AtomicOutput.deleteQuietly(tmp);
    try (ModelGraph inf = ModelGraph.inference(g.model(), threads)) {
      Map<String, float[]> modelWeights = new LinkedHashMap<>();
      for (String name : inf.context().slots().keySet()) {
        modelWeights.put(name, weights.get(name));
      }
      inf.context().assign(inf.session(), modelWeights);
      inf.exportSavedModel(tmp);
    }
    List<Path> stale = new ArrayList<>();
    try (var files = Files.list(run.dir())) {
      files.filter(f -> f.getFileName().toString().endsWith(".onnx") && Files.isRegularFile(f)).sorted()
          .forEach(stale::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    stale.forEach(AtomicOutput::deleteQuietly);
    AtomicOutput.deleteQuietly(run.savedModel());
    try {
      AtomicOutput.move(tmp, run.savedModel());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return stale;
  }
}
