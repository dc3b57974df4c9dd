package org.fertk.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Output shapes and parameter counts, each checked against the Keras formula by hand. */
class LayerShapesTest {
  private static Layer layer(String model, int index) {
    return TestSpecs.model(model).layers().get(index);
  }

  @Test
  void conv2d() {
    Layer same = layer(TestSpecs.conv(32, ", 'padding': 'same'") + ", " + TestSpecs.FLATTEN + ", " + TestSpecs.OUT, 0);
    assertEquals(Dims.of(48, 48, 32), same.outputDims());
    assertEquals(320, same.paramCount()); // 3*3*1*32 + 32
    Layer valid = layer(TestSpecs.conv(32, "") + ", " + TestSpecs.FLATTEN + ", " + TestSpecs.OUT, 0);
    assertEquals(Dims.of(46, 46, 32), valid.outputDims());
    Layer strided = layer(TestSpecs.conv(16, ", 'strides': 2, 'padding': 'same', 'use_bias': false") + ", "
        + TestSpecs.FLATTEN + ", " + TestSpecs.OUT, 0);
    assertEquals(Dims.of(24, 24, 16), strided.outputDims());
    assertEquals(144, strided.paramCount());
  }

  @Test
  void poolingFlattenDense() {
    Network m = TestSpecs.model(TestSpecs.conv(8, ", 'padding': 'same'")
        + ", {'class_name': 'MaxPooling2D', 'config': {'pool_size': 3}}"
        + ", {'class_name': 'AveragePooling2D', 'config': {'pool_size': 2, 'padding': 'same'}}"
        + ", " + TestSpecs.FLATTEN + ", {'class_name': 'Dense', 'config': {'units': 10}}, " + TestSpecs.OUT);
    assertEquals(Dims.of(16, 16, 8), m.layers().get(1).outputDims());
    assertEquals(Dims.of(8, 8, 8), m.layers().get(2).outputDims());
    assertEquals(Dims.of(512), m.layers().get(3).outputDims());
    assertEquals(5130, m.layers().get(4).paramCount()); // 512*10 + 10
    assertEquals(77, m.layers().get(5).paramCount());
  }

  @Test
  void batchNormalization() {
    Layer bn = layer(TestSpecs.conv(32, "") + ", {'class_name': 'BatchNormalization', 'config': {}}, "
        + TestSpecs.FLATTEN + ", " + TestSpecs.OUT, 1);
    assertEquals(128, bn.paramCount());
    assertEquals(64, bn.trainableCount());
  }

  @Test
  void recurrentLayers() {
    Network m = TestSpecs.model("{'class_name': 'Reshape', 'config': {'target_shape': [48, -1]}}, "
        + "{'class_name': 'TimeDistributed', 'config': {'layer': {'class_name': 'Dense', 'config': {'units': 64}}}}, "
        + "{'class_name': 'LSTM', 'config': {'units': 128, 'return_sequences': true}}, "
        + "{'class_name': 'GlobalAveragePooling1D', 'config': {}}, " + TestSpecs.OUT);
    assertEquals(Dims.of(48, 48), m.layers().get(0).outputDims());
    assertEquals(3136, m.layers().get(1).paramCount()); // 48*64 + 64
    assertEquals(Dims.of(48, 128), m.layers().get(2).outputDims());
    assertEquals(98_816, m.layers().get(2).paramCount()); // 4*128*(64+128+1)
    assertEquals(Dims.of(128), m.layers().get(3).outputDims());
  }

  @Test
  void keras2StyleNames() {
    assertEquals("max_pooling2d", LayerRegistry.snakeCase("MaxPooling2D"));
    assertEquals("batch_normalization", LayerRegistry.snakeCase("BatchNormalization"));
    assertEquals("lstm", LayerRegistry.snakeCase("LSTM"));
    assertEquals("global_average_pooling2d", LayerRegistry.snakeCase("GlobalAveragePooling2D"));
    assertEquals("time_distributed", LayerRegistry.snakeCase("TimeDistributed"));
  }
}
