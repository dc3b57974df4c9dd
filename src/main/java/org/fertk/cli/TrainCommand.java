package org.fertk.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.fertk.train.DataPreparation;
import org.fertk.train.RunFolder;
import org.fertk.train.TrainConfig;
import org.fertk.train.TrainOptions;
import org.fertk.train.Trainer;
import org.fertk.util.FerException;
import org.fertk.util.Json;
import org.fertk.util.UsageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Train a graph spec natively in TensorFlow Java; writes a run folder with a "
        + "SavedModel, history.csv, checkpoints and manifest.json.")
final class TrainCommand extends BaseCommand {
  @Option(names = "--graph", description = "Architecture spec (Keras JSON) in graphs/.")
  Path graph;

  @Option(names = "--data", description = "FER2013 CSV(.gz) or image folder; default: synthetic faces.")
  Path data;

  @Option(names = "--synthetic", defaultValue = "3500", description = "Synthetic faces when no --data (default ${DEFAULT-VALUE}).")
  int synthetic;

  @Option(names = {"--split-by", "--split"}, defaultValue = "usage", description = "How to split the data: usage (train on Training, test on PublicTest) or random (default ${DEFAULT-VALUE}; --split is the old spelling).")
  String split;

  @Option(names = "--test-fraction", defaultValue = "0.2", description = "For --split random (default ${DEFAULT-VALUE}).")
  double testFraction;

  @Option(names = "--val-fraction", defaultValue = "0",
      description = "Validation carved from training; 0 = validate on the test split (default ${DEFAULT-VALUE}).")
  double valFraction;

