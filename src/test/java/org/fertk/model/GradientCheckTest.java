package org.fertk.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.fertk.data.FaceDataset;
import org.fertk.data.SyntheticFaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The gradients TF computes through our layers (training mode: batch statistics, unrolled LSTM)
 * agree with central finite differences of the loss.
 */
class GradientCheckTest {
  private static final String CNN = "{'class_name': 'Conv2D', 'config': {'filters': 2, 'kernel_size': 3, "
      + "'padding': 'same', 'activation': 'tanh'}}, {'class_name': 'BatchNormalization', 'config': {}}, "
      + "{'class_name': 'MaxPooling2D', 'config': {'pool_size': 4}}, " + TestSpecs.FLATTEN + ", "
      + "{'class_name': 'Dense', 'config': {'units': 5, 'activation': 'elu'}}, " + TestSpecs.OUT;
  private static final String RNN = "{'class_name': 'Reshape', 'config': {'target_shape': [48, 48]}}, "
      + "{'class_name': 'TimeDistributed', 'config': {'layer': {'class_name': 'Dense', "
      + "'config': {'units': 3, 'activation': 'tanh'}}}}, {'class_name': 'LSTM', 'config': {'units': 2}}, "
      + TestSpecs.OUT;

  /** The activations beyond the study's: their gradients too. */
  private static final String ACTIVATIONS = "{'class_name': 'Conv2D', 'config': {'filters': 2, 'kernel_size': 3, "
      + "'strides': 4, 'activation': 'gelu'}}, "
      + "{'class_name': 'DepthwiseConv2D', 'config': {'kernel_size': 3, 'depth_multiplier': 2, 'strides': 2}}, "
      + "{'class_name': 'SeparableConv2D', 'config': {'filters': 3, 'kernel_size': 3, 'activation': 'elu'}}, "
      + TestSpecs.FLATTEN + ", "
      + "{'class_name': 'Dense', 'config': {'units': 6, 'activation': 'selu'}}, "
      + "{'class_name': 'LayerNormalization', 'config': {}}, "
      + "{'class_name': 'Dense', 'config': {'units': 6, 'activation': 'swish'}}, "
      + "{'class_name': 'Dense', 'config': {'units': 6, 'activation': 'leaky_relu'}}, "
      + "{'class_name': 'Dense', 'config': {'units': 6, 'activation': 'hard_sigmoid'}}, "
      + "{'class_name': 'Dense', 'config': {'units': 6, 'activation': 'softplus'}}, " + TestSpecs.OUT;

  @ParameterizedTest
  @ValueSource(strings = {CNN, RNN, ACTIVATIONS})
  void gradientsMatchFiniteDifferences(String layers) {
    check(TestSpecs.model(layers));
  }

  /** Through both branches of a residual block, every merge, resizing and a squeeze-and-excitation product. */
  @Test
  void gradientsFlowThroughMerges() {
    check(TestSpecs.graph("out",
        TestSpecs.node("Conv2D", "a", "{'filters': 2, 'kernel_size': 3, 'strides': 4, 'activation': 'tanh'}", "input_layer"),
        TestSpecs.node("Conv2D", "b", "{'filters': 2, 'kernel_size': 3, 'padding': 'same'}", "a"),
        TestSpecs.node("Add", "add", "{}", "a", "b"),
        TestSpecs.node("Subtract", "sub", "{}", "add", "b"),
        TestSpecs.node("Average", "avg", "{}", "sub", "b", "a"),
        TestSpecs.node("Maximum", "max", "{}", "avg", "b"),
        TestSpecs.node("Minimum", "min", "{}", "max", "add"),
        TestSpecs.node("GlobalAveragePooling2D", "squeeze", "{}", "min"),
        TestSpecs.node("Dense", "excite", "{'units': 2, 'activation': 'sigmoid'}", "squeeze"),
        TestSpecs.node("Reshape", "r", "{'target_shape': [1, 1, 2]}", "excite"),
        TestSpecs.node("Multiply", "se", "{}", "min", "r"),
        TestSpecs.node("Resizing", "up", "{'height': 17, 'width': 15}", "se"),
        TestSpecs.node("Resizing", "down", "{'height': 12, 'width': 12}", "up"),
        TestSpecs.node("Concatenate", "cat", "{}", "down", "a"),
        TestSpecs.node("Flatten", "f", "{}", "cat"),
        TestSpecs.node("Dense", "out", "{'units': 7, 'activation': 'softmax'}", "f")));
  }

