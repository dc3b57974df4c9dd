package org.fertk.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.fertk.FerException;
import org.fertk.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecTest {
  private static Network resource(String name) {
    return Network.load(Path.of("src/test/resources/specs", name), 0);
  }

  @Test
  void loadsWhatKeras3ToJsonWrites() {
    Network m = resource("keras3-to-json.json");
    assertEquals(List.of("conv2d", "batch_normalization", "max_pooling2d", "flatten", "dropout", "dense"),
        m.layers().stream().map(Layer::name).toList());
    // conv 320 + BN 4*32 + dense 18432*7+7
    assertEquals(320 + 128 + 129_031, m.paramCount());
    assertEquals(320 + 64 + 129_031, m.trainableCount());
    Weight denseKernel = m.layers().get(5).weights().get(0);
    assertEquals(0.0005, denseKernel.l2(), 1e-12);
  }

  @Test
  void loadsWhatKeras2ToJsonWrites() {
    Network m = resource("keras2-to-json.json");
    assertEquals(102_855, m.paramCount());
    assertEquals(Dims.of(48, 64), m.layers().get(1).outputDims());
  }

  @Test
  void roundTripThroughKerasJson() {
    for (String f : List.of("keras3-to-json.json", "keras2-to-json.json")) {
      Network a = resource(f);
      String once = Json.write(a.toJson());
      Network b = Network.parse(Json.parse(once, "x"), 0);
      assertEquals(once, Json.write(b.toJson()), f);
      assertEquals(a.paramCount(), b.paramCount());
      assertEquals(a.summary(), b.summary());
    }
  }

  @Test
  void everySpecInGraphsLoads() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("graphs"))) {
      List<Path> specs = s.filter(p -> p.toString().endsWith(".json")).toList();
      int models = 0;
      for (Path p : specs) {
        if (Files.readString(p).contains("\"Sequential\"")) {
          Network m = Network.load(p, 0);
          assertTrue(!m.description().isEmpty(), p + " describes itself");
          models++;
        }
      }
      assertTrue(models >= 7);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
    // spec file; total parameters computed by hand
    "paper-cnn-4conv-32to256-d256-512-do05.json; 1113095",   // 320+18496+73856+295168 + 590080+131584+3591
    "paper-cnn-2conv-d256-do04.json; 2380167",               // 320+18496 + 9216*256+256 + 1799
    "paper-cnn-3conv-d256-do05.json; 1274375",               // 320+18496+73856 + 4608*256+256 + 1799
    "paper-cnn-4conv-64to512-d512-do03.json; 3913223",       // 640+73856+295168+1180160 + 4608*512+512 + 3591
    "paper-cnn-4conv-64to512-d128-do05.json; 2140679",       // 1549824 + 4608*128+128 + 903
    "paper-cnn-lstm.json; 102855"                            // 48*64+64 + 4*128*(64+128+1) + 128*7+7
  })
  void studySpecsHaveHandComputedParameterCounts(String file, long params) {
    assertEquals(params, Network.load(Path.of("graphs", file), 0).paramCount());
  }

  // ---- bad specs: one clear message each

  private static String error(String layers) {
    SpecException e = assertThrows(SpecException.class, () -> TestSpecs.model(layers));
    return e.getMessage();
  }

  @Test
  void unknownLayer() {
    assertTrue(error("{'class_name': 'Conv3D', 'config': {}}, " + TestSpecs.OUT)
        .startsWith("layer 1: unknown layer class 'Conv3D' (supported: InputLayer, Activation,"));
  }

  @Test
  void badCropping() {
    assertEquals("Invalid value for `cropping` in Cropping2D 'cropping2d': expected an integer, [rows, cols] or "
        + "[[top, bottom], [left, right]], got [1,2,3]",
        error("{'class_name': 'Cropping2D', 'config': {'cropping': [1, 2, 3]}}, " + TestSpecs.FLATTEN + ", " + TestSpecs.OUT));
    assertTrue(error("{'class_name': 'Cropping2D', 'config': {'cropping': 24}}, " + TestSpecs.FLATTEN + ", " + TestSpecs.OUT)
        .contains("leaves nothing"));
  }

  @Test
  void unknownKey() {
    assertEquals("Unknown key `filter` in Conv2D 'conv2d'",
        error("{'class_name': 'Conv2D', 'config': {'filters': 8, 'kernel_size': 3, 'filter': 8}}, "
            + TestSpecs.FLATTEN + ", " + TestSpecs.OUT));
  }

  @Test
  void negativeFilters() {
    assertEquals("Invalid value for `filters` in Conv2D 'conv2d': expected a positive integer, got -4",
        error(TestSpecs.conv(-4, "") + ", " + TestSpecs.FLATTEN + ", " + TestSpecs.OUT));
  }

  @Test
  void dropoutRateOutOfRange() {
    assertEquals("Invalid value for `rate` in Dropout 'dropout_1': expected 0 <= rate < 1, got 1.5",
        error(TestSpecs.FLATTEN + ", {'class_name': 'Dropout', 'config': {'rate': 0.2}}, "
            + "{'class_name': 'Dropout', 'config': {'rate': 1.5}}, " + TestSpecs.OUT));
  }

  @Test
  void incompatibleShapes() {
    assertEquals("Incompatible input shape (None, 2304) for Conv2D 'conv2d': expected a 3-D input "
        + "(height, width, channels)", error(TestSpecs.FLATTEN + ", " + TestSpecs.conv(8, "") + ", " + TestSpecs.OUT));
    assertTrue(error(TestSpecs.conv(8, ", 'kernel_size': 60") + ", " + TestSpecs.FLATTEN + ", " + TestSpecs.OUT)
        .contains("kernel 60x60 does not fit"));
    // as in Keras, Dense applies to the last axis of any input: here it gives a map, not 7 classes
    String dense = error("{'class_name': 'Dense', 'config': {'units': 7, 'activation': 'softmax'}}");
    assertTrue(dense.startsWith("the last layer must be a softmax over the 7 emotions") && dense.contains("(None, 48, 48, 7)"), dense);
  }

  @Test
  void outputMustBeSoftmaxOverSevenClasses() {
    assertEquals("the last layer must be a softmax over the 7 emotions, with output (None, 7); "
        + "'dense' gives (None, 10)", error(TestSpecs.FLATTEN
            + ", {'class_name': 'Dense', 'config': {'units': 10, 'activation': 'softmax'}}"));
    assertTrue(error(TestSpecs.FLATTEN + ", {'class_name': 'Dense', 'config': {'units': 7}}")
        .endsWith("without softmax"));
  }

  @Test
  void wrongInputShape() {
    assertTrue(error("{'class_name': 'InputLayer', 'config': {'batch_shape': [null, 64, 64, 3]}}, "
        + TestSpecs.FLATTEN + ", " + TestSpecs.OUT).startsWith("the model input must be (None, 48, 48, 1)"));
  }

  @Test
  void aPlanGivenAsASpecIsNamedAsAPlan() {
    SpecException e = assertThrows(SpecException.class, () -> Network.load(Path.of("graphs/plan-quick.json"), 0));
    assertTrue(e.getMessage().startsWith("graphs/plan-quick.json: a study plan (it has `runs`), not an architecture spec; "
        + "run it as a study"), e.getMessage());
  }

  @Test
  void badJsonNamesFileAndLine() throws IOException {
    Path f = Files.createTempFile("bad", ".json");
    Files.writeString(f, "{\n  \"class_name\": \"Sequential\",\n  \"config\": {,}\n}");
    FerException e = assertThrows(FerException.class,
        () -> Network.load(f, 0));
    assertTrue(e.getMessage().startsWith(f + ": invalid JSON at line 3"), e.getMessage());
    Files.delete(f);
  }

  @Test
  void kerasDefaultNamesAndDuplicates() {
    Network m = TestSpecs.model(TestSpecs.conv(4, "") + ", {'class_name': 'MaxPooling2D', 'config': {}}, "
        + TestSpecs.conv(4, "") + ", {'class_name': 'GlobalAveragePooling2D', 'config': {}}, " + TestSpecs.OUT);
    assertEquals(List.of("conv2d", "max_pooling2d", "conv2d_1", "global_average_pooling2d", "dense"),
        m.layers().stream().map(Layer::name).toList());
    assertTrue(error("{'class_name': 'Flatten', 'config': {'name': 'x'}}, "
        + "{'class_name': 'Dense', 'config': {'name': 'x', 'units': 7, 'activation': 'softmax'}}")
        .contains("duplicate layer name 'x'"));
  }
}
