package org.fertk.model;

import static org.fertk.model.TestSpecs.graph;
import static org.fertk.model.TestSpecs.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fertk.util.Json;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Functional specs: Keras 2 and 3 configs, shapes through branches, merges, and the errors. */
class FunctionalSpecTest {
  static final String CONV = "{'filters': 8, 'kernel_size': 3, 'padding': 'same'}";
  static final String DENSE_OUT = "{'units': 7, 'activation': 'softmax'}";

  /** A residual block: conv-bn-relu, conv, add the first block's output, pool, classify. */
  static Network residual() {
    return graph("out",
        node("Conv2D", "conv_a", CONV, "input_layer"),
        node("BatchNormalization", "bn_a", "{}", "conv_a"),
        node("Activation", "relu_a", "{'activation': 'relu'}", "bn_a"),
        node("Conv2D", "conv_b", CONV, "relu_a"),
        node("Add", "add", "{}", "conv_b", "relu_a"),
        node("GlobalAveragePooling2D", "gap", "{}", "add"),
        node("Dense", "out", DENSE_OUT, "gap"));
  }

  @Test
  void aResidualBlockHasKerasShapesAndASummaryWithConnections() {
    Network m = residual();
    assertTrue(m.isFunctional());
    assertEquals(List.of("conv_b", "relu_a"), m.inputsOf(4));
    assertEquals(Dims.of(48, 48, 8), m.layers().get(4).outputDims());
    // conv 3*3*1*8+8, batch norm 4*8, conv 3*3*8*8+8, dense 8*7+7
    assertEquals(80 + 32 + 584 + 63, m.paramCount());
    String s = m.summary();
    assertTrue(s.contains("Connected to"), s);
    assertTrue(s.contains("input_layer (InputLayer)"), s);
    assertTrue(s.contains("conv_b[0][0], relu_a[0][0]"), s);
  }

  @Test
  void keras3JsonRoundTrips() {
    Network m = residual();
    String json = Json.write(m.toJson());
    assertTrue(json.contains("\"Functional\"") && json.contains("__keras_tensor__"), json);
    Network again = Network.parse(m.toJson(), 0);
    assertEquals(m.summary(), again.summary());
    assertEquals(json, Json.write(again.toJson()));
  }

  @Test
  void layersListedOutOfOrderAreSorted() {
    Network m = graph("out",
        node("Dense", "out", DENSE_OUT, "gap"),
        node("GlobalAveragePooling2D", "gap", "{}", "conv"),
        node("Conv2D", "conv", CONV, "input_layer"));
    assertEquals(List.of("conv", "gap", "out"), m.layers().stream().map(Layer::name).toList());
  }

  @Test
  void concatenateAndSqueezeExcitationShapes() {
    Network m = graph("out",
        node("Conv2D", "a", "{'filters': 4, 'kernel_size': 3, 'padding': 'same'}", "input_layer"),
        node("Conv2D", "b", "{'filters': 6, 'kernel_size': 1}", "input_layer"),
        node("Concatenate", "cat", "{'axis': -1}", "a", "b"),
        node("GlobalAveragePooling2D", "squeeze", "{}", "cat"),
        node("Dense", "excite", "{'units': 10, 'activation': 'sigmoid'}", "squeeze"),
        node("Reshape", "r", "{'target_shape': [1, 1, 10]}", "excite"),
        node("Multiply", "scaled", "{}", "cat", "r"),
        node("GlobalMaxPooling2D", "gmp", "{}", "scaled"),
        node("Dense", "out", DENSE_OUT, "gmp"));
    assertEquals(Dims.of(48, 48, 10), m.layers().get(2).outputDims());
    assertEquals(Dims.of(48, 48, 10), m.layers().get(6).outputDims());
  }

  @Test
  void mergesComputeWhatKerasComputes() {
    float[] a = {1, 2, 3, 4};
    float[] b = {10, 20, 30, 40};
    assertArrayEquals(new float[] {11, 22, 33, 44}, merge("Add", "{}", a, b), 1e-6f);
    assertArrayEquals(new float[] {-9, -18, -27, -36}, merge("Subtract", "{}", a, b), 1e-6f);
    assertArrayEquals(new float[] {10, 40, 90, 160}, merge("Multiply", "{}", a, b), 1e-6f);
    assertArrayEquals(new float[] {5.5f, 11, 16.5f, 22}, merge("Average", "{}", a, b), 1e-6f);
    assertArrayEquals(new float[] {10, 20, 30, 40}, merge("Maximum", "{}", a, b), 1e-6f);
    // shape (1, 2, 2): concatenating on the last axis interleaves the rows
    assertArrayEquals(new float[] {1, 2, 10, 20, 3, 4, 30, 40}, merge("Concatenate", "{'axis': -1}", a, b), 1e-6f);
    assertArrayEquals(new float[] {1, 2, 3, 4, 10, 20, 30, 40}, merge("Concatenate", "{'axis': 1}", a, b), 1e-6f);
  }

