package org.fertk.analysis;

/**
 * How far the stated confidence (the top probability, what `fer predict` prints) is from the
 * accuracy at that confidence: faces binned by confidence into equal-width bins over [0, 1], the
 * reliability diagram's bars, and the expected calibration error, ECE = sum over bins of
 * (n_b / n) |accuracy_b - confidence_b| (Guo et al., 2017; 15 bins as there). 0 is perfect; an
 * ECE of 0.05 means the stated confidence is off by 5 points on average.
 *
 * @param count faces per bin
 * @param meanConfidence mean top probability per bin (NaN for an empty bin)
 * @param accuracy accuracy per bin (NaN for an empty bin)
 * @param ece expected calibration error
 * @param mce maximum calibration error over the non-empty bins
 */
record Calibration(int[] count, double[] meanConfidence, double[] accuracy, double ece, double mce) {
  public static final int BINS = 15;

  public int bins() {
    return count.length;
  }

  /** Bin b covers (b/bins, (b+1)/bins]; a confidence of exactly 0 goes to the first bin. */
  public static Calibration of(PredictionSet p, int bins) {
    int[] count = new int[bins];
    double[] conf = new double[bins];
    double[] correct = new double[bins];
    for (int i = 0; i < p.size(); i++) {
      int pred = p.predicted()[i];
      double c = p.proba()[i][pred];
      int b = Math.min(bins - 1, Math.max(0, (int) Math.ceil(c * bins) - 1));
      count[b]++;
      conf[b] += c;
      correct[b] += pred == p.truth()[i] ? 1 : 0;
    }
    double[] acc = new double[bins];
    double ece = 0;
    double mce = 0;
    for (int b = 0; b < bins; b++) {
      if (count[b] == 0) {
        conf[b] = Double.NaN;
        acc[b] = Double.NaN;
        continue;
      }
      conf[b] /= count[b];
      acc[b] = correct[b] / count[b];
      double gap = Math.abs(acc[b] - conf[b]);
      ece += count[b] / (double) p.size() * gap;
      mce = Math.max(mce, gap);
    }
    return new Calibration(count, conf, acc, ece, mce);
  }
}
