package org.fertk.analysis;

import java.util.Arrays;
import org.fertk.Emotion;

/**
 * One-vs-rest precision-recall curve of one class: a point per distinct score threshold (tied
 * scores move together), from the highest threshold down, and the average precision as
 * scikit-learn's average_precision_score defines it: AP = sum_n (R_n - R_{n-1}) P_n, a step
 * function, not the trapezoid (which is optimistic). Undefined (NaN) without positives.
 */
record PrCurve(double[] precision, double[] recall, double[] thresholds, double averagePrecision) {
  public boolean defined() {
    return !Double.isNaN(averagePrecision);
  }

  /** @param positive true where the example belongs to the class; score = its probability. */
  public static PrCurve of(boolean[] positive, double[] score) {
    int n = score.length;
    Integer[] order = Ranking.byFallingScore(score);
    long pos = Ranking.positives(positive);
    if (pos == 0) {
      return new PrCurve(new double[0], new double[0], new double[0], Double.NaN);
    }
    double[] prec = new double[n];
    double[] rec = new double[n];
    double[] thr = new double[n];
    int m = 0;
    long tp = 0;
    long seen = 0;
    double ap = 0;
    double lastRecall = 0;
    for (int k = 0; k < n; ) {
      double s = score[order[k]];
      while (k < n && score[order[k]] == s) {
        tp += positive[order[k]] ? 1 : 0;
        seen++;
        k++;
      }
      prec[m] = tp / (double) seen;
      rec[m] = tp / (double) pos;
      thr[m] = s;
      ap += (rec[m] - lastRecall) * prec[m];
      lastRecall = rec[m];
      m++;
    }
    return new PrCurve(Arrays.copyOf(prec, m), Arrays.copyOf(rec, m), Arrays.copyOf(thr, m), ap);
  }

  /** The curve of each class of a prediction set. */
  public static PrCurve[] perClass(PredictionSet p) {
    PrCurve[] out = new PrCurve[Emotion.COUNT];
    for (int c = 0; c < out.length; c++) {
      boolean[] pos = new boolean[p.size()];
      double[] s = new double[p.size()];
      for (int i = 0; i < p.size(); i++) {
        pos[i] = p.truth()[i] == c;
        s[i] = p.proba()[i][c];
      }
      out[c] = of(pos, s);
    }
    return out;
  }

  /** Mean average precision over the classes where it is defined. */
  public static double macroAveragePrecision(PrCurve[] curves) {
    double sum = 0;
    int k = 0;
    for (PrCurve c : curves) {
      if (c.defined()) {
        sum += c.averagePrecision();
        k++;
      }
    }
    return k == 0 ? Double.NaN : sum / k;
  }
}
