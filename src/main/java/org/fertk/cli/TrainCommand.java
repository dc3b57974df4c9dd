package org.fertk.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.fertk.export.Parity;
import org.fertk.onnx.tf.TfToOnnxConverter;
import org.fertk.train.DataPreparation;
import org.fertk.train.Distillation;
import org.fertk.train.PreparedData;
import org.fertk.run.RunFolder;
import org.fertk.train.TrainConfig;
import org.fertk.train.Trainer;
import org.fertk.FerException;
import org.fertk.util.SettingException;
import org.fertk.util.UsageException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * `fer train`: fills {@link TrainConfig.Builder} from the flags given (the builder holds the
 * defaults), or, with --resume, the stored run's builder with the flags given again on top.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    // --graph is needed unless --resume reads it from the run: say so rather than show it optional
    customSynopsis = {"fer train --graph=GRAPH [--data=DATA | --synthetic=N] [--out=OUT] [OPTION...]",
        "       fer train --resume --out=OUT [--epochs=EPOCHS] [OPTION...]"},
    description = "Train a graph spec natively in TensorFlow Java; writes a run folder with a "
        + "SavedModel, history.csv, checkpoints and manifest.json.")
final class TrainCommand extends BaseCommand implements CliText.FlagNames {
  static final class DataOptions {
    @Option(names = "--data", paramLabel = "DATA", description = "FER2013 CSV(.gz) or image folder; default: synthetic faces.")
    Path data;

    @Option(names = "--synthetic", paramLabel = "N",
        description = "Synthetic faces when no --data (default " + TrainConfig.Builder.SYNTHETIC + ").")
    Integer synthetic;

    @Option(names = {"--split-by", "--split"}, paramLabel = "MODE",
        description = "usage (train on Training, test on PublicTest) or random (default " + TrainConfig.Builder.SPLIT + "; --split is the old spelling).")
    String split;

    @Option(names = "--test-fraction", paramLabel = "TEST_FRACTION", description = "Test share for --split-by random (default " + TrainConfig.Builder.TEST_FRACTION + ").")
    Double testFraction;

    @Option(names = "--val-fraction", paramLabel = "VAL_FRACTION", description = "Validation carved from training (default " + TrainConfig.Builder.VAL_FRACTION + "); 0 validates on the test split.")
    Double valFraction;
  }

  static final class ModelOptions {
    @Option(names = "--graph", paramLabel = "GRAPH", description = "Architecture spec (Keras JSON) in graphs/.")
    Path graph;

    @Option(names = {"--start-from", "--initial-weights"}, paramLabel = "RUN",
        description = "Start from the weights of this run folder (e.g. one written by fer import keras) or "
            + "SavedModel instead of fresh ones: fine-tuning. Without --graph, the run's own spec.json.")
    Path startFrom;

    @Option(names = "--precision", paramLabel = "P",
        description = "float32 or bfloat16 (default " + TrainConfig.Builder.PRECISION + "; bfloat16 is mixed "
            + "precision: convolutions and matrix products in bfloat16, weights in float32; about 1.3x faster on "
            + "CPUs with AVX512_BF16; the exported model is float32).")
    String precision;

    @Option(names = "--seed", paramLabel = "SEED", description = "Seed for weights, shuffling, augmentation, dropout (default "
        + TrainConfig.Builder.SEED + ").")
    Long seed;
  }

  static final class OptimizerOptions {
    @Option(names = "--epochs", paramLabel = "EPOCHS", description = "Epochs (default " + TrainConfig.Builder.EPOCHS + ").")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "BATCH_SIZE", description = "Batch size (default " + TrainConfig.Builder.BATCH_SIZE + ").")
    Integer batchSize;

    @Option(names = "--optimizer", paramLabel = "OPTIMIZER", description = "adam or sgd (default " + TrainConfig.Builder.OPTIMIZER + ").")
    String optimizer;

    @Option(names = "--lr", paramLabel = "LR", description = "Learning rate (default 1e-3 for adam, 1e-2 for sgd); with --resume, "
        + "the rate to continue with.")
    Double lr;

    @Option(names = "--momentum", paramLabel = "MOMENTUM", description = "SGD momentum (default " + TrainConfig.Builder.MOMENTUM + ").")
    Double momentum;

