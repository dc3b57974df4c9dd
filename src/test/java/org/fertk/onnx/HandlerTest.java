package org.fertk.onnx;

import static org.fertk.onnx.TfOnnxHarness.assertClose;
import static org.fertk.onnx.TfOnnxHarness.compare;
import static org.fertk.onnx.TfOnnxHarness.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fertk.model.Dims;
import org.fertk.model.Layer;
import org.fertk.model.LayerHarness;
import org.fertk.onnx.tf.ConversionException;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Each TF op handler: TF and ONNX Runtime agree (rtol 1e-5, atol 1e-5) on random input. */
class HandlerTest {
  private static final long[] IMG = {2, 8, 8, 3};
  /** One channel: NHWC and NCHW share a memory order, so the input needs no Transpose. */
  private static final long[] GRAY = {2, 8, 8, 1};

  private static Operand<TFloat32> conv(Ops tf, Operand<TFloat32> x, int out, String pad, int stride) {
    return tf.nn.conv2d(x, random(tf, out, 3, 3, x.shape().get(3), out), List.of(1L, (long) stride, (long) stride, 1L), pad);
  }

  @Test
  void conv2dSameAndValidWithBias() {
    var o = compare(IMG, (tf, x) -> tf.nn.biasAdd(conv(tf, x, 4, "SAME", 1), random(tf, 2, 4)));
    assertClose(o);
    assertEquals(1, o.graph().count(OnnxOp.CONV));
    assertEquals(0, o.graph().count(OnnxOp.ADD), "bias folded into Conv");
    assertClose(compare(IMG, (tf, x) -> conv(tf, x, 5, "VALID", 2)));
    assertClose(compare(new long[] {1, 7, 9, 2}, (tf, x) -> conv(tf, x, 3, "SAME", 2)));
  }

  @Test
  void activationsOnImagesAndVectors() {
    assertClose(compare(IMG, (tf, x) -> tf.nn.relu(conv(tf, x, 4, "SAME", 1))));
    assertClose(compare(IMG, (tf, x) -> tf.nn.elu(conv(tf, x, 4, "SAME", 1))));
    assertClose(compare(IMG, (tf, x) -> tf.math.sigmoid(conv(tf, x, 4, "SAME", 1))));
    assertClose(compare(IMG, (tf, x) -> tf.math.tanh(conv(tf, x, 4, "SAME", 1))));
    assertClose(compare(new long[] {3, 5}, (tf, x) -> tf.nn.softmax(tf.math.mul(x, tf.constant(4f)))));
  }

  @Test
  void pooling() {
    assertClose(compare(IMG, (tf, x) -> tf.nn.maxPool(conv(tf, x, 4, "SAME", 1),
        tf.constant(new int[] {1, 2, 2, 1}), tf.constant(new int[] {1, 2, 2, 1}), "VALID")));
    assertClose(compare(new long[] {2, 7, 7, 3}, (tf, x) -> tf.nn.maxPool(x,
        tf.constant(new int[] {1, 3, 3, 1}), tf.constant(new int[] {1, 2, 2, 1}), "SAME")));
    // SAME average pooling averages only the valid part of border windows
    assertClose(compare(new long[] {2, 7, 7, 3}, (tf, x) -> tf.nn.avgPool(x, List.of(1L, 3L, 3L, 1L),
        List.of(1L, 2L, 2L, 1L), "SAME")));
    var attrPool = compare(IMG, (tf, x) -> tf.nn.relu(
        tf.scope().opBuilder("MaxPool", "mp").addInput(conv(tf, x, 4, "SAME", 1).asOutput())
            .setAttr("ksize", new long[] {1, 2, 2, 1}).setAttr("strides", new long[] {1, 2, 2, 1})
            .setAttr("padding", "VALID").build().<TFloat32>output(0)));
    assertClose(attrPool);
  }

  @Test
  void flattenIntoDenseFoldsTheLayoutIntoTheKernel() {
    var o = compare(GRAY, (tf, x) -> {
      Operand<TFloat32> f = tf.reshape(tf.nn.relu(conv(tf, x, 4, "SAME", 1)), tf.constant(new int[] {-1, 256}));
      return tf.nn.biasAdd(tf.linalg.matMul(f, random(tf, 5, 256, 6)), random(tf, 6, 6));
    });
    assertClose(o);
    assertEquals(0, o.graph().count(OnnxOp.TRANSPOSE), "no transpose: rows of the kernel are permuted");
    assertEquals(1, o.graph().count(OnnxOp.FLATTEN));
    assertEquals(1, o.graph().count(OnnxOp.GEMM));
    assertEquals(0, o.graph().count(OnnxOp.ADD), "bias folded into Gemm");
  }