  /** Self-attention over feature-map cells, a residual around it, Dense on a sequence. */
  @Test
  void gradientsFlowThroughAttention() {
    check(TestSpecs.graph("out",
        TestSpecs.node("Conv2D", "a", "{'filters': 4, 'kernel_size': 3, 'strides': 8, 'activation': 'tanh'}", "input_layer"),
        TestSpecs.node("Reshape", "cells", "{'target_shape': [36, 4]}", "a"),
        TestSpecs.node("MultiHeadAttention", "mha", "{'num_heads': 2, 'key_dim': 3}", "cells", "cells"),
        TestSpecs.node("Add", "res", "{}", "cells", "mha"),
        TestSpecs.node("LayerNormalization", "ln", "{}", "res"),
        TestSpecs.node("Dense", "mlp", "{'units': 5, 'activation': 'gelu'}", "ln"),
        TestSpecs.node("MultiHeadAttention", "mha2", "{'num_heads': 1, 'key_dim': 2, 'value_dim': 4}", "a", "a"),
        TestSpecs.node("GlobalAveragePooling2D", "gap2", "{}", "mha2"),
        TestSpecs.node("GlobalAveragePooling1D", "gap", "{}", "mlp"),
        TestSpecs.node("Concatenate", "cat", "{}", "gap", "gap2"),
        TestSpecs.node("Dense", "out", "{'units': 7, 'activation': 'softmax'}", "cat")));
  }

  private static void check(Network model) {
    FaceDataset faces = new SyntheticFaces(4).generate(3, 0);
    float[] x = new float[3 * FaceDataset.PIXELS];
    float[] y = new float[3 * 7];
    for (int i = 0; i < 3; i++) {
      faces.toUnitFloats(i, x, i * FaceDataset.PIXELS);
      y[i * 7 + faces.label(i)] = 1;
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      GraphContext ctx = new GraphContext(tf);
      Placeholder<TFloat32> xp = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 48, 48, 1)));
      Placeholder<TFloat32> yp = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 7)));
      Network.Outputs out = model.forward(ctx, xp, true);
      Operand<TFloat32> loss = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(out.logits(), yp).loss(), tf.constant(0));
      List<Weight> weights = model.weights().stream().filter(Weight::trainable).toList();
      List<Operand<TFloat32>> vars = new ArrayList<>();
      weights.forEach(w -> vars.add(ctx.variable(w)));
      List<Output<?>> grads = tf.gradients(loss, vars).dy();
      try (Session s = new Session(g);
          TFloat32 xt = TFloat32.tensorOf(Shape.of(3, 48, 48, 1), DataBuffers.of(x));
          TFloat32 yt = TFloat32.tensorOf(Shape.of(3, 7), DataBuffers.of(y))) {
        ctx.initialize(s, 3);
        Map<String, float[]> values = ctx.read(s);
        Session.Runner r = s.runner().feed(xp, xt).feed(yp, yt);
        grads.forEach(r::fetch);
        List<float[]> analytic = new ArrayList<>();
        try (Result res = r.run()) {
          for (int i = 0; i < grads.size(); i++) {
            TFloat32 t = (TFloat32) res.get(i);
            float[] v = new float[(int) t.size()];
            t.copyTo(DataBuffers.of(v));
            analytic.add(v);
          }
        }
        SplittableRandom rng = new SplittableRandom(5);
        int checked = 0;
        for (int wi = 0; wi < weights.size(); wi++) {
          String name = weights.get(wi).fullName();
          float[] w = values.get(name);
          for (int probe = 0; probe < 4; probe++) {
            int k = rng.nextInt(w.length);
            double eps = 3e-3;
            float orig = w[k];
            w[k] = (float) (orig + eps);
            double up = lossAt(s, ctx, name, w, loss, xp, xt, yp, yt);
            w[k] = (float) (orig - eps);
            double down = lossAt(s, ctx, name, w, loss, xp, xt, yp, yt);
            w[k] = orig;
            ctx.assign(s, Map.of(name, w));
            double numeric = (up - down) / (2 * eps);
            double a = analytic.get(wi)[k];
            assertTrue(Math.abs(numeric - a) <= 2e-3 + 0.03 * Math.abs(a),
                name + "[" + k + "]: analytic " + a + " vs numeric " + numeric);
            checked++;
          }
        }
        assertTrue(checked >= 16);
      }
    }
  }

  private static double lossAt(Session s, GraphContext ctx, String name, float[] w, Operand<TFloat32> loss,
      Placeholder<TFloat32> xp, TFloat32 xt, Placeholder<TFloat32> yp, TFloat32 yt) {
    ctx.assign(s, Map.of(name, w));
    try (Result r = s.runner().feed(xp, xt).feed(yp, yt).fetch(loss).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }
}