    @Option(names = "--nesterov", description = "Nesterov momentum (SGD).")
    Boolean nesterov;
  }

  static final class ScheduleOptions {
    @Option(names = "--lr-schedule", paramLabel = "LR_SCHEDULE", description = "constant or cosine (default " + TrainConfig.Builder.LR_SCHEDULE + ").")
    String lrSchedule;

    @Option(names = "--warmup-epochs", paramLabel = "WARMUP_EPOCHS", description = "Linear warm-up epochs for cosine (default " + TrainConfig.Builder.WARMUP_EPOCHS + ").")
    Integer warmupEpochs;

    @Option(names = "--cosine-restarts", split = ",", paramLabel = "EPOCH",
        description = "Epochs where the cosine schedule restarts (warm restarts, SGDR), e.g. 75.")
    List<Integer> cosineRestarts;

    @Option(names = "--restart-lr-factor", paramLabel = "RESTART_LR_FACTOR",
        description = "Peak rate of each restart cycle relative to the previous one (default " + TrainConfig.Builder.RESTART_LR_FACTOR + ").")
    Double restartLrFactor;

    @Option(names = "--swa-start", paramLabel = "EPOCH",
        description = "Average the weights of every epoch from this one (0-based) on and finish with that average (SWA).")
    Integer swaStart;

    @Option(names = "--swa-lr", paramLabel = "LR",
        description = "Constant learning rate from --swa-start on (default: the schedule keeps running).")
    Double swaLr;
  }

  static final class RegularisationOptions {
    @Option(names = "--l2", paramLabel = "L2", description = "L2 penalty on every kernel without its own regularizer (default " + TrainConfig.Builder.L2 + ").")
    Double l2;

    @Option(names = "--class-weight", paramLabel = "CLASS_WEIGHT", description = "none, balanced, or 7 comma-separated weights (default " + TrainConfig.Builder.CLASS_WEIGHT + ").")
    String classWeight;

    @Option(names = "--augment", paramLabel = "AUGMENT", description = "none, minimal (flip + shift), standard (flip, rotation 10, shift and zoom 10%%) or "
        + "strong (shift and zoom 20%%) (default " + TrainConfig.Builder.AUGMENT + ").")
    String augment;

    @Option(names = "--random-erasing", paramLabel = "ERASING", description = "Probability of random erasing (default: the preset's, 0).")
    Double erasing;

    @Option(names = "--label-smoothing", paramLabel = "LABEL_SMOOTHING", description = "Label smoothing (default " + TrainConfig.Builder.LABEL_SMOOTHING + ").")
    Double labelSmoothing;

    @Option(names = "--mixup", paramLabel = "ALPHA",
        description = "Mixup: faces and targets of a batch blended with the batch reversed, lambda ~ Beta(ALPHA, ALPHA) "
            + "(e.g. 0.2-0.8; default 0, off).")
    Double mixup;

    @Option(names = "--cutmix", paramLabel = "ALPHA",
        description = "CutMix: a box of the partner face pasted in, targets mixed by area, lambda ~ Beta(ALPHA, ALPHA) "
            + "(e.g. 1.0; default 0, off). With --mixup too, each mixed batch is one or the other.")
    Double cutmix;

    @Option(names = "--mix-prob", paramLabel = "P", description = "Share of batches mixed by --mixup/--cutmix (default 1).")
    Double mixProb;

    @Option(names = "--stochastic-depth", paramLabel = "RATE",
        description = "Residual networks: drop each residual branch per face in training, the deepest with probability "
            + "RATE, the others linearly less (e.g. 0.1; default 0, off).")
    Double stochasticDepth;
  }

  static final class DistillationOptions {
    @Option(names = "--teacher", split = ",", paramLabel = "MODEL",
        description = "Distil from these teachers (ONNX files, folders with model.onnx, run folders; several are "
            + "averaged), scored on the same augmented batches.")
    List<Path> teachers;

    @Option(names = "--distill-weight", paramLabel = "W",
        description = "Share of the teachers' soft targets in the loss (default " + Distillation.DEFAULT_WEIGHT + ").")
    Double distillWeight;

    @Option(names = "--distill-temperature", paramLabel = "T",
        description = "Softmax temperature of the soft targets (default " + Distillation.DEFAULT_TEMPERATURE + ").")
    Double distillTemperature;

    @Option(names = "--teacher-tta", paramLabel = "VIEWS",
        description = "Views of each face the teachers average, as fer score --tta: none, flip or crops "
            + "(default none; flip doubles the teachers' cost).")
    String teacherTta;
  }

  static final class CallbackOptions {
    @Option(names = "--early-stopping", paramLabel = "EARLY_STOPPING", arity = "0..1", fallbackValue = "",
        description = "Keras EarlyStopping: monitor, min_delta, patience, mode, baseline, restore_best_weights, "
            + "start_from_epoch, e.g. 'patience=10,restore_best_weights=true'.")
    String earlyStopping;

    @Option(names = "--reduce-lr-on-plateau", paramLabel = "REDUCE_LR", arity = "0..1", fallbackValue = "",
        description = "Keras ReduceLROnPlateau: monitor, factor, patience, mode, min_delta, cooldown, min_lr.")
    String reduceLr;
  }

  static final class OutputOptions {
    @Option(names = "--out", paramLabel = "OUT", description = "Run folder (default runs/<model>-<time>).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint.")
    boolean resume;
  }

  @ArgGroup(validate = false, heading = "%nData:%n", order = 1)
  DataOptions dataOpts = new DataOptions();

  @ArgGroup(validate = false, heading = "%nModel:%n", order = 2)
  ModelOptions modelOpts = new ModelOptions();

  @ArgGroup(validate = false, heading = "%nOptimizer:%n", order = 3)
  OptimizerOptions optOpts = new OptimizerOptions();

  @ArgGroup(validate = false, heading = "%nSchedule:%n", order = 4)
  ScheduleOptions schedOpts = new ScheduleOptions();

  @ArgGroup(validate = false, heading = "%nRegularisation:%n", order = 5)
  RegularisationOptions regOpts = new RegularisationOptions();

  @ArgGroup(validate = false, heading = "%nDistillation:%n", order = 6)
  DistillationOptions distOpts = new DistillationOptions();

  @ArgGroup(validate = false, heading = "%nCallbacks:%n", order = 7)
  CallbackOptions cbOpts = new CallbackOptions();

  @ArgGroup(validate = false, heading = "%nOutput:%n", order = 8)
  OutputOptions outOpts = new OutputOptions();

  @Mixin
  ThreadsOption threadsOption;

  @Mixin
  DataInputOptions input;

  @Override
  public Integer call() {
    TrainConfig config;
    try {
      config = outOpts.resume ? resumedConfig() : buildConfig();
    } catch (SettingException e) {
      throw new UsageException(e.withNames(TrainCommand::flagOf));
    }
    Path runDir = outOpts.out != null ? outOpts.out : defaultRunDir(config);
    PreparedData prepared;
    try {
      prepared = DataPreparation.prepare(config, input.readOptions(), err());
    } catch (SettingException e) {
      throw new UsageException(e.withNames(TrainCommand::flagOf));
    }
    if (!quiet()) {
      out().printf("Training %s on %s (%,d train / %,d val%s), %d epochs, run folder %s%n",
          prepared.model().name(), prepared.dataSource(), prepared.split().train().size(),
          prepared.split().val().size(), prepared.split().valIsTest() ? " = test" : "", config.epochs(), runDir);
      out().flush();
    }
    Trainer.Result r = new Trainer(config, runDir, quiet(), out(), threadsOption.threads)
        .withResumeHint("fer train --resume --out " + runDir)
        .withLearningRate(outOpts.resume ? optOpts.lr : null).run(prepared, outOpts.resume);
    out().printf(Locale.ROOT, "%s: val_accuracy %.4f, test_accuracy %.4f after %d epochs (%.0f s, %,.0f img/s)%n",
        runDir, r.finalVal().accuracy(), r.test().accuracy(), r.state().history.size(),
        r.state().trainSeconds, r.state().imagesSeen / Math.max(1e-9, r.state().trainSeconds));
    for (Path stale : r.staleExports()) { // ONNX files of the weights this run replaced
      if (stale.getFileName().toString().equals("model.onnx")) {
        out().println(stale + " held the earlier weights; exporting the new ones:");
        ExportReport.exportAndReport(this, runDir, stale, TfToOnnxConverter.Options.defaults().opset(),
            ExportReport.parityFaces(runDir, null, 256), Parity.DEFAULT_TOLERANCE, threadsOption.threads);
      } else {
        out().println("removed " + stale + ", made from the earlier weights (export or quantize it again)");
      }
    }
    return 0;
  }

  @Override
  public String flag(String key) {
    return flagOf(key);
  }

  /** The command-line flag of a setting's key. */
  static String flagOf(String key) {
    return key.equals("split") ? "--split-by" : CliText.flag(key, null);
  }

  /**
   * The stored run's settings with the options given on this command line on top: the Trainer
   * then refuses, listing each, the changes that would alter finished epochs (as `fer study`
   * does), and --data on other faces. --lr is the rate to continue with, not a setting.
   */
  TrainConfig resumedConfig() {
    if (outOpts.out == null) {
      throw new UsageException("--resume needs --out RUN_DIR");
    }
    RunFolder rf = new RunFolder(outOpts.out);
    if (!Files.isRegularFile(rf.config())) {
      throw new FerException(outOpts.out + ": no run to resume (run-config.json not found)");
    }
    TrainConfig.Builder b = TrainConfig.read(rf.config()).toBuilder();
    apply(b, false);
    if (modelOpts.graph != null) {
      b.graph(modelOpts.graph);
    }
    return b.build();
  }

  TrainConfig buildConfig() {
    if (dataOpts.testFraction != null && !"random".equalsIgnoreCase(dataOpts.split)) {
      throw new UsageException("--test-fraction applies to --split-by random only (--split-by usage tests on PublicTest)");
    }
    Path graph = modelOpts.graph;
    if (graph == null && modelOpts.startFrom != null) {
      graph = modelOpts.startFrom.resolve("spec.json");
    }
    if (graph == null) {
      throw new UsageException("--graph is required (see 'fer graphs' for the specs)");
    }
    if (!Files.isRegularFile(graph)) {
      throw new FerException(graph + ": file not found");
    }
    TrainConfig.Builder b = TrainConfig.builder().graph(graph);
    apply(b, true);
    return b.build();
  }

  /** Sets on the builder every setting given on the command line; the builder keeps the others. */
  private void apply(TrainConfig.Builder b, boolean fresh) {
    if (dataOpts.data != null) {
      b.data(dataOpts.data);
    }
    set(dataOpts.synthetic, b::synthetic);
    set(dataOpts.split, b::split);
    set(dataOpts.testFraction, b::testFraction);
    set(dataOpts.valFraction, b::valFraction);
    set(modelOpts.precision, b::precision);
    set(modelOpts.startFrom, b::initialWeights);
    set(modelOpts.seed, b::seed);
    set(optOpts.epochs, b::epochs);
    set(optOpts.batchSize, b::batchSize);
    set(optOpts.optimizer, b::optimizer);
    if (fresh) {
      set(optOpts.lr, b::learningRate);
    }
    set(optOpts.momentum, b::momentum);
    set(optOpts.nesterov, b::nesterov);
    set(schedOpts.lrSchedule, b::lrSchedule);
    set(schedOpts.warmupEpochs, b::warmupEpochs);
    set(schedOpts.cosineRestarts, b::cosineRestarts);
    set(schedOpts.restartLrFactor, b::restartLrFactor);
    set(schedOpts.swaStart, b::swaStart);
    set(schedOpts.swaLr, b::swaLr);
    set(regOpts.l2, b::l2);
    set(regOpts.classWeight, b::classWeight);
    set(regOpts.augment, b::augment);
    set(regOpts.erasing, b::randomErasing);
    set(regOpts.labelSmoothing, b::labelSmoothing);
    set(regOpts.mixup, b::mixup);
    set(regOpts.cutmix, b::cutmix);
    set(regOpts.mixProb, b::mixProbability);
    set(regOpts.stochasticDepth, b::stochasticDepth);
    set(distOpts.teachers, b::teachers);
    set(distOpts.distillWeight, b::distillWeight);
    set(distOpts.distillTemperature, b::distillTemperature);
    set(distOpts.teacherTta, b::teacherTta);
    set(cbOpts.earlyStopping, b::earlyStopping);
    set(cbOpts.reduceLr, b::reduceLrOnPlateau);
  }

  private static <T> void set(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }

  static Path defaultRunDir(TrainConfig config) {
    String name = Path.of(config.graph()).getFileName().toString().replaceFirst("\\.json$", "");
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    return Path.of("runs", name + "-" + stamp);
  }
}
