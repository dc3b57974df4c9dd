package org.fertk.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fertk.data.SplitSpec;
import org.fertk.util.FerException;
import org.fertk.util.Json;

/**
 * Everything that determines a training run. Stored in the run folder (run-config.json) and in
 * the manifest; a resumed run must use the same settings (only {@code epochs} may grow).
 *
 * @param graph architecture spec file
 * @param data dataset file or folder; null means synthetic faces
 * @param syntheticCount how many synthetic faces when data is null
 * @param lrSchedule "constant" (optionally with ReduceLROnPlateau) or "cosine" (per-step decay
 *     from the initial rate to 0 over all epochs, after {@code warmupEpochs} of linear warm-up)
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
 */
public record TrainConfig(String graph, String data, int syntheticCount, SplitSpec split, int epochs,
    int batchSize, OptimizerConfig optimizer, double l2, String classWeight, String augment,
    Augmentation augmentation, double labelSmoothing, EarlyStopping.Config earlyStopping,
    ReduceLROnPlateau.Config reduceLr, String lrSchedule, int warmupEpochs, List<Integer> restarts,
    double restartFactor, Integer swaStart, Double swaLr, String precision, long seed) {

  public TrainConfig {
    restarts = restarts == null ? List.of() : List.copyOf(restarts); // run-config.json files older than restarts
    precision = checkPrecision(precision == null ? FLOAT32 : precision); // and older than precision
    if (epochs < 1) {
      throw new FerException("--epochs must be at least 1, got " + epochs);
    }
    if (batchSize < 1 || batchSize > 8192) {
      throw new FerException("--batch-size must be between 1 and 8192, got " + batchSize);
    }
    if (!(l2 >= 0)) {
      throw new FerException("--l2 must be >= 0, got " + l2);
    }
    if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
      throw new FerException("--label-smoothing must be in [0,1), got " + labelSmoothing);
    }
    if (syntheticCount < 14) {
      throw new FerException("--synthetic must be at least 14 faces, got " + syntheticCount);
    }
    if (!lrSchedule.equals("constant") && !lrSchedule.equals("cosine")) {
      throw new FerException("--lr-schedule must be constant or cosine, got '" + lrSchedule + "'");
    }
    if (lrSchedule.equals("cosine") && reduceLr != null) {
      throw new FerException("--reduce-lr-on-plateau cannot be combined with --lr-schedule cosine");
    }
    ClassWeights.resolve(classWeight, new int[org.fertk.data.Emotion.COUNT]); // the format, before any run folder exists
    if (warmupEpochs > 0 && !lrSchedule.equals("cosine")) {
      throw new FerException("--warmup-epochs applies to --lr-schedule cosine only");
    }
    if (restarts.isEmpty() && restartFactor != 1) {
      throw new FerException("--restart-lr-factor needs --cosine-restarts");
    }
    if (warmupEpochs < 0 || warmupEpochs >= epochs && warmupEpochs > 0) {
      throw new FerException("--warmup-epochs must be in [0, epochs), got " + warmupEpochs);
    }
    if (swaStart != null) {
      if (swaStart < 0 || swaStart >= epochs) {
        throw new FerException("--swa-start must be an epoch in [0, epochs), got " + swaStart);
      }
      if (swaLr != null && !(swaLr > 0)) {
        throw new FerException("--swa-lr must be > 0, got " + swaLr);
      }
      if (earlyStopping != null && earlyStopping.restoreBestWeights()) {
        throw new FerException("--swa-start cannot be combined with early stopping's restore_best_weights");
      }
    } else if (swaLr != null) {
      throw new FerException("--swa-lr needs --swa-start");
    }
    if (!restarts.isEmpty()) {
      if (!lrSchedule.equals("cosine")) {
        throw new FerException("--cosine-restarts needs --lr-schedule cosine");
      }
      int previous = warmupEpochs;
      for (int r : restarts) {
        if (r <= previous || r >= epochs) {
          throw new FerException("--cosine-restarts must be increasing epochs after the warm-up and before --epochs ("
              + epochs + "), got " + restarts);
        }
        previous = r;
      }
      if (!(restartFactor > 0 && restartFactor <= 1)) {
        throw new FerException("--restart-lr-factor must be in (0,1], got " + restartFactor);
      }
    }
  }

  public static final String FLOAT32 = "float32";
  public static final String BFLOAT16 = "bfloat16";

  /** The precision name if known, else a user error naming the choices. */
  public static String checkPrecision(String precision) {
    if (!precision.equals(FLOAT32) && !precision.equals(BFLOAT16)) {
      throw new FerException("--precision must be " + FLOAT32 + " or " + BFLOAT16 + ", got '" + precision + "'");
    }
    return precision;
  }

  /** True when training runs convolutions and matrix products in bfloat16. */
  public boolean mixedPrecision() {
    return precision.equals(BFLOAT16);
  }

  /** A run's stored settings (its run-config.json). */
  public static TrainConfig read(Path file) {
    try {
      return Json.MAPPER.readValue(Files.readString(file), TrainConfig.class);
    } catch (IOException e) {
      throw new FerException(file + ": unreadable (" + e.getMessage() + ")");
    }
  }

  /** The same settings with a different number of epochs (what --resume may change). */
  public TrainConfig withEpochs(int e) {
    return new TrainConfig(graph, data, syntheticCount, split, e, batchSize, optimizer, l2,
        classWeight, augment, augmentation, labelSmoothing, earlyStopping, reduceLr, lrSchedule,
        warmupEpochs, restarts, restartFactor, swaStart, swaLr, precision, seed);
  }

  /**
   * These settings over at most {@code n} epochs (a trial of a long run): restarts and weight
   * averaging that would begin at or after epoch n are dropped, the warm-up shortened to fit.
   */
  public TrainConfig trial(int n) {
    int e = Math.min(epochs, n);
    List<Integer> r = restarts.stream().filter(x -> x < e && x > Math.min(warmupEpochs, e - 1)).toList();
    Integer swa = swaStart != null && swaStart < e ? swaStart : null;
    return new TrainConfig(graph, data, syntheticCount, split, e, batchSize, optimizer, l2, classWeight, augment,
        augmentation, labelSmoothing, earlyStopping, reduceLr, lrSchedule, Math.min(warmupEpochs, e - 1), r,
        r.isEmpty() ? 1 : restartFactor, swa, swa == null ? null : swaLr, precision, seed);
  }

  /**
   * Learning rate for a step under the schedule (before ReduceLROnPlateau's changes). Cosine:
   * linear warm-up, then in each cycle a half cosine from the cycle's peak to 0; cycle k peaks at
   * base * restartFactor^k. Without restarts this is one cycle over all epochs. A constant SWA
   * rate replaces any schedule from the first averaged epoch on.
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
}