  @Option(names = "--epochs", defaultValue = "10", description = "Epochs (default ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "64", description = "Batch size (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--optimizer", defaultValue = "adam", description = "adam or sgd (default ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--lr", description = "Learning rate (default 1e-3 for adam, 1e-2 for sgd); with --resume, "
      + "the rate to continue with.")
  Double lr;

  @Option(names = "--momentum", defaultValue = "0", description = "SGD momentum (default ${DEFAULT-VALUE}).")
  double momentum;

  @Option(names = "--nesterov", description = "Nesterov momentum (SGD).")
  boolean nesterov;

  @Option(names = "--lr-schedule", defaultValue = "constant", description = "constant or cosine (default ${DEFAULT-VALUE}).")
  String lrSchedule;

  @Option(names = "--warmup-epochs", defaultValue = "0", description = "Linear warm-up epochs for cosine (default ${DEFAULT-VALUE}).")
  int warmupEpochs;

  @Option(names = "--cosine-restarts", split = ",", paramLabel = "EPOCH",
      description = "Epochs where the cosine schedule restarts (warm restarts, SGDR), e.g. 75.")
  java.util.List<Integer> cosineRestarts = new java.util.ArrayList<>();

  @Option(names = "--restart-lr-factor", defaultValue = "1",
      description = "Peak rate of each restart cycle relative to the previous one (default ${DEFAULT-VALUE}).")
  double restartLrFactor;

  @Option(names = "--swa-start", paramLabel = "EPOCH",
      description = "Average the weights of every epoch from this one (0-based) on and finish with that average (SWA).")
  Integer swaStart;

  @Option(names = "--swa-lr", paramLabel = "LR",
      description = "Constant learning rate from --swa-start on (default: the schedule keeps running).")
  Double swaLr;

  @Option(names = "--l2", defaultValue = "0", description = "L2 penalty on every kernel without its own regularizer.")
  double l2;

  @Option(names = "--class-weight", defaultValue = "none", description = "none, balanced, or 7 comma-separated weights.")
  String classWeight;

  @Option(names = "--augment", defaultValue = "none", description = "none, minimal (flip + shift), standard (flip, rotation 10, shift and zoom 10%%) or strong (shift and zoom 20%%).")
  String augment;

  @Option(names = "--random-erasing", defaultValue = "0", description = "Probability of random erasing (default ${DEFAULT-VALUE}).")
  double erasing;

  @Option(names = "--label-smoothing", defaultValue = "0", description = "Label smoothing (default ${DEFAULT-VALUE}).")
  double labelSmoothing;

  @Option(names = "--early-stopping", arity = "0..1", fallbackValue = "",
      description = "Keras EarlyStopping: monitor, min_delta, patience, mode, baseline, restore_best_weights, "
          + "start_from_epoch, e.g. 'patience=10,restore_best_weights=true'.")
  String earlyStopping;

  @Option(names = "--reduce-lr-on-plateau", arity = "0..1", fallbackValue = "",
      description = "Keras ReduceLROnPlateau: monitor, factor, patience, mode, min_delta, cooldown, min_lr.")
  String reduceLr;

  @Option(names = "--seed", defaultValue = "42", description = "Seed for weights, shuffling, augmentation, dropout (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--precision", defaultValue = "float32",
      description = "float32 or bfloat16 (mixed precision: convolutions and matrix products in bfloat16, weights "
          + "in float32; about 1.3x faster on CPUs with AVX512_BF16; the exported model is float32).")
  String precision;

  @Option(names = "--threads", defaultValue = "0", description = "TF intra-op threads, 0 = all cores.")
  int threads;

  @Option(names = "--out", description = "Run folder (default runs/<model>-<time>).")
  Path out;

  @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint.")
  boolean resume;


  @Mixin
  DataInputOptions input;

  @Override
  public Integer call() {
    TrainConfig config;
    try {
      config = resume ? resumedConfig() : buildConfig();
    } catch (FerException e) {
      if (e instanceof UsageException || (graph != null && !Files.isRegularFile(graph)) || resume) {
        throw e; // a missing file or a stored run is a failed input, not a usage error
      }
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Path runDir = out != null ? out : defaultRunDir(config);
    Trainer.Prepared prepared = DataPreparation.prepare(config, input.readOptions(), err());
    if (!quiet()) {
      out().printf("Training %s on %s (%,d train / %,d val%s), %d epochs, run folder %s%n",
          prepared.model().name(), prepared.dataSource(), prepared.split().train().size(),
          prepared.split().val().size(), prepared.split().valIsTest() ? " = test" : "", config.epochs(), runDir);
      out().flush();
    }
    Trainer.Result r = new Trainer(config, runDir, quiet(), out(), threads)
        .withLearningRate(resume ? lr : null).run(prepared, resume);
    out().printf(Locale.ROOT, "%s: val_accuracy %.4f, test_accuracy %.4f after %d epochs (%.0f s, %,.0f img/s)%n",
        runDir, r.finalVal().accuracy(), r.test().accuracy(), r.state().history.size(),
        r.state().trainSeconds, r.state().imagesSeen / Math.max(1e-9, r.state().trainSeconds));
    return 0;
  }

  /**
   * The stored run's settings with the options given on this command line on top: the Trainer
   * then refuses, listing each, the changes that would alter finished epochs (as `fer study`
   * does), and --data on other faces. --lr is the rate to continue with, not a setting.
   */
  TrainConfig resumedConfig() {
    if (out == null) {
      throw new UsageException("--resume needs --out RUN_DIR");
    }
    RunFolder rf = new RunFolder(out);
    if (!Files.isRegularFile(rf.config())) {
      throw new FerException(out + ": no run to resume (run-config.json not found)");
    }
    TrainConfig stored = TrainConfig.read(rf.config());
    ObjectNode o = TrainOptions.fromConfig(stored);
    ObjectNode given = options();
    ParseResult pr = spec.commandLine().getParseResult();
    for (var opt : spec.options()) {
      String key = opt.longestName().equals("--split-by") ? "split" : opt.longestName().substring(2).replace('-', '_');
      if (pr.hasMatchedOption(opt) && TrainOptions.KEYS.contains(key) && !key.equals("lr")) {
        o.set(key, given.get(key));
        if (!given.has(key)) {
          o.remove(key);
        }
      }
    }
    String g = graph != null ? graph.toString() : stored.graph();
    String d = data != null ? data.toString() : stored.data();
    return TrainOptions.toConfig(o, g, d);
  }

  TrainConfig buildConfig() {
    ParseResult pr = spec.commandLine().getParseResult();
    if (pr.hasMatchedOption("--test-fraction") && split.equalsIgnoreCase("usage")) {
      throw new UsageException("--test-fraction applies to --split random only (--split usage tests on PublicTest)");
    }
    if (graph == null) {
      throw new UsageException("--graph is required (see 'fer graphs' for the specs)");
    }
    if (!Files.isRegularFile(graph)) {
      throw new FerException(graph + ": file not found");
    }
    return TrainOptions.toConfig(options(), graph.toString(), data == null ? null : data.toString());
  }

  /** This command line's training options by their plan names (what TrainOptions reads). */
  private ObjectNode options() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("synthetic", synthetic).put("split", split).put("test_fraction", testFraction).put("val_fraction", valFraction)
        .put("epochs", epochs).put("batch_size", batchSize).put("optimizer", optimizer).put("momentum", momentum)
        .put("nesterov", nesterov).put("lr_schedule", lrSchedule).put("warmup_epochs", warmupEpochs).put("l2", l2)
        .put("class_weight", classWeight).put("augment", augment).put("random_erasing", erasing)
        .put("label_smoothing", labelSmoothing).put("seed", seed).put("restart_lr_factor", restartLrFactor)
        .put("precision", precision);
    cosineRestarts.forEach(o.putArray("cosine_restarts")::add);
    if (swaStart != null) {
      o.put("swa_start", swaStart);
    }
    if (swaLr != null) {
      o.put("swa_lr", swaLr);
    }
    if (lr != null) {
      o.put("lr", lr);
    }
    if (earlyStopping != null) {
      o.put("early_stopping", earlyStopping);
    }
    if (reduceLr != null) {
      o.put("reduce_lr_on_plateau", reduceLr);
    }
    return o;
  }

  static Path defaultRunDir(TrainConfig config) {
    String name = Path.of(config.graph()).getFileName().toString().replaceFirst("\\.json$", "");
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    return Path.of("runs", name + "-" + stamp);
  }
}
