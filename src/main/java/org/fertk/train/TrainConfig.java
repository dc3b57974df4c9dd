package org.fertk.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.fertk.Emotion;
import org.fertk.data.SplitSpec;
import org.fertk.FerException;
import org.fertk.util.Json;
import org.fertk.util.SettingException;

/**
 * Everything that determines a training run. Stored in the run folder (run-config.json) and in
 * the manifest; a resumed run must use the same settings (only {@code epochs} may grow).
 *
 * @param graph architecture spec file
 * @param data dataset file or folder; null means synthetic faces
 * @param syntheticCount how many synthetic faces when data is null
 * @param split how the faces are split into training, validation and test
 * @param epochs epochs to train
 * @param batchSize faces per optimizer step
 * @param optimizer Adam or SGD and their settings
 * @param l2 L2 penalty on every kernel without its own regularizer
 * @param classWeight "none", "balanced" or seven comma-separated weights
 * @param augment the augmentation preset's name
 * @param augmentation the augmentation the preset and random erasing give
 * @param labelSmoothing label smoothing in [0, 1)
 * @param earlyStopping Keras EarlyStopping's settings, or null
 * @param reduceLr Keras ReduceLROnPlateau's settings, or null
 * @param lrSchedule "constant" (optionally with ReduceLROnPlateau) or "cosine" (per-step decay
 *     from the initial rate to 0 over all epochs, after {@code warmupEpochs} of linear warm-up)
 * @param warmupEpochs epochs of linear warm-up before a cosine schedule
 * @param restarts epochs at which a cosine schedule starts a new cycle (warm restarts, as in SGDR
 *     and Keras' CosineDecayRestarts); empty for one cycle over all epochs
 * @param restartFactor peak rate of each new cycle relative to the previous one's
 * @param swaStart null, or the first (0-based) epoch whose end-of-epoch weights enter a stochastic
 *     weight average that replaces the final weights (batch norm re-estimated afterwards)
 * @param swaLr null, or a constant learning rate from {@code swaStart} on (SWA's own schedule,
 *     as PyTorch's SWALR); null keeps the schedule running while the weights are averaged
 * @param precision "float32", or "bfloat16": TensorFlow's oneDNN mixed precision (convolutions,
 *     matrix products, their gradients and the activations between them in bfloat16; weights,
 *     optimizer state and the loss in float32), about 1.3x faster on CPUs with AVX512_BF16 or
 *     AMX; exported models are float32
 * @param initialWeights null, or a run folder or SavedModel whose weights replace the initial ones
 *     (fine-tuning an imported or earlier model; every weight of the spec must be there, same shape)
 * @param mixing mixup and CutMix of training batches ({@link Mixing#NONE}: off)
 * @param distillation teachers and how their soft targets enter the loss ({@link Distillation#NONE}: off)
 * @param stochasticDepth drop rate of the deepest residual branch (stochastic depth, linear in
 *     depth), in [0, 1); 0 = off
 * @param seed seed of weights, shuffling, augmentation and dropout
 */
