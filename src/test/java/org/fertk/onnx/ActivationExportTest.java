package org.fertk.onnx;

import static org.fertk.onnx.TfOnnxHarness.assertClose;
import static org.fertk.onnx.TfOnnxHarness.compare;

import java.util.List;
import java.util.SplittableRandom;
import org.fertk.model.Activation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Every Keras activation, as the layers build it in TF, converts to ONNX and matches TF. */
class ActivationExportTest {
  private static Operand<TFloat32> conv(Ops tf, Operand<TFloat32> x) {
    float[] k = new float[3 * 3 * 3 * 4];
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < k.length; i++) {
      k[i] = (float) (r.nextDouble() - 0.5);
    }
    Operand<TFloat32> w = tf.constant(Shape.of(3, 3, 3, 4), DataBuffers.of(k));
    return tf.math.mul(tf.nn.conv2d(x, w, List.of(1L, 1L, 1L, 1L), "SAME"), tf.constant(4f));
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void onFeatureMapsAndVectors(Activation a) {
    assertClose(compare(new long[] {2, 8, 8, 3}, (tf, x) -> a.apply(tf, conv(tf, x))));
    assertClose(compare(new long[] {3, 5}, (tf, x) -> a.apply(tf, tf.math.sub(tf.math.mul(x, tf.constant(8f)),
        tf.constant(4f)))));
  }
}
