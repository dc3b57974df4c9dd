package org.fertk.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.fertk.data.FaceDataset;
import org.fertk.data.SyntheticFaces;
import org.fertk.export.Float16Export;
import org.fertk.export.OnnxExport;
import org.fertk.model.ModelGraph;
import org.fertk.model.Network;
import org.fertk.onnx.proto.OnnxIr;
import org.fertk.onnx.tf.TfToOnnxConverter;
import org.fertk.FerException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Float16 weight storage: the float16 encoding against hand-computed IEEE 754 bit patterns and
 * an exhaustive round trip, and the rewrite of a convolutional LSTM model (kernels, dense and
 * recurrent matrices): a valid ONNX model, half the size, predicting like the float model.
 */
class Float16WeightsTest {
  @TempDir
  static Path dir;

  static Path floatModel;
  static FaceDataset check;

  @BeforeAll
  static void exportFairCnnLstm() throws Exception {
    Network m = Network.load(Path.of("graphs/fair-cnn-lstm.json"), 0);
    Path saved = dir.resolve("saved");
    try (ModelGraph g = ModelGraph.inference(m, 0)) {
      g.initialize(3);
      g.exportSavedModel(saved);
    }
    check = new SyntheticFaces(12).generate(128, 0);
    floatModel = dir.resolve("fair-cnn-lstm.onnx");
    OnnxExport.export(saved, floatModel, TfToOnnxConverter.Options.defaults(), check, 1e-4, 0);
  }

  @Test
  void encodesIeeeHalfRoundingToNearestEven() {
    assertEquals(0x3c00, bits(1.0f));
    assertEquals(0xc000, bits(-2.0f));
    assertEquals(0x3555, bits(1f / 3));
    assertEquals(0x2e66, bits(0.1f));
    assertEquals(0x7bff, bits(65504f), "largest finite half");
    assertEquals(0x7c00, bits(65520f), "halfway above 65504 rounds to even, which is infinity");
    assertEquals(0x0001, bits(0x1p-24f), "smallest subnormal");
    assertEquals(0x0000, bits(0x1p-25f), "halfway to the smallest subnormal rounds to even zero");
    assertEquals(0x0001, bits(0x1.8p-25f));
    assertEquals(0x0400, bits(0x1p-14f), "smallest normal");
    assertEquals(0x3c00, bits(1 + 0x1p-11f), "tie between 1 and 1+2^-10 goes to the even 1");
    assertEquals(0x3c02, bits(1 + 3 * 0x1p-11f), "tie between 1+2^-10 and 1+2^-9 goes to the even 1+2^-9");
    assertEquals(0x3c01, bits(1 + 0x1.1p-11f), "just above the tie rounds up");
    assertEquals(0x8000, bits(-0f));
    assertEquals(0x7c00, bits(Float.POSITIVE_INFINITY));
    assertTrue(Float.isNaN(Float16Weights.toFloat(Float16Weights.toHalf(Float.NaN))));
  }

  @Test
  void everyHalfRoundTripsAndFloatsRoundToTheNearerNeighbour() {
    for (int h = 0; h < 0x10000; h++) {
      float f = Float16Weights.toFloat((short) h);
      if (!Float.isNaN(f) && bits(f) != h) {
        assertEquals(Integer.toHexString(h), Integer.toHexString(bits(f)), "round trip of half " + f);
      }
    }
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 100_000; i++) {
      float x = (float) ((r.nextDouble() * 2 - 1) * Math.pow(2, r.nextInt(-26, 16)));
      float y = Float16Weights.toFloat(Float16Weights.toHalf(x));
      // the neighbours of y in float16: x must be no nearer to either of them than to y
      short h = Float16Weights.toHalf(x);
      float up = Float16Weights.toFloat((short) (h + 1));
      float down = Float16Weights.toFloat((short) (h - 1));
      double err = Math.abs((double) y - x);
      if ((h & 0x7fff) != 0x7bff && (h & 0x7fff) != 0) {
        assertTrue(err <= Math.abs((double) up - x) && err <= Math.abs((double) down - x), x + " -> " + y);
      }
    }
  }

  @Test
  void halvesTheModelKeepsItValidAndPredictsLikeTheFloatModel() throws Exception {
    Path out = dir.resolve("fair-cnn-lstm-fp16.onnx");
    Float16Export.Result r = Float16Export.run(floatModel, out, check, 1.0, 0);
    byte[] bytes = Files.readAllBytes(out);
    OnnxChecker.check(bytes);
    assertEquals(r.agreement().samples(), r.agreement().argmaxAgree(), "every prediction unchanged");
    assertTrue(r.agreement().maxAbsDiff() < 5e-3, "max diff " + r.agreement().maxAbsDiff());
    assertTrue(r.converted().maxScaledError() > 0 && r.converted().maxScaledError() <= 0x1p-11,
        "rounding " + r.converted().maxScaledError());
    assertTrue(bytes.length < 0.55 * Files.size(floatModel), bytes.length + " vs " + Files.size(floatModel));

    OnnxIr.Model proto = OnnxIr.Model.parseFrom(bytes);
    List<String> types = proto.getGraph().getInitializerList().stream()
        .filter(t -> t.getDimsCount() >= 2).map(t -> t.getName() + ":" + t.getDataType()).toList();
    assertTrue(types.stream().allMatch(t -> t.endsWith(":" + OnnxIr.Tensor.DataType.FLOAT16_VALUE)), types.toString());
    assertTrue(types.stream().anyMatch(t -> t.contains("lstm")), "the LSTM's matrices too: " + types);
    assertEquals(r.converted().tensors(), types.size());
    Map<String, String> meta = new HashMap<>();
    proto.getMetadataPropsList().forEach(e -> meta.put(e.getKey(), e.getValue()));
    assertEquals("angry,disgust,fear,happy,sad,surprise,neutral", meta.get("fer.classes"), "provenance kept");
    assertTrue(meta.get("fer.weights").startsWith("float16 storage: " + types.size() + " weight tensors"),
        meta.get("fer.weights"));

    FerException twice = assertThrows(FerException.class,
        () -> Float16Weights.convert(r.converted().model(), "half.onnx"));
    assertTrue(twice.getMessage().startsWith("half.onnx: already holds float16 weights"), twice.getMessage());
  }

  @Test
  void refusesWeightsOutsideTheHalfRange() {
    OnnxGraph g = new OnnxGraph("big");
    g.addInput("x", -1, 2);
    float[] w = {1, 2, 3, 70000};
    String y = g.add(OnnxOp.MAT_MUL, "y", List.of("x", g.constant("dense/kernel", ConstTensor.floats(new long[] {2, 2}, w))),
        Map.of());
    g.addOutput(y, -1, 2);
    FerException e = assertThrows(FerException.class,
        () -> Float16Weights.convert(g.toModel(8, 17, "test", "0", Map.of()), "big.onnx"));
    assertTrue(e.getMessage().startsWith("big.onnx: initializer 'dense/kernel' holds 70000.0, outside the float16 range"),
        e.getMessage());
  }

  private static int bits(float f) {
    return Float16Weights.toHalf(f) & 0xffff;
  }
}
