package org.fertk.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Layer outputs against small cases computed by hand (independent of TF). */
class LayerNumericsTest {
  private static final float EPS = 1e-5f;

  @Test
  void tinyConvolution() {
    // 3x3 input 1..9, one 2x2 filter of ones, valid padding: sums of each 2x2 window, +1 bias.
    Layer conv = LayerHarness.layer("Conv2D", "c", "{'filters': 1, 'kernel_size': 2}", Dims.of(3, 3, 1));
    LayerHarness.Run r = LayerHarness.run(conv, Map.of("c/kernel", new float[] {1, 1, 1, 1}, "c/bias", new float[] {1}),
        new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, new long[] {1, 3, 3, 1}, false);
    assertArrayEquals(new float[] {13, 17, 25, 29}, r.output(), EPS);
    // 'same' padding pads bottom/right for an even kernel: the last column sees only 3+6.
    Layer same = LayerHarness.layer("Conv2D", "s", "{'filters': 1, 'kernel_size': 2, 'padding': 'same', 'use_bias': false}",
        Dims.of(3, 3, 1));
    float[] out = LayerHarness.run(same, Map.of("s/kernel", new float[] {1, 1, 1, 1}),
        new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, new long[] {1, 3, 3, 1}, false).output();
    assertArrayEquals(new float[] {12, 16, 9, 24, 28, 15, 15, 17, 9}, out, EPS);
  }

  @Test
  void denseWithActivation() {
    // [1, 2] x [[1, 2, 3], [4, 5, -6]] + [0.5, 0, -0.5] = [9.5, 12, -9.5] -> relu
    Layer d = LayerHarness.layer("Dense", "d", "{'units': 3, 'activation': 'relu'}", Dims.of(2));
    float[] out = LayerHarness.run(d, Map.of("d/kernel", new float[] {1, 2, 3, 4, 5, -6},
        "d/bias", new float[] {0.5f, 0, -0.5f}), new float[] {1, 2}, new long[] {1, 2}, false).output();
    assertArrayEquals(new float[] {9.5f, 12, 0}, out, EPS);
  }

  @Test
  void maxAndAveragePooling() {
    float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    Layer max = LayerHarness.layer("MaxPooling2D", "m", "{}", Dims.of(4, 4, 1));
    assertArrayEquals(new float[] {6, 8, 14, 16},
        LayerHarness.run(max, Map.of(), x, new long[] {1, 4, 4, 1}, false).output(), EPS);
    Layer avg = LayerHarness.layer("AveragePooling2D", "a", "{}", Dims.of(4, 4, 1));
    assertArrayEquals(new float[] {3.5f, 5.5f, 11.5f, 13.5f},
        LayerHarness.run(avg, Map.of(), x, new long[] {1, 4, 4, 1}, false).output(), EPS);
  }

  @Test
  void croppingKeepsTheInnerWindow() {
    // 4x4 image 1..16, two channels (second = minus the first); drop 1 row on top, 1 column each side
    float[] x = new float[32];
    for (int i = 0; i < 16; i++) {
      x[2 * i] = i + 1;
      x[2 * i + 1] = -(i + 1);
    }
    Layer crop = LayerHarness.layer("Cropping2D", "k", "{'cropping': [[1, 0], [1, 1]]}", Dims.of(4, 4, 2));
    assertEquals(Dims.of(3, 2, 2), crop.outputDims());
    LayerHarness.Run r = LayerHarness.run(crop, Map.of(), x, new long[] {1, 4, 4, 2}, true);
    assertArrayEquals(new float[] {6, -6, 7, -7, 10, -10, 11, -11, 14, -14, 15, -15}, r.output(), EPS);
    assertEquals(Dims.of(44, 44, 1), LayerHarness.layer("Cropping2D", "s", "{'cropping': 2}", Dims.of(48, 48, 1)).outputDims());
    assertEquals(Dims.of(46, 40, 1), LayerHarness.layer("Cropping2D", "p", "{'cropping': [1, 4]}", Dims.of(48, 48, 1)).outputDims());
  }

