package org.fertk.score;

import java.util.Locale;
import org.fertk.Emotion;
import org.fertk.FerException;

/**
 * What a model's output rows must be before anything is printed or written: probabilities
 * (finite, in [0,1], summing to 1). A model that emits logits (no final softmax) is refused
 * unless the user says so, in which case softmax is applied here; a NaN row is never turned into
 * class 0 by an argmax.
 */
public final class ModelOutputs {
  /** Rows of a softmax in float32 sum to 1 within a few ulps; an int8 model's within ~1e-4. */
  static final double SUM_TOLERANCE = 1e-3;
  static final double RANGE_TOLERANCE = 1e-5;

  private ModelOutputs() {}

  private static boolean allDistributions(float[] o, int count) {
    for (int r = 0; r < count; r++) {
      double sum = 0;
      for (int c = 0; c < Emotion.COUNT; c++) {
        float p = o[r * Emotion.COUNT + c];
        if (!(p >= -RANGE_TOLERANCE && p <= 1 + RANGE_TOLERANCE)) {
          return false;
        }
        sum += p;
      }
      if (Math.abs(sum - 1) > SUM_TOLERANCE) {
        return false;
      }
    }
    return true;
  }

  /** Numerically stable softmax of each of the first count rows, in place. */
  static void softmaxRows(float[] o, int count) {
    for (int r = 0; r < count; r++) {
      int base = r * Emotion.COUNT;
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < Emotion.COUNT; c++) {
        max = Math.max(max, o[base + c]);
      }
      double sum = 0;
      double[] e = new double[Emotion.COUNT];
      for (int c = 0; c < Emotion.COUNT; c++) {
        e[c] = Math.exp(o[base + c] - max);
        sum += e[c];
      }
      for (int c = 0; c < Emotion.COUNT; c++) {
        o[base + c] = (float) (e[c] / sum);
      }
    }
  }

  /**
   * Throws a user error naming the model and the first row that is not a probability
   * distribution; with {@code logits}, one when every row already is one (the model ends with a
   * softmax, and a second one would flatten its answers: 90% happy read as 29%).
   *
   * @param teacher true for a distillation teacher, which cannot declare logits: its outputs must be
   *     probabilities
   */
  public static void checkProbabilities(float[] o, int count, long firstRow, String model, boolean logits,
      boolean teacher) {
    if (logits && count > 0 && allDistributions(o, count)) {
      throw new FerException(model + ": outputs already are probabilities (each face's sum to 1): the model ends "
          + "with a softmax; drop " + FerException.setting("logits") + ", which would apply a second one");
    }
    for (int r = 0; r < count; r++) {
      int base = r * Emotion.COUNT;
      double sum = 0;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      boolean finite = true;
      for (int c = 0; c < Emotion.COUNT; c++) {
        float p = o[base + c];
        finite &= Float.isFinite(p);
        sum += p;
        min = Math.min(min, p);
        max = Math.max(max, p);
      }
      String problem = null;
      if (!finite) {
        problem = "holds NaN or infinite values (broken weights or a diverged model?)";
      } else if (!logits && (min < -RANGE_TOLERANCE || max > 1 + RANGE_TOLERANCE
          || Math.abs(sum - 1) > SUM_TOLERANCE)) {
        problem = String.format(Locale.ROOT, "is not a probability distribution (values %.4g..%.4g, sum %.4g): "
            + "the model seems to end without a softmax; " + (teacher ? "it must output probabilities"
            : "pass " + FerException.setting("logits") + " to apply one"), min, max, sum);
      }
      if (problem != null) {
        throw new FerException(model + ": output for face " + (firstRow + r) + " " + problem);
      }
    }
  }
}
