package org.fertk.data;

import org.fertk.Emotion;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SyntheticFacesTest {
  @Test
  void deterministicBySeed() {
    FaceDataset a = new SyntheticFaces(7).generate(70, 0.2);
    FaceDataset b = new SyntheticFaces(7).generate(70, 0.2);
    FaceDataset c = new SyntheticFaces(8).generate(70, 0.2);
    assertEquals(a.contentHash(), b.contentHash());
    assertNotEquals(a.contentHash(), c.contentHash());
  }

  @Test
  void classesAreBalancedAndSplitLikeFer2013() {
    FaceDataset d = new SyntheticFaces(1).generate(703, 0.2);
    int[] counts = d.classCounts();
    for (int c = 0; c < Emotion.COUNT; c++) {
      assertEquals(c < 3 ? 101 : 100, counts[c], "class " + c);
    }
    int test = d.indicesOf(Usage.PUBLIC_TEST).length;
    assertEquals(141, test, 2);
    assertEquals(703, test + d.indicesOf(Usage.TRAINING).length);
  }

  @Test
  void facesVaryWithinAClass() {
    FaceDataset d = new SyntheticFaces(2).generate(14, 0);
    int[] sameClass = new int[2];
    int n = 0;
    for (int i = 0; i < d.size() && n < 2; i++) {
      if (d.label(i) == 3) {
        sameClass[n++] = i;
      }
    }
    int diff = 0;
    for (int p = 0; p < FaceDataset.PIXELS; p++) {
      diff += Math.abs(d.pixel(sameClass[0], p / 48, p % 48) - d.pixel(sameClass[1], p / 48, p % 48));
    }
    assertTrue(diff / (double) FaceDataset.PIXELS > 10, "two happy faces differ by pose and lighting");
  }

  /**
   * The classes must differ visibly: a nearest-centroid classifier on edge maps of the mouth and
   * brow regions does far better than chance (1/7), yet nowhere near perfect, since pose, light
   * and occlusion blur the class means.
   */
  @Test
  void classesAreVisiblyDifferentButNotTrivial() {
    FaceDataset d = new SyntheticFaces(9).generate(2800, 0.5);
    int[] train = d.indicesOf(Usage.TRAINING);
    int[] test = d.indicesOf(Usage.PUBLIC_TEST);
    double[][] centroid = new double[Emotion.COUNT][FaceDataset.PIXELS];
    int[] count = new int[Emotion.COUNT];
    for (int i : train) {
      double[] f = features(d, i);
      for (int p = 0; p < f.length; p++) {
        centroid[d.label(i)][p] += f[p];
      }
      count[d.label(i)]++;
    }
    for (int c = 0; c < Emotion.COUNT; c++) {
      for (int p = 0; p < FaceDataset.PIXELS; p++) {
        centroid[c][p] /= count[c];
      }
    }
    int correct = 0;
    for (int i : test) {
      double[] f = features(d, i);
      int best = -1;
      double bestDist = Double.MAX_VALUE;
      for (int c = 0; c < Emotion.COUNT; c++) {
        double dist = 0;
        for (int p = 0; p < f.length; p++) {
          double e = f[p] - centroid[c][p];
          dist += e * e;
        }
        if (dist < bestDist) {
          bestDist = dist;
          best = c;
        }
      }
      correct += best == d.label(i) ? 1 : 0;
    }
    double acc = correct / (double) test.length;
    assertTrue(acc > 0.30, "nearest centroid accuracy " + acc);
    assertTrue(acc < 0.90, "nearest centroid accuracy " + acc);
  }

  /** Vertical gradient magnitude: highlights brows, eyes and mouth regardless of skin tone. */
  private static double[] features(FaceDataset d, int i) {
    double[] f = new double[FaceDataset.PIXELS];
    for (int y = 1; y < 47; y++) {
      for (int x = 0; x < 48; x++) {
        f[y * 48 + x] = Math.abs(d.pixel(i, y + 1, x) - d.pixel(i, y - 1, x));
      }
    }
    return f;
  }
}
