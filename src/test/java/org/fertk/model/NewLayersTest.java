package org.fertk.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keras' GlobalMaxPooling, Rescaling, ZeroPadding2D and SpatialDropout2D on hand-computed values. */
class NewLayersTest {
  private static final float EPS = 1e-6f;

  @Test
  void globalMaxPooling() {
    Layer g = LayerHarness.layer("GlobalMaxPooling2D", "g", "{}", Dims.of(2, 2, 2));
    assertArrayEquals(new float[] {4, 40},
        LayerHarness.run(g, Map.of(), new float[] {1, 10, 2, 40, 4, 30, 3, 20}, new long[] {1, 2, 2, 2}, false).output(),
        EPS);
    Layer g1 = LayerHarness.layer("GlobalMaxPooling1D", "g1", "{}", Dims.of(3, 1));
    assertArrayEquals(new float[] {5}, LayerHarness.run(g1, Map.of(), new float[] {-1, 5, 2}, new long[] {1, 3, 1}, false)
        .output(), EPS);
  }

  @Test
  void rescaling() {
    Layer r = LayerHarness.layer("Rescaling", "r", "{'scale': 0.00784313725490196, 'offset': -1}", Dims.of(3));
    assertArrayEquals(new float[] {-1, 0, 1}, LayerHarness.run(r, Map.of(), new float[] {0, 127.5f, 255}, new long[] {1, 3},
        false).output(), 1e-5f);
    assertThrows(SpecException.class, () -> LayerHarness.layer("Rescaling", "r", "{}", Dims.of(3)), "scale is required");
  }

  @Test
  void zeroPadding() {
    Layer z = LayerHarness.layer("ZeroPadding2D", "z", "{'padding': [[1, 0], [0, 2]]}", Dims.of(1, 2, 1));
    assertEquals(Dims.of(2, 4, 1), z.outputDims());
    assertArrayEquals(new float[] {0, 0, 0, 0, 7, 8, 0, 0},
        LayerHarness.run(z, Map.of(), new float[] {7, 8}, new long[] {1, 1, 2, 1}, false).output(), EPS);
    Layer d = LayerHarness.layer("ZeroPadding2D", "d", "{}", Dims.of(2, 2, 3));
    assertEquals(Dims.of(4, 4, 3), d.outputDims(), "default: one row and column on every side");
  }

  @Test
  void spatialDropoutDropsWholeFeatureMapsInTrainingOnly() {
    Layer s = LayerHarness.layer("SpatialDropout2D", "s", "{'rate': 0.5}", Dims.of(4, 4, 8));
    float[] x = new float[2 * 4 * 4 * 8];
    Arrays.fill(x, 1f);
    float[] y = LayerHarness.run(s, Map.of(), x, new long[] {2, 4, 4, 8}, true).output();
    int dropped = 0;
    for (int img = 0; img < 2; img++) {
      for (int c = 0; c < 8; c++) {
        float first = y[img * 128 + c];
        assertTrue(first == 0 || first == 2, "kept maps are scaled by 1/(1-rate): " + first);
        for (int p = 0; p < 16; p++) {
          assertEquals(first, y[img * 128 + p * 8 + c], 0, "a whole map is kept or dropped");
        }
        dropped += first == 0 ? 1 : 0;
      }
    }
    assertTrue(dropped > 0 && dropped < 16, "some maps dropped, not all: " + dropped);
    assertArrayEquals(x, LayerHarness.run(s, Map.of(), x, new long[] {2, 4, 4, 8}, false).output(), 0, "inference: identity");
  }

  @Test
  void depthwiseAndSeparableConvolutionsUseKerasWeightLayouts() {
    // 2x2 image, channels (1, 10) at each pixel; 2x2 valid depthwise kernel, multiplier 2:
    // out[c*2+m] = sum over the window of x[c] * k[i][j][c][m]
    Layer d = LayerHarness.layer("DepthwiseConv2D", "d", "{'kernel_size': 2, 'depth_multiplier': 2}", Dims.of(2, 2, 2));
    assertEquals(Dims.of(1, 1, 4), d.outputDims());
    float[] x = {1, 10, 2, 20, 3, 30, 4, 40};
    float[] k = new float[2 * 2 * 2 * 2]; // (kh, kw, in, multiplier)
    for (int i = 0; i < k.length; i++) {
      k[i] = i % 2 == 0 ? 1 : -1; // multiplier 0 adds, multiplier 1 subtracts
    }
    float[] y = LayerHarness.run(d, Map.of("d/depthwise_kernel", k, "d/bias", new float[] {0.5f, 0, 0, 0}), x,
        new long[] {1, 2, 2, 2}, false).output();
    assertArrayEquals(new float[] {10.5f, -10, 100, -100}, y, EPS);
    // separable: the same, then a 1x1 convolution (1, 1, 4, 1) summing the four
    Layer sp = LayerHarness.layer("SeparableConv2D", "s", "{'filters': 1, 'kernel_size': 2, 'depth_multiplier': 2}",
        Dims.of(2, 2, 2));
    float[] z = LayerHarness.run(sp, Map.of("s/depthwise_kernel", k, "s/pointwise_kernel", new float[] {1, 1, 1, 2},
        "s/bias", new float[] {1}), x, new long[] {1, 2, 2, 2}, false).output();
    assertArrayEquals(new float[] {10 - 10 + 100 - 200 + 1}, z, EPS);
    assertThrows(SpecException.class,
        () -> LayerHarness.layer("SeparableConv2D", "s", "{'kernel_size': 2}", Dims.of(2, 2, 2)), "filters required");
  }

  @Test
  void layerNormalizationAndPermute() {
    Layer n = LayerHarness.layer("LayerNormalization", "n", "{}", Dims.of(4));
    // mean 3, variance (4 + 1 + 0 + 9) / 4 = 3.5; gamma 2, beta 1 on the last feature only
    float s = (float) Math.sqrt(3.5 + 1e-3);
    float[] y = LayerHarness.run(n, Map.of("n/gamma", new float[] {1, 1, 1, 2}, "n/beta", new float[] {0, 0, 0, 1}),
        new float[] {1, 2, 3, 6}, new long[] {1, 4}, false).output();
    assertArrayEquals(new float[] {-2 / s, -1 / s, 0, 2 * 3 / s + 1}, y, 1e-5f);
    Layer p = LayerHarness.layer("Permute", "p", "{'dims': [2, 1, 3]}", Dims.of(2, 3, 1));
    assertEquals(Dims.of(3, 2, 1), p.outputDims());
    assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6},
        LayerHarness.run(p, Map.of(), new float[] {1, 2, 3, 4, 5, 6}, new long[] {1, 2, 3, 1}, false).output(), EPS);
    assertThrows(SpecException.class, () -> LayerHarness.layer("Permute", "p", "{'dims': [1, 1]}", Dims.of(2, 2)));
    assertThrows(SpecException.class, () -> LayerHarness.layer("LayerNormalization", "n", "{'axis': 1}", Dims.of(2, 2)));
  }
}
