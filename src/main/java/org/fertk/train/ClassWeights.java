package org.fertk.train;

import java.util.Arrays;
import java.util.Locale;
import org.fertk.Emotion;
import org.fertk.FerException;
import org.fertk.util.SettingException;

/** Per-class loss weights: none (all 1), balanced (scikit-learn's rule), or an explicit list. */
final class ClassWeights {
  private ClassWeights() {}

  /**
   * @param spec "none", "balanced" or seven comma-separated numbers
   * @param counts training examples per class
   */
  public static double[] resolve(String spec, int[] counts) {
    String s = spec.trim().toLowerCase(Locale.ROOT);
    double[] w = new double[Emotion.COUNT];
    if (s.equals("none")) {
      Arrays.fill(w, 1.0);
      return w;
    }
    if (s.equals("balanced")) {
      long n = Arrays.stream(counts).sum();
      for (int c = 0; c < w.length; c++) {
        // n_samples / (n_classes * count); a class absent from training gets weight 0
        w[c] = counts[c] == 0 ? 0 : n / (double) (Emotion.COUNT * counts[c]);
      }
      return w;
    }
    String[] parts = s.split(",");
    if (parts.length != Emotion.COUNT) {
      throw new SettingException("class_weight must be none, balanced or 7 comma-separated numbers, got '" + spec + "'", "class_weight");
    }
    for (int c = 0; c < parts.length; c++) {
      try {
        w[c] = Double.parseDouble(parts[c].trim());
      } catch (NumberFormatException e) {
        throw new SettingException("class_weight: '" + parts[c].trim() + "' is not a number", "class_weight");
      }
      if (!(w[c] >= 0) || Double.isInfinite(w[c])) {
        throw new SettingException("class_weight: weights must be finite and >= 0, got " + parts[c].trim(), "class_weight");
      }
    }
    if (Arrays.stream(w).sum() == 0) {
      throw new SettingException("class_weight: every weight is 0, so every face's loss would be 0 and nothing "
          + "learned; give at least one positive weight, got '" + spec + "'", "class_weight");
    }
    return w;
  }
}