  @Test
  void reshapeWithoutDenseTransposesBack() {
    var o = compare(GRAY, (tf, x) -> tf.reshape(conv(tf, x, 4, "SAME", 1), tf.constant(new int[] {-1, 8, 32})));
    assertClose(o);
    assertEquals(1, o.graph().count(OnnxOp.TRANSPOSE), "back to NHWC before a general reshape");
    var rgb = compare(IMG, (tf, x) -> tf.reshape(conv(tf, x, 4, "SAME", 1), tf.constant(new int[] {-1, 8, 32})));
    assertClose(rgb);
    assertEquals(2, rgb.graph().count(OnnxOp.TRANSPOSE), "three-channel input: one in, one back");
  }

  @Test
  void oneChannelInputNeedsNoTranspose() {
    var o = compare(new long[] {2, 6, 6, 1}, (tf, x) -> tf.linalg.matMul(
        tf.reshape(conv(tf, x, 2, "SAME", 1), tf.constant(new int[] {-1, 72})), random(tf, 3, 72, 4)));
    assertClose(o);
    assertEquals(0, o.graph().count(OnnxOp.TRANSPOSE));
    assertEquals(1, o.graph().count(OnnxOp.RESHAPE), "the input is reshaped, not transposed, to NCHW");
  }

  @Test
  void binaryOpsWithConstantsAndTensors() {
    // per-channel scale and shift on NCHW (batch norm's inference form), then folded into Conv
    var bn = compare(IMG, (tf, x) -> tf.math.add(tf.math.mul(conv(tf, x, 4, "SAME", 1), random(tf, 7, 4)), random(tf, 8, 4)));
    assertClose(bn);
    assertEquals(0, bn.graph().count(OnnxOp.MUL) + bn.graph().count(OnnxOp.ADD), "affine folded into Conv");
    assertClose(compare(IMG, (tf, x) -> tf.math.sub(tf.constant(1f), tf.nn.relu(conv(tf, x, 4, "SAME", 1)))));
    assertClose(compare(IMG, (tf, x) -> tf.math.div(tf.nn.relu(conv(tf, x, 4, "SAME", 1)), tf.constant(3f))));
    assertClose(compare(IMG, (tf, x) -> {
      Operand<TFloat32> a = conv(tf, x, 4, "SAME", 1);
      return tf.math.add(tf.math.mul(a, a), a);
    }));
    assertClose(compare(new long[] {3, 5}, (tf, x) -> tf.math.mul(x, random(tf, 9, 5))));
  }

  @Test
  void sliceOnInputAndOnNchwActivations() {
    var onInput = compare(IMG, (tf, x) -> tf.slice(x, tf.constant(new int[] {0, 1, 2, 0}), tf.constant(new int[] {-1, 5, 4, -1})));
    assertClose(onInput);
    assertEquals(1, onInput.graph().count(OnnxOp.SLICE));
    // after a convolution the activations are NCHW: the crop renumbers the axes instead of transposing
    var onConv = compare(IMG, (tf, x) -> tf.nn.relu(tf.slice(conv(tf, x, 4, "SAME", 1),
        tf.constant(new int[] {0, 2, 1, 1}), tf.constant(new int[] {-1, 3, -1, 2}))));
    assertClose(onConv);
    assertEquals(1, onConv.graph().count(OnnxOp.SLICE));
    assertEquals(2, onConv.graph().count(OnnxOp.TRANSPOSE), "into NCHW for the Conv, back to NHWC at the output");
  }

  @Test
  void meanTransposeAndGather() {
    var gap = compare(GRAY, (tf, x) -> tf.math.mean(conv(tf, x, 4, "SAME", 1), tf.constant(new int[] {1, 2})));
    assertClose(gap);
    assertEquals(0, gap.graph().count(OnnxOp.TRANSPOSE));
    assertClose(compare(new long[] {2, 5, 3}, (tf, x) -> tf.math.mean(x, tf.constant(new int[] {1}))));
    assertClose(compare(new long[] {2, 5, 3}, (tf, x) -> tf.linalg.transpose(x, tf.constant(new int[] {1, 0, 2}))));
    assertClose(compare(new long[] {4, 2, 3}, (tf, x) -> tf.gather(x, tf.constant(3), tf.constant(0))));
  }

  @Test
  void lstmBecomesOneOnnxLstmNode() {
    Layer lstm = LayerHarness.layer("LSTM", "lstm", "{'units': 6, 'return_sequences': true}", Dims.of(5, 4));
    Layer last = LayerHarness.layer("LSTM", "lstm2", "{'units': 3}", Dims.of(5, 6));
    var o = compare(new long[] {3, 5, 4}, (tf, ctx, x) -> last.call(ctx, lstm.call(ctx, x, false), false));
    assertClose(o);
    assertEquals(2, o.graph().count(OnnxOp.LSTM));
  }

  @Test
  void unsupportedOpsAreListedTogether() {
    ConversionException e = assertThrows(ConversionException.class, () -> compare(new long[] {2, 3},
        (tf, x) -> tf.math.add(tf.math.exp(x), tf.math.add(tf.math.floor(x), tf.math.floor(tf.math.neg(x))))));
    assertTrue(e.getMessage().startsWith("unsupported TF ops: Exp x1, Floor x2, Neg x1 (supported: "), e.getMessage());
  }
}