  /** Keras LSTM equations written out by hand for one unit and one input feature. */
  private static float[] lstmByHand(float[] xs, float[] w, float[] u, float[] b) {
    double h = 0;
    double c = 0;
    float[] hs = new float[xs.length];
    for (int t = 0; t < xs.length; t++) {
      double i = sigmoid(w[0] * xs[t] + u[0] * h + b[0]);
      double f = sigmoid(w[1] * xs[t] + u[1] * h + b[1]);
      double g = Math.tanh(w[2] * xs[t] + u[2] * h + b[2]);
      double o = sigmoid(w[3] * xs[t] + u[3] * h + b[3]);
      c = f * c + i * g;
      h = o * Math.tanh(c);
      hs[t] = (float) h;
    }
    return hs;
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  @Test
  void lstmMatchesTheEquationsInTrainingAndInferenceForm() {
    float[] w = {0.5f, -0.3f, 0.8f, 0.1f};
    float[] u = {0.2f, 0.4f, -0.6f, 0.9f};
    float[] b = {0.1f, 1.0f, -0.2f, 0.05f};
    float[] xs = {1.0f, -0.5f, 2.0f};
    Map<String, float[]> weights = Map.of("l/kernel", w, "l/recurrent_kernel", u, "l/bias", b);
    float[] expected = lstmByHand(xs, w, u, b);
    Layer seq = LayerHarness.layer("LSTM", "l", "{'units': 1, 'return_sequences': true}", Dims.of(3, 1));
    for (boolean training : new boolean[] {true, false}) {
      float[] out = LayerHarness.run(seq, weights, xs, new long[] {1, 3, 1}, training).output();
      assertArrayEquals(expected, out, EPS, "training=" + training);
    }
    Layer last = LayerHarness.layer("LSTM", "l", "{'units': 1}", Dims.of(3, 1));
    float[] one = LayerHarness.run(last, weights, xs, new long[] {1, 3, 1}, false).output();
    assertArrayEquals(new float[] {expected[2]}, one, EPS);
  }

  @Test
  void lstmDefaultInitialisation() {
    Layer l = LayerHarness.layer("LSTM", "l", "{'units': 4}", Dims.of(5, 3));
    Map<String, float[]> v = LayerHarness.run(l, Map.of(), new float[15], new long[] {1, 5, 3}, false).variables();
    float[] bias = v.get("l/bias");
    assertArrayEquals(new float[] {0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, bias, 0f, "unit forget bias");
    // orthogonal recurrent kernel: (4 x 16) rows are orthonormal
    float[] r = v.get("l/recurrent_kernel");
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        double dot = 0;
        for (int k = 0; k < 16; k++) {
          dot += r[i * 16 + k] * r[j * 16 + k];
        }
        assertEquals(i == j ? 1 : 0, dot, 1e-5);
      }
    }
  }

  @Test
  void batchNormTrainingAndInference() {
    Layer bn = LayerHarness.layer("BatchNormalization", "bn", "{'momentum': 0.9, 'epsilon': 0.001}", Dims.of(2));
    // batch of 4, two channels: channel 0 = 1,2,3,4 (mean 2.5, biased var 1.25); channel 1 = 10 each
    float[] x = {1, 10, 2, 10, 3, 10, 4, 10};
    Map<String, float[]> w = Map.of("bn/gamma", new float[] {2, 1}, "bn/beta", new float[] {0.5f, -1},
        "bn/moving_mean", new float[] {0, 0}, "bn/moving_variance", new float[] {1, 1});
    LayerHarness.Run train = LayerHarness.run(bn, w, x, new long[] {4, 2}, true);
    double inv = 1 / Math.sqrt(1.25 + 0.001);
    for (int k = 0; k < 4; k++) {
      assertEquals(2 * (k + 1 - 2.5) * inv + 0.5, train.output()[2 * k], 1e-5);
      assertEquals(-1, train.output()[2 * k + 1], 1e-5);
    }
    // moving = 0.9 * moving + 0.1 * batch statistic
    assertArrayEquals(new float[] {0.25f, 1.0f}, train.variables().get("bn/moving_mean"), EPS);
    assertArrayEquals(new float[] {0.9f + 0.125f, 0.9f}, train.variables().get("bn/moving_variance"), EPS);
    LayerHarness.Run infer = LayerHarness.run(bn, Map.of("bn/gamma", new float[] {2, 1}, "bn/beta", new float[] {0.5f, -1},
        "bn/moving_mean", new float[] {1, 10}, "bn/moving_variance", new float[] {4, 0.25f}), x, new long[] {4, 2}, false);
    assertEquals(2 * (3 - 1) / Math.sqrt(4.001) + 0.5, infer.output()[4], 1e-5);
    assertEquals(-1, infer.output()[5], 1e-5);
    assertArrayEquals(new float[] {1, 10}, infer.variables().get("bn/moving_mean"), 0f, "inference never updates");
  }

