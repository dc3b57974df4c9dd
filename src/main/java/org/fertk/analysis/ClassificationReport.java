package org.fertk.analysis;

import org.fertk.Emotion;

/**
 * What the confusion matrix alone determines, as scikit-learn's classification_report computes
 * it (labels 0..6, zero_division=0): accuracy, balanced accuracy, per-class precision, recall, F1
 * and support, their macro and support-weighted means. `fer analyze` and the distributed
 * evaluation on Spark (which only aggregates the 49 counts) both use it, so they agree exactly.
 */
public record ClassificationReport(int n, int[][] confusion, double accuracy, double balancedAccuracy,
    double[] precision, double[] recall, double[] f1, int[] support, double macroPrecision, double macroRecall,
    double macroF1, double weightedPrecision, double weightedRecall, double weightedF1) {

  /** @param confusion counts, true class by row, predicted class by column */
  public static ClassificationReport of(int[][] confusion) {
    int n = 0;
    int correct = 0;
    int[] support = new int[Emotion.COUNT];
    int[] predicted = new int[Emotion.COUNT];
    for (int a = 0; a < Emotion.COUNT; a++) {
      for (int b = 0; b < Emotion.COUNT; b++) {
        support[a] += confusion[a][b];
        predicted[b] += confusion[a][b];
        n += confusion[a][b];
      }
      correct += confusion[a][a];
    }
    double[] precision = new double[Emotion.COUNT];
    double[] recall = new double[Emotion.COUNT];
    double[] f1 = new double[Emotion.COUNT];
    for (int c = 0; c < Emotion.COUNT; c++) {
      int tp = confusion[c][c];
      precision[c] = predicted[c] == 0 ? 0 : tp / (double) predicted[c];
      recall[c] = support[c] == 0 ? 0 : tp / (double) support[c];
      double denom = precision[c] + recall[c];
      f1[c] = denom == 0 ? 0 : 2 * precision[c] * recall[c] / denom;
    }
    double balanced = 0;
    int present = 0;
    for (int c = 0; c < Emotion.COUNT; c++) {
      if (support[c] > 0) {
        balanced += recall[c];
        present++;
      }
    }
    balanced /= Math.max(1, present);
    int[][] copy = new int[Emotion.COUNT][];
    for (int a = 0; a < Emotion.COUNT; a++) {
      copy[a] = confusion[a].clone();
    }
    return new ClassificationReport(n, copy, n == 0 ? 0 : correct / (double) n, balanced, precision, recall, f1,
        support, mean(precision), mean(recall), mean(f1), weighted(precision, support), weighted(recall, support),
        weighted(f1, support));
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  private static double weighted(double[] v, int[] w) {
    double s = 0;
    long total = 0;
    for (int i = 0; i < v.length; i++) {
      s += v[i] * w[i];
      total += w[i];
    }
    return total == 0 ? 0 : s / total;
  }
}
