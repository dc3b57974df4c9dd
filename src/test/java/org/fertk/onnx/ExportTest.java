package org.fertk.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.fertk.data.FaceDataset;
import org.fertk.data.SyntheticFaces;
import org.fertk.export.OnnxExport;
import org.fertk.model.GraphContext;
import org.fertk.model.ModelGraph;
import org.fertk.model.Network;
import org.fertk.model.TestSpecs;
import org.fertk.onnx.proto.OnnxIr;
import org.fertk.onnx.tf.ConversionException;
import org.fertk.onnx.tf.Layouts;
import org.fertk.onnx.tf.TfToOnnxConverter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole-model export: every spec in graphs/ (random weights, random batch-norm statistics)
 * exports with parity, passes the ONNX checker, and has the expected graph shape; faulty layout
 * helpers are caught by the parity check (negative controls).
 */
class ExportTest {
  @TempDir
  static Path dir;

  static FaceDataset samples;

  /** Covers the layers the study's specs do not: batch norm, average and global pooling, ELU. */
  static final String EXTRA = "{'class_name': 'Cropping2D', 'config': {'cropping': [[1, 2], [3, 0]]}}, "
      + "{'class_name': 'Conv2D', 'config': {'filters': 8, 'kernel_size': 3, 'padding': 'same'}}, "
      + "{'class_name': 'BatchNormalization', 'config': {}}, {'class_name': 'Activation', 'config': {'activation': 'elu'}}, "
      + "{'class_name': 'Cropping2D', 'config': {'cropping': [2, 1]}}, "
      + "{'class_name': 'AveragePooling2D', 'config': {'pool_size': 3, 'padding': 'same'}}, "
      + "{'class_name': 'Conv2D', 'config': {'filters': 6, 'kernel_size': 3, 'strides': 2, 'activation': 'sigmoid'}}, "
      + "{'class_name': 'GlobalAveragePooling2D', 'config': {}}, {'class_name': 'Dense', 'config': {'units': 9}}, "
      + "{'class_name': 'BatchNormalization', 'config': {}}, {'class_name': 'Dropout', 'config': {'rate': 0.5}}, "
      + TestSpecs.OUT;

  @BeforeAll
  static void data() {
    samples = new SyntheticFaces(3).generate(64, 0);
  }

  static Stream<String> specs() throws Exception {
    try (Stream<Path> s = Files.list(Path.of("graphs"))) {
      return s.filter(ExportTest::isSpec).map(Path::toString).sorted().toList().stream();
    }
  }

