package org.fertk.analysis;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.fertk.Emotion;

/**
 * Percentile bootstrap (resampling faces with replacement) for accuracy and macro-F1, and the
 * paired bootstrap of an accuracy difference between two models scored on the same faces.
 * Resample r uses its own generator seeded from (seed, r), so results do not depend on how many
 * threads run the resamples.
 */
public final class Bootstrap {
  public static final int DEFAULT_RESAMPLES = 1000;

  /** Intervals for accuracy and macro-F1. */
  public record Result(Interval accuracy, Interval macroF1, int resamples, long seed) {}

  private Bootstrap() {}

  public static Result intervals(PredictionSet p, Evaluation e, int resamples, long seed, double level) {
    int n = p.size();
    int[] truth = p.truth();
    int[] pred = p.predicted();
    double[] acc = new double[resamples];
    double[] f1 = new double[resamples];
    IntStream.range(0, resamples).parallel().forEach(r -> {
      SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + r);
      int[] tp = new int[Emotion.COUNT];
      int[] support = new int[Emotion.COUNT];
      int[] predicted = new int[Emotion.COUNT];
      int correct = 0;
      for (int k = 0; k < n; k++) {
        int i = rng.nextInt(n);
        int t = truth[i];
        int q = pred[i];
        support[t]++;
        predicted[q]++;
        if (t == q) {
          tp[t]++;
          correct++;
        }
      }
      acc[r] = correct / (double) n;
      double sum = 0;
      for (int c = 0; c < Emotion.COUNT; c++) {
        double prec = predicted[c] == 0 ? 0 : tp[c] / (double) predicted[c];
        double rec = support[c] == 0 ? 0 : tp[c] / (double) support[c];
        sum += prec + rec == 0 ? 0 : 2 * prec * rec / (prec + rec);
      }
      f1[r] = sum / Emotion.COUNT;
    });
    return new Result(percentile(e.accuracy(), acc, level), percentile(e.macroF1(), f1, level), resamples, seed);
  }

  /** Interval of accuracy(a) - accuracy(b) when both models scored the same faces. */
  public static Interval pairedAccuracyDifference(PredictionSet a, PredictionSet b, int resamples, long seed, double level) {
    int n = a.size();
    boolean[] ca = new boolean[n];
    boolean[] cb = new boolean[n];
    int diff = 0;
    for (int i = 0; i < n; i++) {
      ca[i] = a.truth()[i] == a.predicted()[i];
      cb[i] = b.truth()[i] == b.predicted()[i];
      diff += (ca[i] ? 1 : 0) - (cb[i] ? 1 : 0);
    }
    double[] d = new double[resamples];
    IntStream.range(0, resamples).parallel().forEach(r -> {
      SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + r);
      int s = 0;
      for (int k = 0; k < n; k++) {
        int i = rng.nextInt(n);
        s += (ca[i] ? 1 : 0) - (cb[i] ? 1 : 0);
      }
      d[r] = s / (double) n;
    });
    return percentile(diff / (double) n, d, level);
  }

  static Interval percentile(double estimate, double[] samples, double level) {
    double[] s = samples.clone();
    Arrays.sort(s);
    double alpha = (1 - level) / 2;
    return new Interval(estimate, quantile(s, alpha), quantile(s, 1 - alpha), level);
  }

  /** Linear interpolation between order statistics (numpy's default percentile). */
  static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }
}
