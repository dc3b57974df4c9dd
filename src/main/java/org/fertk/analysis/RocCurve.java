package org.fertk.analysis;

import java.util.Arrays;

/**
 * One-vs-rest ROC curve of one class: a point per distinct score threshold (tied scores move
 * together, as in scikit-learn's roc_curve), and the area under it by the trapezoidal rule.
 * Undefined (NaN area, no points) when the class has no positive or no negative example.
 */
public record RocCurve(double[] fpr, double[] tpr, double[] thresholds, double auc) {
  public boolean defined() {
    return !Double.isNaN(auc);
  }

  /** @param positive true where the example belongs to the class; score = its probability. */
  public static RocCurve of(boolean[] positive, double[] score) {
    int n = score.length;
    Integer[] order = Ranking.byFallingScore(score);
    long pos = Ranking.positives(positive);
    long neg = n - pos;
    if (pos == 0 || neg == 0) {
      return new RocCurve(new double[0], new double[0], new double[0], Double.NaN);
    }
    double[] fpr = new double[n + 1];
    double[] tpr = new double[n + 1];
    double[] thr = new double[n + 1];
    int m = 0;
    fpr[0] = 0;
    tpr[0] = 0;
    thr[0] = Double.POSITIVE_INFINITY;
    m = 1;
    long tp = 0;
    long fp = 0;
    double area = 0;
    for (int k = 0; k < n; ) {
      double s = score[order[k]];
      // every example with this exact score crosses the threshold together
      while (k < n && score[order[k]] == s) {
        if (positive[order[k]]) {
          tp++;
        } else {
          fp++;
        }
        k++;
      }
      fpr[m] = fp / (double) neg;
      tpr[m] = tp / (double) pos;
      thr[m] = s;
      area += (fpr[m] - fpr[m - 1]) * (tpr[m] + tpr[m - 1]) / 2;
      m++;
    }
    return new RocCurve(Arrays.copyOf(fpr, m), Arrays.copyOf(tpr, m), Arrays.copyOf(thr, m), area);
  }
}