public record TrainConfig(String graph, String data, int syntheticCount, SplitSpec split, int epochs,
    int batchSize, OptimizerConfig optimizer, double l2, String classWeight, String augment,
    Augmentation augmentation, double labelSmoothing, EarlyStopping.Config earlyStopping,
    ReduceLROnPlateau.Config reduceLr, String lrSchedule, int warmupEpochs, List<Integer> restarts,
    double restartFactor, Integer swaStart, Double swaLr, String precision, String initialWeights, Mixing mixing,
    Distillation distillation, double stochasticDepth, long seed) {

  /**
   * Validates the settings together; {@link #builder()} fills in the defaults.
   *
   * @param graph see the record's description
   * @param data see the record's description
   * @param syntheticCount see the record's description
   * @param split see the record's description
   * @param epochs see the record's description
   * @param batchSize see the record's description
   * @param optimizer see the record's description
   * @param l2 see the record's description
   * @param classWeight see the record's description
   * @param augment see the record's description
   * @param augmentation see the record's description
   * @param labelSmoothing see the record's description
   * @param earlyStopping see the record's description
   * @param reduceLr see the record's description
   * @param lrSchedule see the record's description
   * @param warmupEpochs see the record's description
   * @param restarts see the record's description
   * @param restartFactor see the record's description
   * @param swaStart see the record's description
   * @param swaLr see the record's description
   * @param precision see the record's description
   * @param initialWeights see the record's description
   * @param mixing see the record's description
   * @param distillation see the record's description
   * @param stochasticDepth see the record's description
   * @param seed see the record's description
   * @throws SettingException naming the key of a bad setting
   */
  public TrainConfig {
    mixing = mixing == null ? Mixing.NONE : mixing; // run-config.json files older than these
    distillation = distillation == null ? Distillation.NONE : distillation;
    if (!(stochasticDepth >= 0 && stochasticDepth < 1)) {
      throw new SettingException("stochastic_depth must be in [0, 1), got " + stochasticDepth, "stochastic_depth");
    }
    restarts = restarts == null ? List.of() : List.copyOf(restarts); // run-config.json files older than restarts
    precision = checkPrecision(precision == null ? FLOAT32 : precision); // and older than precision
    if (epochs < 1) {
      throw new SettingException("epochs must be at least 1, got " + epochs, "epochs");
    }
    if (batchSize < 1 || batchSize > 8192) {
      throw new SettingException("batch_size must be between 1 and 8192, got " + batchSize, "batch_size");
    }
    if (!(l2 >= 0)) {
      throw new SettingException("l2 must be >= 0, got " + l2, "l2");
    }
    if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
      throw new SettingException("label_smoothing must be in [0,1), got " + labelSmoothing, "label_smoothing");
    }
    if (syntheticCount < 14) {
      throw new SettingException("synthetic must be at least 14 faces, got " + syntheticCount, "synthetic");
    }
    if (!lrSchedule.equals("constant") && !lrSchedule.equals("cosine")) {
      throw new SettingException("lr_schedule must be constant or cosine, got '" + lrSchedule + "'", "lr_schedule");
    }
    if (lrSchedule.equals("cosine") && reduceLr != null) {
      throw new SettingException("reduce_lr_on_plateau cannot be combined with lr_schedule cosine", "reduce_lr_on_plateau", "lr_schedule");
    }
    ClassWeights.resolve(classWeight, new int[Emotion.COUNT]); // the format, before any run folder exists
    if (warmupEpochs > 0 && !lrSchedule.equals("cosine")) {
      throw new SettingException("warmup_epochs applies to lr_schedule cosine only", "warmup_epochs", "lr_schedule");
    }
    if (restarts.isEmpty() && restartFactor != 1) {
      throw new SettingException("restart_lr_factor needs cosine_restarts", "restart_lr_factor", "cosine_restarts");
    }
    if (warmupEpochs < 0 || warmupEpochs >= epochs && warmupEpochs > 0) {
      throw new SettingException("warmup_epochs must be in [0, epochs), got " + warmupEpochs, "warmup_epochs");
    }
    if (swaStart != null) {
      if (swaStart < 0 || swaStart >= epochs) {
        throw new SettingException("swa_start must be an epoch in [0, epochs), got " + swaStart, "swa_start");
      }
      if (swaLr != null && !(swaLr > 0)) {
        throw new SettingException("swa_lr must be > 0, got " + swaLr, "swa_lr");
      }
      if (earlyStopping != null && earlyStopping.restoreBestWeights()) {
        throw new SettingException("swa_start cannot be combined with early stopping's restore_best_weights", "swa_start");
      }
    } else if (swaLr != null) {
      throw new SettingException("swa_lr needs swa_start", "swa_lr", "swa_start");
    }
    if (!restarts.isEmpty()) {
      if (!lrSchedule.equals("cosine")) {
        throw new SettingException("cosine_restarts needs lr_schedule cosine", "cosine_restarts", "lr_schedule");
      }
      int previous = warmupEpochs;
      for (int r : restarts) {
        if (r <= previous || r >= epochs) {
          throw new SettingException("cosine_restarts must be increasing epochs after the warm-up and before epochs ("
              + epochs + "), got " + restarts, "cosine_restarts");
        }
        previous = r;
      }
      if (!(restartFactor > 0 && restartFactor <= 1)) {
        throw new SettingException("restart_lr_factor must be in (0,1], got " + restartFactor, "restart_lr_factor");
      }
    }
  }

  /** Full precision. */
  public static final String FLOAT32 = "float32";
  /** Mixed precision: bfloat16 arithmetic, float32 weights. */
  public static final String BFLOAT16 = "bfloat16";

  /**
   * Checks a precision name.
   *
   * @param precision the name
   * @return the name, when it is float32 or bfloat16
   * @throws SettingException naming the choices otherwise
   */
  public static String checkPrecision(String precision) {
    if (!precision.equals(FLOAT32) && !precision.equals(BFLOAT16)) {
      throw new SettingException("precision must be " + FLOAT32 + " or " + BFLOAT16 + ", got '" + precision + "'", "precision");
    }
    return precision;
  }

  /** @return true when training runs convolutions and matrix products in bfloat16 */
  public boolean mixedPrecision() {
    return precision.equals(BFLOAT16);
  }

  /**
   * A run's stored settings (its run-config.json): the keys of {@link #toJson()}, or the
   * camelCase record fields that files written before one spelling per setting hold.
   *
   * @param file the run-config.json
   * @return the settings
   * @throws org.fertk.FerException naming the file when it is unreadable or a setting is bad
   */
  public static TrainConfig read(Path file) {
    ObjectNode o = (ObjectNode) TrainOptions.normalize(Json.read(file)).deepCopy();
    JsonNode g = o.remove("graph");
    JsonNode d = o.remove("data");
    try {
      return TrainOptions.toConfig(o, g == null ? null : g.asText(), d == null || d.isNull() ? null : d.asText());
    } catch (FerException e) {
      throw new FerException(file + ": " + e.getMessage());
    }
  }

  /**
   * These settings as run-config.json and manifests keep them: the graph and data files, then
   * one snake_case key per setting, the names of plans and of `fer train`'s flags.
   *
   * @return a new JSON object
   */
  public ObjectNode toJson() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("graph", graph);
    o.put("data", data);
    o.setAll(TrainOptions.fromConfig(this));
    return o;
  }

  /**
   * A builder with every setting at its default; {@link Builder#build()} validates them together.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding these settings, to change some of them.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder().graph(graph).synthetic(syntheticCount).split(split.mode())
        .testFraction(split.testFraction()).valFraction(split.valFraction()).epochs(epochs).batchSize(batchSize)
        .optimizer(optimizer.name()).learningRate(optimizer.learningRate()).momentum(optimizer.momentum())
        .nesterov(optimizer.nesterov()).l2(l2).classWeight(classWeight).augment(augment)
        .randomErasing(augmentation.erasing()).labelSmoothing(labelSmoothing).earlyStopping(earlyStopping)
        .reduceLrOnPlateau(reduceLr).lrSchedule(lrSchedule).warmupEpochs(warmupEpochs).cosineRestarts(restarts)
        .restartLrFactor(restartFactor).swaStart(swaStart).swaLr(swaLr).precision(precision).seed(seed)
        .mixup(mixing.mixupAlpha()).cutmix(mixing.cutmixAlpha()).mixProbability(mixing.probability())
        .distillWeight(distillation.weight()).distillTemperature(distillation.temperature())
        .teacherTta(distillation.teacherViews()).stochasticDepth(stochasticDepth);
    b.teachers = distillation.teachers();
    b.data = data;
    b.initialWeights = initialWeights;
    return b;
  }

  /**
   * The same settings with a different number of epochs (what a resume may change).
   *
   * @param e the number of epochs
   * @return the changed settings
   */
  public TrainConfig withEpochs(int e) {
    return new TrainConfig(graph, data, syntheticCount, split, e, batchSize, optimizer, l2,
        classWeight, augment, augmentation, labelSmoothing, earlyStopping, reduceLr, lrSchedule,
        warmupEpochs, restarts, restartFactor, swaStart, swaLr, precision, initialWeights, mixing, distillation,
        stochasticDepth, seed);
  }

  /**
   * These settings over at most {@code n} epochs (a trial of a long run): restarts and weight
   * averaging that would begin at or after epoch n are dropped, the warm-up shortened to fit.
   *
   * @param n the most epochs
   * @return the shortened settings
   */
  public TrainConfig trial(int n) {
    int e = Math.min(epochs, n);
    List<Integer> r = restarts.stream().filter(x -> x < e && x > Math.min(warmupEpochs, e - 1)).toList();
    Integer swa = swaStart != null && swaStart < e ? swaStart : null;
    return new TrainConfig(graph, data, syntheticCount, split, e, batchSize, optimizer, l2, classWeight, augment,
        augmentation, labelSmoothing, earlyStopping, reduceLr, lrSchedule, Math.min(warmupEpochs, e - 1), r,
        r.isEmpty() ? 1 : restartFactor, swa, swa == null ? null : swaLr, precision, initialWeights, mixing,
        distillation, stochasticDepth, seed);
  }

  /**
   * Learning rate for a step under the schedule (before ReduceLROnPlateau's changes). Cosine:
   * linear warm-up, then in each cycle a half cosine from the cycle's peak to 0; cycle k peaks at
   * base * restartFactor^k. Without restarts this is one cycle over all epochs. A constant SWA
   * rate replaces any schedule from the first averaged epoch on.
   *
   * @param base the base rate (after ReduceLROnPlateau)
   * @param step 0-based optimizer step
   * @param stepsPerEpoch batches per epoch
   * @return the learning rate of the step
   */
  public double scheduledLr(double base, long step, long stepsPerEpoch) {
    if (swaLr != null && step >= swaStart * stepsPerEpoch) {
      return swaLr;
    }
    if (!lrSchedule.equals("cosine")) {
      return base;
    }
    long warm = warmupEpochs * stepsPerEpoch;
    if (step < warm) {
      return base * (step + 1) / warm;
    }
    long start = warm;
    long end = epochs * stepsPerEpoch;
    double peak = base;
    for (int r : restarts) {
      long boundary = r * stepsPerEpoch;
      if (step < boundary) {
        end = boundary;
        break;
      }
      start = boundary;
      peak *= restartFactor;
    }
    double progress = (step - start) / (double) Math.max(1, end - start);
    return peak * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
  }

  /**
   * Named settings with their defaults in one place: the command line, study plans and Java code
   * all fill this builder. Each setting's key (in plans and run-config.json) is the setter's name
   * in snake_case, and its command-line flag the same with dashes.
   *
   * <pre>{@code
   * TrainConfig c = TrainConfig.builder().graph(Path.of("graphs/paper-cnn-4conv-32to256-d256-512-do05.json")).epochs(30)
   *     .optimizer("sgd").learningRate(0.01).momentum(0.9).augment("standard").build();
   * }</pre>
   */
  public static final class Builder {
    /** Default number of epochs. */
    public static final int EPOCHS = 10;
    /** Default batch size. */
    public static final int BATCH_SIZE = 64;
    /** Default number of synthetic faces when no data is given. */
    public static final int SYNTHETIC = 3500;
    /** Default seed. */
    public static final long SEED = 42;
    /** Default split mode. */
    public static final String SPLIT = "usage";
    /** Default test share of a random split. */
    public static final double TEST_FRACTION = 0.2;
    /** Default validation share carved from training (0: validate on the test split). */
    public static final double VAL_FRACTION = 0;
    /** Default optimizer. */
    public static final String OPTIMIZER = "adam";
    /** Default SGD momentum. */
    public static final double MOMENTUM = 0;
    /** Default L2 penalty. */
    public static final double L2 = 0;
    /** Default class weights. */
    public static final String CLASS_WEIGHT = "none";
    /** Default augmentation preset. */
    public static final String AUGMENT = "none";
    /** Default label smoothing. */
    public static final double LABEL_SMOOTHING = 0;
    /** Default learning-rate schedule. */
    public static final String LR_SCHEDULE = "constant";
    /** Default warm-up epochs. */
    public static final int WARMUP_EPOCHS = 0;
    /** Default peak factor of restart cycles. */
    public static final double RESTART_LR_FACTOR = 1;
    /** Default precision. */
    public static final String PRECISION = FLOAT32;

    private String graph;
    private String data;
    private int synthetic = SYNTHETIC;
    private String split = SPLIT;
    private double testFraction = TEST_FRACTION;
    private double valFraction = VAL_FRACTION;
    private int epochs = EPOCHS;
    private int batchSize = BATCH_SIZE;
    private String optimizer = OPTIMIZER;
    private Double learningRate;
    private double momentum = MOMENTUM;
    private boolean nesterov;
    private double l2 = L2;
    private String classWeight = CLASS_WEIGHT;
    private String augment = AUGMENT;
    private Double randomErasing;
    private double labelSmoothing = LABEL_SMOOTHING;
    private EarlyStopping.Config earlyStopping;
    private ReduceLROnPlateau.Config reduceLr;
    private String lrSchedule = LR_SCHEDULE;
    private int warmupEpochs = WARMUP_EPOCHS;
    private List<Integer> cosineRestarts = List.of();
    private double restartLrFactor = RESTART_LR_FACTOR;
    private Integer swaStart;
    private Double swaLr;
    private String precision = PRECISION;
    private String initialWeights;
    private double mixup;
    private double cutmix;
    private double mixProbability = 1;
    private List<String> teachers = List.of();
    private double distillWeight = Distillation.DEFAULT_WEIGHT;
    private double distillTemperature = Distillation.DEFAULT_TEMPERATURE;
    private String teacherViews = Distillation.DEFAULT_VIEWS;
    private double stochasticDepth;
    private long seed = SEED;

    private Builder() {}

    /**
     * @param spec the architecture spec, a Keras-style JSON file (required)
     * @return this builder
     */
    public Builder graph(Path spec) {
      this.graph = spec.toString();
      return this;
    }

    Builder graph(String spec) {
      this.graph = spec;
      return this;
    }

    /**
     * @param file a FER2013 CSV(.gz) or image folder; null (the default) trains on synthetic faces
     * @return this builder
     */
    public Builder data(Path file) {
      this.data = file == null ? null : file.toString();
      return this;
    }

    /**
     * @param faces how many synthetic faces when there is no data (default 3500, at least 14)
     * @return this builder
     */
    public Builder synthetic(int faces) {
      this.synthetic = faces;
      return this;
    }

    /**
     * @param mode "usage" (train on Training, test on PublicTest; the default) or "random"
     * @return this builder
     */
    public Builder split(String mode) {
      this.split = mode.toLowerCase(Locale.ROOT);
      return this;
    }

    /**
     * @param f test share for split "random" (default 0.2)
     * @return this builder
     */
    public Builder testFraction(double f) {
      this.testFraction = f;
      return this;
    }

    /**
     * @param f validation share carved from the training faces; 0 (the default) validates on the test split
     * @return this builder
     */
    public Builder valFraction(double f) {
      this.valFraction = f;
      return this;
    }

    /**
     * @param n epochs to train (default 10)
     * @return this builder
     */
    public Builder epochs(int n) {
      this.epochs = n;
      return this;
    }

    /**
     * @param n faces per optimizer step (default 64)
     * @return this builder
     */
    public Builder batchSize(int n) {
      this.batchSize = n;
      return this;
    }

    /**
     * @param name "adam" (the default) or "sgd"
     * @return this builder
     */
    public Builder optimizer(String name) {
      this.optimizer = name.toLowerCase(Locale.ROOT);
      return this;
    }

    /**
     * @param lr initial learning rate (default 1e-3 for Adam, 1e-2 for SGD)
     * @return this builder
     */
    public Builder learningRate(double lr) {
      this.learningRate = lr;
      return this;
    }

    /**
     * @param m SGD momentum in [0, 1) (default 0)
     * @return this builder
     */
    public Builder momentum(double m) {
      this.momentum = m;
      return this;
    }

    /**
     * @param on Nesterov momentum (SGD with momentum only)
     * @return this builder
     */
    public Builder nesterov(boolean on) {
      this.nesterov = on;
      return this;
    }

    /**
     * @param penalty L2 penalty on every kernel without its own regularizer (default 0)
     * @return this builder
     */
    public Builder l2(double penalty) {
      this.l2 = penalty;
      return this;
    }

    /**
     * @param weights "none" (the default), "balanced", or seven comma-separated weights
     * @return this builder
     */
    public Builder classWeight(String weights) {
      this.classWeight = weights;
      return this;
    }

    /**
     * @param preset "none" (the default), "minimal", "standard" or "strong"
     * @return this builder
     */
    public Builder augment(String preset) {
      this.augment = preset.toLowerCase(Locale.ROOT);
      return this;
    }

    /**
     * @param p probability of random erasing; overrides the preset's (default: the preset's, 0)
     * @return this builder
     */
    public Builder randomErasing(double p) {
      this.randomErasing = p;
      return this;
    }

    /**
     * @param s label smoothing in [0, 1) (default 0)
     * @return this builder
     */
    public Builder labelSmoothing(double s) {
      this.labelSmoothing = s;
      return this;
    }

    /**
     * @param kerasArgs Keras EarlyStopping arguments as "key=value,..." (monitor, min_delta,
     *     patience, mode, baseline, restore_best_weights, start_from_epoch); "" for Keras'
     *     defaults; null for none (the default)
     * @return this builder
     */
    public Builder earlyStopping(String kerasArgs) {
      this.earlyStopping = kerasArgs == null ? null
          : TrainOptions.earlyStopping(Json.MAPPER.getNodeFactory().textNode(kerasArgs), "early_stopping");
      return this;
    }

    /**
     * @param config early stopping's settings, or null for none
     * @return this builder
     */
    public Builder earlyStopping(EarlyStopping.Config config) {
      this.earlyStopping = config;
      return this;
    }

    /**
     * @param kerasArgs Keras ReduceLROnPlateau arguments as "key=value,..." (monitor, factor,
     *     patience, mode, min_delta, cooldown, min_lr); "" for Keras' defaults; null for none
     * @return this builder
     */
    public Builder reduceLrOnPlateau(String kerasArgs) {
      this.reduceLr = kerasArgs == null ? null
          : TrainOptions.reduceLr(Json.MAPPER.getNodeFactory().textNode(kerasArgs), "reduce_lr_on_plateau");
      return this;
    }

    /**
     * @param config the learning-rate reduction's settings, or null for none
     * @return this builder
     */
    public Builder reduceLrOnPlateau(ReduceLROnPlateau.Config config) {
      this.reduceLr = config;
      return this;
    }

    /**
     * @param schedule "constant" (the default) or "cosine" (per-step decay to 0 over all epochs)
     * @return this builder
     */
    public Builder lrSchedule(String schedule) {
      this.lrSchedule = schedule.toLowerCase(Locale.ROOT);
      return this;
    }

    /**
     * @param n epochs of linear warm-up before a cosine schedule (default 0)
     * @return this builder
     */
    public Builder warmupEpochs(int n) {
      this.warmupEpochs = n;
      return this;
    }

    /**
     * @param epochs epochs where a cosine schedule starts a new cycle (warm restarts)
     * @return this builder
     */
    public Builder cosineRestarts(List<Integer> epochs) {
      this.cosineRestarts = epochs == null ? List.of() : List.copyOf(epochs);
      return this;
    }

    /**
     * @param f peak of each restart cycle relative to the previous one, in (0, 1] (default 1)
     * @return this builder
     */
    public Builder restartLrFactor(double f) {
      this.restartLrFactor = f;
      return this;
    }

    /**
     * @param epoch first (0-based) epoch averaged into the final weights (SWA); null for none
     * @return this builder
     */
    public Builder swaStart(Integer epoch) {
      this.swaStart = epoch;
      return this;
    }

    /**
     * @param lr constant learning rate from the SWA start on; null keeps the schedule
     * @return this builder
     */
    public Builder swaLr(Double lr) {
      this.swaLr = lr;
      return this;
    }

    /**
     * @param run a run folder (e.g. from `fer import keras`) or SavedModel whose weights the training
     *     starts from instead of the initializers'; without a graph, the run's own spec.json
     * @return this builder
     */
    public Builder initialWeights(Path run) {
      this.initialWeights = run == null ? null : run.toString();
      return this;
    }

    /**
     * @param p "float32" (the default) or "bfloat16" (mixed precision)
     * @return this builder
     */
    public Builder precision(String p) {
      this.precision = p.toLowerCase(Locale.ROOT);
      return this;
    }

    /**
     * @param alpha mixup's Beta(alpha, alpha) for the mixing factor; 0 (the default) = off
     * @return this builder
     */
    public Builder mixup(double alpha) {
      this.mixup = alpha;
      return this;
    }

    /**
     * @param alpha CutMix's Beta(alpha, alpha) for the kept share of each face; 0 (the default) = off
     * @return this builder
     */
    public Builder cutmix(double alpha) {
      this.cutmix = alpha;
      return this;
    }

    /**
     * @param p share of batches mixed when mixup or CutMix is on (default 1)
     * @return this builder
     */
    public Builder mixProbability(double p) {
      this.mixProbability = p;
      return this;
    }

    /**
     * @param models teacher models for distillation: ONNX files, folders with model.onnx, run
     *     folders or SavedModels (default none: no distillation)
     * @return this builder
     */
    public Builder teachers(List<Path> models) {
      this.teachers = models == null ? List.of() : models.stream().map(Path::toString).toList();
      return this;
    }

    /**
     * @param w share of the teachers' soft term in the loss, in [0, 1] (default 0.7)
     * @return this builder
     */
    public Builder distillWeight(double w) {
      this.distillWeight = w;
      return this;
    }

    /**
     * @param t temperature of the teachers' and the student's softmax in the soft term, at least 1 (default 4)
     * @return this builder
     */
    public Builder distillTemperature(double t) {
      this.distillTemperature = t;
      return this;
    }

    /**
     * @param views views of each face the teachers average: none, flip or crops (default none)
     * @return this builder
     */
    public Builder teacherTta(String views) {
      this.teacherViews = views;
      return this;
    }

    /**
     * @param rate drop rate of the deepest residual branch, the others linearly less (default 0: off)
     * @return this builder
     */
    public Builder stochasticDepth(double rate) {
      this.stochasticDepth = rate;
      return this;
    }

    /**
     * @param s seed of weights, shuffling, augmentation, dropout and the split (default 42)
     * @return this builder
     */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /**
     * Validates the settings together.
     *
     * @return the configuration
     * @throws SettingException naming the key of the first bad setting
     */
    public TrainConfig build() {
      if (graph == null && initialWeights != null) {
        graph = Path.of(initialWeights).resolve("spec.json").toString(); // the architecture of the run it starts from
      }
      if (graph == null) {
        throw new SettingException("graph is required (an architecture spec such as graphs/paper-cnn-4conv-32to256-d256-512-do05.json)", "graph");
      }
      OptimizerConfig oc = new OptimizerConfig(optimizer,
          learningRate != null ? learningRate : OptimizerConfig.defaultLr(optimizer), 0.9, 0.999, 1e-7, momentum,
          nesterov);
      Augmentation aug = Augmentation.preset(augment);
      if (randomErasing != null && !(randomErasing >= 0 && randomErasing <= 1)) {
        throw new SettingException("random_erasing must be a probability in [0, 1], got " + randomErasing,
            "random_erasing");
      }
      if (randomErasing != null) { // an explicit value, 0 included, overrides the preset's
        aug = new Augmentation(aug.flip(), aug.rotationDegrees(), aug.shift(), aug.zoom(), randomErasing);
      }
      return new TrainConfig(graph, data, synthetic, new SplitSpec(split, testFraction, valFraction, seed), epochs,
          batchSize, oc, l2, classWeight, augment, aug, labelSmoothing, earlyStopping, reduceLr, lrSchedule,
          warmupEpochs, new ArrayList<>(cosineRestarts), restartLrFactor, swaStart, swaLr, precision, initialWeights,
          new Mixing(mixup, cutmix, mixProbability), new Distillation(teachers, distillWeight, distillTemperature, teacherViews),
          stochasticDepth, seed);
    }
  }
}