  private static boolean isSpec(Path p) {
    try {
      return p.toString().endsWith(".json") && Files.readString(p).matches("(?s).*\"class_name\": \"(Sequential|Functional|Model)\".*");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A SavedModel of the model with random weights and random moving statistics. */
  static Path savedModel(Network m, String name) {
    Path out = dir.resolve(name);
    if (Files.exists(out.resolve("saved_model.pb"))) {
      return out;
    }
    try (ModelGraph g = ModelGraph.inference(m, 0)) {
      g.initialize(17);
      Map<String, float[]> stats = new LinkedHashMap<>();
      SplittableRandom r = new SplittableRandom(3);
      for (GraphContext.Slot s : g.context().slots().values()) {
        if (s.name().endsWith("moving_mean") || s.name().endsWith("moving_variance") || s.name().endsWith("gamma")
            || s.name().endsWith("beta")) {
          float[] v = new float[s.shape()[0]];
          for (int i = 0; i < v.length; i++) {
            v[i] = (float) (s.name().endsWith("variance") || s.name().endsWith("gamma") ? 0.5 + r.nextDouble() : r.nextDouble() - 0.5);
          }
          stats.put(s.name(), v);
        }
      }
      g.context().assign(g.session(), stats);
      g.exportSavedModel(out);
    }
    return out;
  }

  static OnnxExport.Result export(Path savedModel, Layouts layouts) {
    return OnnxExport.export(savedModel, null, new TfToOnnxConverter.Options(17, layouts), samples, 1e-4, 0);
  }

  @ParameterizedTest
  @MethodSource("specs")
  void everyStudySpecExportsWithParityAndPassesTheChecker(String spec) throws Exception {
    Network m = Network.load(Path.of(spec), 0);
    OnnxExport.Result r = export(savedModel(m, m.name()), new Layouts());
    assertTrue(r.parity().passed(), r.parity().table().toMarkdown());
    assertTrue(r.parity().maxAbsDiff() < 1e-5, "max diff " + r.parity().maxAbsDiff());
    OnnxChecker.check(r.model());
    OnnxIr.Model proto = OnnxIr.Model.parseFrom(r.model());
    assertEquals(8, proto.getIrVersion());
    assertEquals(17, proto.getOpsetImport(0).getVersion());
    assertEquals("input", proto.getGraph().getInput(0).getName());
    assertEquals("probs", proto.getGraph().getOutput(0).getName());
    assertEquals("N", proto.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
    assertFalse(r.opCounts().containsKey("Dropout"));
    if (spec.contains("lstm")) {
      assertEquals(1L, r.opCounts().get("LSTM"), "the CNN-LSTM has exactly one LSTM node");
    } else if (spec.contains("attention")) {
      assertEquals(2L, r.opCounts().get("MatMul"), "attention: scores and mixing, one batched MatMul each");
    } else {
      assertEquals(null, r.opCounts().get("Mul"), "batch norm folded into the convolutions");
      assertEquals(null, r.opCounts().get("Transpose"), "grayscale CNN: no Transpose at all");
    }
  }

  @Test
  void batchNormIsFoldedAndEveryOtherLayerExports() throws Exception {
    Network m = TestSpecs.model(EXTRA);
    OnnxExport.Result r = export(savedModel(m, "extra"), new Layouts());
    assertTrue(r.parity().passed(), r.parity().table().toMarkdown());
    OnnxChecker.check(r.model());
    assertEquals(null, r.opCounts().get("BatchNormalization"));
    assertEquals(null, r.opCounts().get("Mul"), "conv batch norm folded into the Conv weights");
    assertTrue(r.opCounts().containsKey("ReduceMean"));
    assertEquals(2, r.opCounts().get("Slice"), "one Slice per Cropping2D, on NHWC input and on NCHW activations");
  }

  /** The layers and activations added beyond the study's. */
  static final String NEW_LAYERS = "{'class_name': 'Rescaling', 'config': {'scale': 2.0, 'offset': -1.0}}, "
      + "{'class_name': 'Permute', 'config': {'dims': [2, 1, 3]}}, "
      + "{'class_name': 'ZeroPadding2D', 'config': {'padding': [[1, 2], [0, 3]]}}, "
      + "{'class_name': 'Conv2D', 'config': {'filters': 6, 'kernel_size': 3, 'strides': 2, 'activation': 'gelu'}}, "
      + "{'class_name': 'ZeroPadding2D', 'config': {}}, "
      + "{'class_name': 'DepthwiseConv2D', 'config': {'kernel_size': 3, 'depth_multiplier': 2, 'padding': 'same'}}, "
      + "{'class_name': 'BatchNormalization', 'config': {}}, "
      + "{'class_name': 'SeparableConv2D', 'config': {'filters': 5, 'kernel_size': 3, 'strides': 2, 'activation': 'swish'}}, "
      + "{'class_name': 'SpatialDropout2D', 'config': {'rate': 0.3}}, "
      + "{'class_name': 'Conv2D', 'config': {'filters': 4, 'kernel_size': 3, 'strides': 2, 'activation': 'hard_sigmoid'}}, "
      + "{'class_name': 'GlobalMaxPooling2D', 'config': {}}, "
      + "{'class_name': 'LayerNormalization', 'config': {}}, "
      + "{'class_name': 'Dense', 'config': {'units': 5, 'activation': 'leaky_relu'}}, " + TestSpecs.OUT;


  @Test
  void theLayersBeyondTheStudysExportWithParity() throws Exception {
    Network m = TestSpecs.model(NEW_LAYERS);
    OnnxExport.Result r = export(savedModel(m, "new-layers"), new Layouts());
    assertTrue(r.parity().passed(), r.parity().table().toMarkdown());
    OnnxChecker.check(r.model());
    assertTrue(r.opCounts().containsKey("Pad") && r.opCounts().containsKey("ReduceMax")
        && r.opCounts().containsKey("Erf") && r.opCounts().containsKey("Clip"), r.opCounts().toString());
  }

  @Test
  void opsetAndMetadata() throws Exception {
    Network m = Network.load(Path.of("graphs/paper-cnn-lstm.json"), 0);
    Path sm = savedModel(m, m.name());
    OnnxExport.Result r13 = OnnxExport.export(sm, null, new TfToOnnxConverter.Options(13, new Layouts()), samples, 1e-4, 0);
    OnnxChecker.check(r13.model());
    assertEquals(13, OnnxIr.Model.parseFrom(r13.model()).getOpsetImport(0).getVersion());
    ConversionException low = assertThrows(ConversionException.class,
        () -> OnnxExport.export(sm, null, new TfToOnnxConverter.Options(12, new Layouts()), samples, 1e-4, 0));
    assertTrue(low.getMessage().contains("need opset 13 to 17"), low.getMessage());
    OnnxIr.Model proto = OnnxIr.Model.parseFrom(r13.model());
    assertTrue(proto.getMetadataPropsList().stream().anyMatch(e -> e.getKey().equals("fer.classes")
        && e.getValue().equals("angry,disgust,fear,happy,sad,surprise,neutral")));
  }

  @Test
  void theCheckerItselfRejectsABrokenModel() {
    OnnxGraph g = new OnnxGraph("broken");
    g.addInput("input", -1, 4);
    g.add(OnnxOp.RELU, "r", List.of("no_such_value"), Map.of());
    g.addOutput("r", -1, 4);
    byte[] bytes = g.toModel(8, 17, "test", "0", Map.of()).toByteArray();
    assertThrows(RuntimeException.class, () -> OnnxChecker.check(bytes));
  }

  // ---- negative controls: a wrong layout helper must make the export fail

  private static void assertCaught(String spec, Layouts faulty) {
    Network m = Network.load(Path.of(spec), 0);
    Path sm = savedModel(m, m.name());
    ConversionException e = assertThrows(ConversionException.class, () -> export(sm, faulty));
    assertTrue(e.getMessage().startsWith("parity check failed, nothing written"), e.getMessage());
    assertTrue(e.getMessage().contains("FAIL"), e.getMessage());
  }

  @Test
  void parityCatchesAWrongKernelTranspose() {
    assertCaught("graphs/paper-cnn-4conv-32to256-d256-512-do05.json", new Layouts() {
      @Override
      public ConstTensor hwioToOihw(ConstTensor k) {
        // swaps the kernel's height and width
        ConstTensor right = super.hwioToOihw(k);
        long[] d = right.dims();
        float[] src = right.floats();
        float[] dst = new float[src.length];
        int kh = (int) d[2];
        int kw = (int) d[3];
        for (int b = 0; b < d[0] * d[1]; b++) {
          for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
              dst[(b * kh + y) * kw + x] = src[(b * kh + x) * kw + y];
            }
          }
        }
        return ConstTensor.floats(d, dst);
      }
    });
  }

  @Test
  void parityCatchesAWrongFlattenOrder() {
    assertCaught("graphs/paper-cnn-4conv-32to256-d256-512-do05.json", new Layouts() {
      @Override
      public ConstTensor flattenRowsHwcToChw(ConstTensor kernel, int h, int w, int c) {
        return kernel; // keeps Keras's (h, w, c) order for an input flattened as (c, h, w)
      }
    });
  }

  @Test
  void parityCatchesAWrongGateOrder() {
    assertCaught("graphs/paper-cnn-lstm.json", new Layouts() {
      @Override
      public int[] onnxGateSources() {
        return new int[] {0, 1, 2, 3}; // Keras order copied as if it were ONNX's
      }
    });
  }

  @Test
  void outputOnDiskOnlyAfterAPassingCheck() {
    Network m = Network.load(Path.of("graphs/paper-cnn-lstm.json"), 0);
    Path sm = savedModel(m, m.name());
    Path out = dir.resolve("bad.onnx");
    assertThrows(ConversionException.class, () -> OnnxExport.export(sm, out,
        new TfToOnnxConverter.Options(17, new Layouts() {
          @Override
          public int[] onnxGateSources() {
            return new int[] {3, 2, 1, 0};
          }
        }), samples, 1e-4, 0));
    assertFalse(Files.exists(out));
  }
}
