package org.fertk.onnx;

import org.fertk.onnx.tf.TfToOnnxConverter;
import org.fertk.onnx.tf.Layouts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.fertk.model.GraphContext;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Builds a small TF graph (input "x" -> output "y"), converts it, and compares TF with ONNX
 * Runtime on random input: |ort - tf| <= atol + rtol * |tf| element-wise.
 */
final class TfOnnxHarness {
  static final double RTOL = 1e-5;
  static final double ATOL = 1e-5;

  private TfOnnxHarness() {}

  /** What a comparison found, for further assertions on the graph. */
  record Outcome(OnnxGraph graph, byte[] model, float[] tf, float[] ort) {}

  /** A graph body that may create model variables through a GraphContext. */
  interface Body {
    Operand<TFloat32> build(Ops tf, GraphContext ctx, Operand<TFloat32> x);
  }

  static Outcome compare(long[] inputShape, BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> body) {
    return compare(inputShape, (tf, ctx, x) -> body.apply(tf, x), new Layouts());
  }

  static Outcome compare(long[] inputShape, Body body) {
    return compare(inputShape, body, new Layouts());
  }

  static Outcome compare(long[] inputShape, Body body, Layouts layouts) {
    long n = 1;
    for (long d : inputShape) {
      n *= d;
    }
    float[] in = new float[(int) n];
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < in.length; i++) {
      in[i] = (float) (r.nextDouble() * 2 - 1);
    }
    long[] dynamic = inputShape.clone();
    dynamic[0] = -1;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(dynamic)));
      GraphContext ctx = new GraphContext(tf);
      tf.withName("y").identity(body.build(tf, ctx, x));
      try (Session s = new Session(g)) {
        ctx.initialize(s, 5);
        float[] expected;
        try (TFloat32 xt = TFloat32.tensorOf(Shape.of(inputShape), DataBuffers.of(in));
            Result res = s.runner().feed("x", xt).fetch("y").run()) {
          TFloat32 y = (TFloat32) res.get(0);
          expected = new float[(int) y.size()];
          y.copyTo(DataBuffers.of(expected));
        }
        TfToOnnxConverter conv = new TfToOnnxConverter(new TfToOnnxConverter.Options(17, layouts));
        OnnxGraph og = conv.convert(g, s, "x", "y", "test");
        byte[] model = conv.toModel(og, Map.of()).toByteArray();
        float[] actual = runOrt(model, in, inputShape);
        return new Outcome(og, model, expected, actual);
      }
    }
  }

  static float[] runOrt(byte[] model, float[] in, long[] shape) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession s = env.createSession(model, o);
        OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(in), shape);
        OrtSession.Result r = s.run(Map.of("x", t))) {
      FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
      float[] out = new float[fb.remaining()];
      fb.get(out);
      return out;
    } catch (OrtException e) {
      throw new AssertionError("ORT failed: " + e.getMessage(), e);
    }
  }

  static void assertClose(Outcome o) {
    assertEquals(o.tf().length, o.ort().length, "output sizes");
    for (int i = 0; i < o.tf().length; i++) {
      double tol = ATOL + RTOL * Math.abs(o.tf()[i]);
      assertTrue(Math.abs(o.tf()[i] - o.ort()[i]) <= tol,
          "element " + i + ": tf " + o.tf()[i] + " vs ort " + o.ort()[i]);
    }
    assertArrayEquals(o.tf(), o.tf()); // keep the arrays referenced for debugging
  }

  /** A random constant tensor. */
  static Operand<TFloat32> random(Ops tf, long seed, long... dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    float[] v = new float[(int) n];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((r.nextDouble() * 2 - 1) * 0.5);
    }
    return tf.constant(Shape.of(dims), DataBuffers.of(v));
  }
}
