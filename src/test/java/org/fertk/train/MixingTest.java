package org.fertk.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.util.SettingException;
import org.junit.jupiter.api.Test;

/** Mixup and CutMix: pixels, targets and weights mixed by one lambda, as timm's batch mode does. */
class MixingTest {
  private static final int N = 5;
  private static final int P = FaceDataset.PIXELS;
  private static final int C = Emotion.COUNT;

  /** Face k filled with (k + 1) / 10, label k, weight k + 1. */
  private static float[][] batch() {
    float[] x = new float[N * P];
    float[] y = new float[N * C];
    float[] w = new float[N];
    for (int k = 0; k < N; k++) {
      Arrays.fill(x, k * P, (k + 1) * P, (k + 1) / 10f);
      y[k * C + k] = 1;
      w[k] = k + 1;
    }
    return new float[][] {x, y, w};
  }

  @Test
  void mixupBlendsEachFaceWithItsPartnerInTheReversedBatch() {
    float[][] b = batch();
    Mixing.Applied a = new Mixing(0.4, 0, 1).apply(b[0], b[1], b[2], N, new SplittableRandom(3));
    assertEquals("mixup", a.kind());
    double l = a.lambda();
    assertTrue(l > 0 && l < 1, "lambda " + l);
    for (int k = 0; k < N; k++) {
      int j = N - 1 - k;
      double want = k == j ? (k + 1) / 10.0 : l * (k + 1) / 10.0 + (1 - l) * (j + 1) / 10.0;
      assertEquals(want, b[0][k * P], 1e-6);
      assertEquals(want, b[0][k * P + P - 1], 1e-6);
      float[] target = new float[C];
      target[k] += k == j ? 1 : (float) l;
      if (k != j) {
        target[j] += (float) (1 - l);
      }
      assertArrayEquals(target, Arrays.copyOfRange(b[1], k * C, k * C + C), 1e-6f);
      assertEquals(k == j ? k + 1 : l * (k + 1) + (1 - l) * (j + 1), b[2][k], 1e-5);
    }
  }

  @Test
  void cutmixPastesOneBoxAndMixesTargetsByTheShareOfPixelsKept() {
    float[][] b = batch();
    Mixing.Applied a = new Mixing(0, 1.0, 1).apply(b[0], b[1], b[2], N, new SplittableRandom(11));
    assertEquals("cutmix", a.kind());
    for (int k = 0; k < N; k++) {
      int j = N - 1 - k;
      if (k == j) {
        continue;
      }
      int fromPartner = 0;
      for (int i = 0; i < P; i++) {
        int row = i / FaceDataset.SIDE;
        int col = i % FaceDataset.SIDE;
        boolean inBox = row >= a.y0() && row < a.y1() && col >= a.x0() && col < a.x1();
        float v = b[0][k * P + i];
        assertEquals(inBox ? (j + 1) / 10f : (k + 1) / 10f, v, 0f);
        fromPartner += inBox ? 1 : 0;
      }
      double kept = 1 - fromPartner / (double) P;
      assertEquals(kept, a.lambda(), 1e-12);
      assertEquals(kept, b[1][k * C + k], 1e-6);
      assertEquals(1 - kept, b[1][k * C + j], 1e-6);
    }
  }

  @Test
  void theCutMixBoxCoversOneMinusLambdaUnlessClippedAtAnEdge() {
    Mixing.Applied centred = Mixing.box(0.75, 0.5, 0.5); // half the side: a 24x24 box in the middle
    assertEquals(12, centred.x0());
    assertEquals(36, centred.x1());
    assertEquals(0.75, centred.lambda(), 1e-12);
    Mixing.Applied corner = Mixing.box(0.75, 0, 0); // the same box centred on the corner: a quarter of it
    assertEquals(0, corner.x0());
    assertEquals(12, corner.x1());
    assertEquals(1 - 144.0 / 2304, corner.lambda(), 1e-12);
  }

  @Test
  void lambdaFollowsBetaAlphaAlpha() {
    double alpha = 0.4;
    int n = 20000;
    double sum = 0;
    double sq = 0;
    SplittableRandom rng = new SplittableRandom(5);
    for (int i = 0; i < n; i++) {
      double l = Mixing.beta(alpha, rng.nextLong());
      assertTrue(l >= 0 && l <= 1);
      sum += l;
      sq += l * l;
    }
    double mean = sum / n;
    double var = sq / n - mean * mean;
    assertEquals(0.5, mean, 0.01);
    assertEquals(1 / (4 * (2 * alpha + 1)), var, 0.005); // Beta(a, a): variance 1 / (4 (2a + 1))
  }

  @Test
  void aShareOfBatchesIsMixedAndTheSameSeedMixesTheSame() {
    Mixing m = new Mixing(0.8, 1.0, 0.3);
    int mixed = 0;
    int cut = 0;
    for (int s = 0; s < 2000; s++) {
      float[][] b = batch();
      Mixing.Applied a = m.apply(b[0], b[1], b[2], N, new SplittableRandom(s));
      mixed += a.kind().equals("none") ? 0 : 1;
      cut += a.kind().equals("cutmix") ? 1 : 0;
    }
    assertEquals(600, mixed, 60);
    assertEquals(mixed / 2.0, cut, 50);
    float[][] a = batch();
    float[][] b = batch();
    m.apply(a[0], a[1], a[2], N, new SplittableRandom(99));
    m.apply(b[0], b[1], b[2], N, new SplittableRandom(99));
    assertArrayEquals(a[0], b[0]);
    assertArrayEquals(a[1], b[1]);
  }

  @Test
  void badSettingsNameTheirKey() {
    assertEquals(List.of("mixup"),
        assertThrows(SettingException.class, () -> new Mixing(-1, 0, 1)).keys());
    assertEquals(List.of("mix_prob"),
        assertThrows(SettingException.class, () -> new Mixing(0.2, 0, 0)).keys());
    assertEquals(List.of("distill_temperature"),
        assertThrows(SettingException.class, () -> new Distillation(List.of("t.onnx"), 0.5, 0.5)).keys());
  }
}
