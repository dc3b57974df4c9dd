package org.fertk.train;

import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.util.SettingException;

/**
 * Mixup (Zhang et al. 2018) and CutMix (Yun et al. 2019) on whole training batches, as timm's
 * {@code Mixup} does in its default batch mode: with probability {@code probability} a batch is
 * mixed; when both are on, each mixed batch is mixup or CutMix with even odds; one mixing factor
 * lambda per batch, drawn from Beta(alpha, alpha); face k is mixed with face n-1-k of the same
 * batch (the batch reversed), and the targets and sample weights are mixed with the same lambda.
 * CutMix pastes a box covering 1-lambda of the face (its centre uniform, clipped at the edges)
 * and then takes lambda as the share of pixels the face kept, so that the targets match the pixels.
 *
 * @param mixupAlpha Beta(alpha, alpha) of mixup's lambda; 0 turns mixup off (timm uses 0.8, the
 *     mixup paper 0.2-0.4)
 * @param cutmixAlpha Beta(alpha, alpha) of CutMix's lambda; 0 turns CutMix off (1.0 in the paper)
 * @param probability the share of batches mixed, in (0, 1]
 */
public record Mixing(double mixupAlpha, double cutmixAlpha, double probability) {
  /** No mixing. */
  public static final Mixing NONE = new Mixing(0, 0, 1);

  /**
   * Checks the settings.
   *
   * @param mixupAlpha see the record's description
   * @param cutmixAlpha see the record's description
   * @param probability see the record's description
   * @throws SettingException naming the bad setting
   */
  public Mixing {
    if (!(mixupAlpha >= 0) || Double.isInfinite(mixupAlpha)) {
      throw new SettingException("mixup must be an alpha >= 0 (0 = off), got " + mixupAlpha, "mixup");
    }
    if (!(cutmixAlpha >= 0) || Double.isInfinite(cutmixAlpha)) {
      throw new SettingException("cutmix must be an alpha >= 0 (0 = off), got " + cutmixAlpha, "cutmix");
    }
    if (!(probability > 0 && probability <= 1)) {
      throw new SettingException("mix_prob must be in (0, 1], got " + probability, "mix_prob");
    }
  }

  /** @return true when mixup or CutMix is on */
  public boolean active() {
    return mixupAlpha > 0 || cutmixAlpha > 0;
  }

  /** What was done to a batch (for tests): kind is "none", "mixup" or "cutmix". */
  record Applied(String kind, double lambda, int x0, int y0, int x1, int y1) {
    static final Applied NONE = new Applied("none", 1, 0, 0, 0, 0);
  }

  /**
   * Mixes the first n faces of the arrays in place: pixels x (n*2304), targets y (n*7), sample
   * weights w (n), drawing from rng.
   */
  Applied apply(float[] x, float[] y, float[] w, int n, SplittableRandom rng) {
    if (!active() || n < 2) {
      return Applied.NONE;
    }
    // the draws happen whatever the outcome, so a batch's randomness does not depend on earlier choices
    double u = rng.nextDouble();
    boolean cut = cutmixAlpha > 0 && (mixupAlpha == 0 || rng.nextBoolean());
    long betaSeed = rng.nextLong();
    double boxU = rng.nextDouble();
    double boxV = rng.nextDouble();
    if (u >= probability) {
      return Applied.NONE;
    }
    double lambda = beta(cut ? cutmixAlpha : mixupAlpha, betaSeed);
    Applied a;
    if (cut) {
      a = box(lambda, boxU, boxV);
      for (int k = 0, j = n - 1; k < j; k++, j--) {
        swapBox(x, k, j, a);
      }
    } else {
      a = new Applied("mixup", lambda, 0, 0, 0, 0);
      blendPairs(x, FaceDataset.PIXELS, n, (float) lambda);
    }
    blendPairs(y, Emotion.COUNT, n, (float) a.lambda());
    blendPairs(w, 1, n, (float) a.lambda());
    return a;
  }

  /** One Beta(alpha, alpha) draw (commons-math's Cheng sampler), keyed by the seed. */
  static double beta(double alpha, long seed) {
    return new BetaDistribution(new Well19937c(seed), alpha, alpha).sample();
  }

  /** The CutMix box for a drawn lambda (centre at (u, v) of the face), with lambda corrected to the box. */
  static Applied box(double lambda, double u, double v) {
    int side = FaceDataset.SIDE;
    double cut = Math.sqrt(1 - lambda);
    int cw = (int) (side * cut);
    int ch = (int) (side * cut);
    int cx = (int) (u * side);
    int cy = (int) (v * side);
    int x0 = Math.max(0, Math.min(side, cx - cw / 2));
    int x1 = Math.max(0, Math.min(side, cx + cw / 2));
    int y0 = Math.max(0, Math.min(side, cy - ch / 2));
    int y1 = Math.max(0, Math.min(side, cy + ch / 2));
    double kept = 1 - (x1 - x0) * (double) (y1 - y0) / (side * side);
    return new Applied("cutmix", kept, x0, y0, x1, y1);
  }

  private static void swapBox(float[] x, int k, int j, Applied a) {
    int side = FaceDataset.SIDE;
    int p = FaceDataset.PIXELS;
    for (int row = a.y0(); row < a.y1(); row++) {
      for (int col = a.x0(); col < a.x1(); col++) {
        int i = row * side + col;
        float t = x[k * p + i];
        x[k * p + i] = x[j * p + i];
        x[j * p + i] = t;
      }
    }
  }

  /** Row k (of {@code width} values) becomes l * row k + (1 - l) * row n-1-k, for every k at once. */
  private static void blendPairs(float[] rows, int width, int n, float l) {
    for (int k = 0, j = n - 1; k < j; k++, j--) {
      for (int i = 0; i < width; i++) {
        float a = rows[k * width + i];
        float b = rows[j * width + i];
        rows[k * width + i] = l * a + (1 - l) * b;
        rows[j * width + i] = l * b + (1 - l) * a;
      }
    }
  }
}
