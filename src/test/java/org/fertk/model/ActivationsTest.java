package org.fertk.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** Keras 3's activations on hand-computed values. */
class ActivationsTest {
  private static final float[] X = {-2, -1, 0, 0.5f, 1, 2};

  private static float[] run(String name) {
    Layer a = LayerHarness.layer("Activation", "a", "{'activation': '" + name + "'}", Dims.of(X.length));
    return LayerHarness.run(a, Map.of(), X, new long[] {1, X.length}, false).output();
  }

  private static float[] of(DoubleUnaryOperator f) {
    float[] y = new float[X.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) f.applyAsDouble(X[i]);
    }
    return y;
  }

  @Test
  void eachActivationGivesKerasValues() {
    double alpha = 1.6732632423543772;
    double scale = 1.0507009873554805;
    assertArrayEquals(of(x -> scale * (x > 0 ? x : alpha * (Math.exp(x) - 1))), run("selu"), 1e-5f);
    // x * Phi(x) from the standard normal table: Phi(0.5) = 0.6914625, Phi(1) = 0.8413447, Phi(2) = 0.9772499
    assertArrayEquals(new float[] {-2 * (1 - 0.9772499f), -(1 - 0.8413447f), 0, 0.5f * 0.6914625f, 0.8413447f,
        2 * 0.9772499f}, run("gelu"), 1e-5f);
    float[] swish = of(x -> x / (1 + Math.exp(-x)));
    assertArrayEquals(swish, run("swish"), 1e-5f);
    assertArrayEquals(swish, run("silu"), 1e-5f);
    assertArrayEquals(new float[] {-0.4f, -0.2f, 0, 0.5f, 1, 2}, run("leaky_relu"), 1e-6f);
    assertArrayEquals(new float[] {1 / 6f, 2 / 6f, 0.5f, 3.5f / 6, 4 / 6f, 5 / 6f}, run("hard_sigmoid"), 1e-6f);
    assertArrayEquals(of(x -> Math.log1p(Math.exp(x))), run("softplus"), 1e-5f);
  }

  @Test
  void namesRoundTripAndUnknownOnesAreListed() {
    for (Activation a : Activation.values()) {
      assertEquals(a, Activation.valueOf(a.keras().toUpperCase(Locale.ROOT)));
    }
    RuntimeException e = assertThrows(RuntimeException.class, () -> run("mish"));
    assertTrue(e.getMessage().contains("leaky_relu") && e.getMessage().contains("'mish'"), e.getMessage());
  }
}