  @Test
  void batchNormOnImagesUsesTheFusedKernelWithKerasStatistics() {
    // 2 images of 2x1 pixels, 1 channel: values 1, 2, 3, 6 -> mean 3, biased variance 3.5
    Layer bn = LayerHarness.layer("BatchNormalization", "bn", "{'momentum': 0.5}", Dims.of(2, 1, 1));
    Map<String, float[]> w = Map.of("bn/gamma", new float[] {1}, "bn/beta", new float[] {0},
        "bn/moving_mean", new float[] {0}, "bn/moving_variance", new float[] {1});
    LayerHarness.Run r = LayerHarness.run(bn, w, new float[] {1, 2, 3, 6}, new long[] {2, 2, 1, 1}, true);
    double inv = 1 / Math.sqrt(3.5 + 0.001);
    assertArrayEquals(new float[] {(float) (-2 * inv), (float) (-inv), 0, (float) (3 * inv)}, r.output(), EPS);
    assertArrayEquals(new float[] {1.5f}, r.variables().get("bn/moving_mean"), EPS);
    assertArrayEquals(new float[] {0.5f + 0.5f * 3.5f}, r.variables().get("bn/moving_variance"), EPS, "biased, as Keras 3");
  }

  @Test
  void dropoutScalesSurvivorsAndIsIdentityAtInference() {
    Layer d = LayerHarness.layer("Dropout", "d", "{'rate': 0.25}", Dims.of(1000));
    float[] ones = new float[1000];
    Arrays.fill(ones, 1f);
    float[] train = LayerHarness.run(d, Map.of(), ones, new long[] {1, 1000}, true).output();
    int zeros = 0;
    for (float v : train) {
      if (v == 0) {
        zeros++;
      } else {
        assertEquals(1 / 0.75, v, 1e-5);
      }
    }
    assertTrue(zeros > 200 && zeros < 300, "about a quarter dropped: " + zeros);
    assertArrayEquals(ones, LayerHarness.run(d, Map.of(), ones, new long[] {1, 1000}, false).output(), 0f);
  }

  @Test
  void activationsAndGlobalPooling() {
    Layer a = LayerHarness.layer("Activation", "a", "{'activation': 'softmax'}", Dims.of(3));
    float[] p = LayerHarness.run(a, Map.of(), new float[] {0, (float) Math.log(2), (float) Math.log(5)}, new long[] {1, 3}, false).output();
    assertArrayEquals(new float[] {0.125f, 0.25f, 0.625f}, p, EPS);
    Layer elu = LayerHarness.layer("Activation", "e", "{'activation': 'elu'}", Dims.of(2));
    assertArrayEquals(new float[] {(float) (Math.exp(-1) - 1), 2},
        LayerHarness.run(elu, Map.of(), new float[] {-1, 2}, new long[] {1, 2}, false).output(), EPS);
    Layer gap = LayerHarness.layer("GlobalAveragePooling2D", "g", "{}", Dims.of(2, 2, 2));
    assertArrayEquals(new float[] {2.5f, 25},
        LayerHarness.run(gap, Map.of(), new float[] {1, 10, 2, 20, 3, 30, 4, 40}, new long[] {1, 2, 2, 2}, false).output(), EPS);
  }

  @Test
  void glorotUniformLimits() {
    // fan_in = 3*3*1 = 9, fan_out = 3*3*32 = 288: limit sqrt(6/297)
    float[] k = Initializer.GLOROT_UNIFORM.values(new int[] {3, 3, 1, 32}, new SplittableRandom(1));
    double limit = Math.sqrt(6.0 / 297);
    double sumSq = 0;
    for (float v : k) {
      assertTrue(Math.abs(v) <= limit);
      sumSq += v * v;
    }
    assertEquals(limit / Math.sqrt(3), Math.sqrt(sumSq / k.length), 0.01, "uniform rms = limit/sqrt(3)");
  }
}