  private static float[] merge(String cls, String config, float[] a, float[] b) {
    Layer l = LayerRegistry.get(cls).create(new LayerConfig(cls, "m", Json.parse(config.replace('\'', '"'), "t")), 0);
    l.build(List.of(Dims.of(2, 2), Dims.of(2, 2)));
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> x = tf.reshape(tf.constant(a), tf.constant(new long[] {1, 2, 2}));
      Operand<TFloat32> y = tf.reshape(tf.constant(b), tf.constant(new long[] {1, 2, 2}));
      Operand<TFloat32> out = l.call(new GraphContext(tf), List.of(x, y), false);
      try (Result r = s.runner().fetch(out).run()) {
        TFloat32 t = (TFloat32) r.get(0);
        float[] v = new float[(int) t.size()];
        t.copyTo(DataBuffers.of(v));
        return v;
      }
    }
  }

  private static String error(Runnable r) {
    return assertThrows(SpecException.class, r::run).getMessage();
  }

  @Test
  void aCycleIsNamed() {
    String m = error(() -> graph("out",
        node("Conv2D", "a", CONV, "input_layer"),
        node("Add", "b", "{}", "a", "c"),
        node("Activation", "c", "{'activation': 'relu'}", "b"),
        node("GlobalAveragePooling2D", "gap", "{}", "c"),
        node("Dense", "out", DENSE_OUT, "gap")));
    assertTrue(m.startsWith("layers 'b', 'c', 'gap', 'out' form a cycle"), m);
  }

  @Test
  void aDanglingInputIsNamed() {
    String m = error(() -> graph("out",
        node("Conv2D", "a", CONV, "input_layer"),
        node("Add", "add", "{}", "a", "conv_9"),
        node("GlobalAveragePooling2D", "gap", "{}", "add"),
        node("Dense", "out", DENSE_OUT, "gap")));
    assertEquals("layer 'add' reads 'conv_9', which is not a layer of the model", m);
  }

  @Test
  void aShapeMismatchAtAMergeNamesTheLayerAndShapes() {
    String m = error(() -> graph("out",
        node("Conv2D", "a", CONV, "input_layer"),
        node("MaxPooling2D", "p", "{}", "a"),
        node("Add", "add", "{}", "a", "p"),
        node("GlobalAveragePooling2D", "gap", "{}", "add"),
        node("Dense", "out", DENSE_OUT, "gap")));
    assertEquals("Incompatible input shapes (None, 48, 48, 8), (None, 24, 24, 8) for Add 'add': "
        + "axis 1 differs (48 vs 24)", m);
    String c = error(() -> graph("out",
        node("Conv2D", "a", CONV, "input_layer"),
        node("MaxPooling2D", "p", "{}", "a"),
        node("Concatenate", "cat", "{}", "a", "p"),
        node("GlobalAveragePooling2D", "gap", "{}", "cat"),
        node("Dense", "out", DENSE_OUT, "gap")));
    assertTrue(c.contains("for Concatenate 'cat': sizes must agree on every axis but the concatenation axis -1"), c);
  }

  @Test
  void unknownLayersAreListedTogetherWithCounts() {
    String m = error(() -> graph("out",
        node("Conv3D", "a", CONV, "input_layer"),
        node("Conv3D", "b", CONV, "a"),
        node("FancyNorm", "n", "{}", "b"),
        node("GlobalAveragePooling2D", "gap", "{}", "n"),
        node("Dense", "out", DENSE_OUT, "gap")));
    assertTrue(m.startsWith("unknown layer classes: 'Conv3D' x2 (layer 'a', layer 'b'), 'FancyNorm' x1 (layer 'n')"), m);
  }

  @Test
  void sharedLayersLooseLayersAndTwoInputsAreRefused() {
    String shared = error(() -> Network.parse(Json.parse(("{'class_name': 'Model', 'config': {'layers': ["
        + "{'class_name': 'InputLayer', 'name': 'in', 'config': {'batch_input_shape': [null, 48, 48, 1]}, 'inbound_nodes': []},"
        + "{'class_name': 'Activation', 'name': 'r', 'config': {'activation': 'relu'}, "
        + "'inbound_nodes': [[['in', 0, 0, {}]], [['in', 0, 0, {}]]]}], "
        + "'input_layers': [['in', 0, 0]], 'output_layers': [['r', 0, 0]]}}").replace('\'', '"'), "t"), 0));
    assertEquals("layer 'r' is called 2 times: shared layers are not supported", shared);
    String loose = error(() -> graph("out",
        node("Conv2D", "a", CONV, "input_layer"),
        node("Conv2D", "unused", CONV, "a"),
        node("GlobalAveragePooling2D", "gap", "{}", "a"),
        node("Dense", "out", DENSE_OUT, "gap")));
    assertEquals("layer 'unused' does not lead to the output 'out'", loose);
    String twoInputs = error(() -> graph("out",
        "{'class_name': 'InputLayer', 'name': 'second', 'config': {'batch_input_shape': [null, 48, 48, 1]}, 'inbound_nodes': []}",
        node("Add", "a", "{}", "input_layer", "second"),
        node("GlobalAveragePooling2D", "gap", "{}", "a"),
        node("Dense", "out", DENSE_OUT, "gap")));
    assertEquals("the model must have one input (48x48 grayscale), it has 2: input_layer, second", twoInputs);
  }

  @Test
  void theOutputMustBeASoftmaxOverSeven() {
    String m = error(() -> graph("gap",
        node("Conv2D", "a", CONV, "input_layer"),
        node("GlobalAveragePooling2D", "gap", "{}", "a")));
    assertTrue(m.startsWith("the last layer must be a softmax over the 7 emotions"), m);
  }
}
