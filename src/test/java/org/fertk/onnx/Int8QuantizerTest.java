package org.fertk.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.fertk.data.FaceDataset;
import org.fertk.data.SyntheticFaces;
import org.fertk.export.OnnxExport;
import org.fertk.export.QuantizedExport;
import org.fertk.model.ModelGraph;
import org.fertk.model.Network;
import org.fertk.onnx.proto.OnnxIr;
import org.fertk.onnx.tf.TfToOnnxConverter;
import org.fertk.FerException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Int8 quantisation: the weight encoding against hand-computed values, and the whole rewrite on the
 * shipped model's architecture (random weights): a valid ONNX model that ONNX Runtime runs with
 * integer convolutions and that predicts like the float model on faces it was not calibrated on.
 */
class Int8QuantizerTest {
  @TempDir
  static Path dir;

  static Path floatModel;
  static FaceDataset calibration;
  static FaceDataset check;

  @BeforeAll
  static void exportThin5() throws Exception {
    Network m = Network.load(Path.of("graphs/vgg-bn-thin5.json"), 0);
    Path saved = dir.resolve("saved");
    try (ModelGraph g = ModelGraph.inference(m, 0)) {
      g.initialize(5);
      g.exportSavedModel(saved);
    }
    FaceDataset faces = new SyntheticFaces(11).generate(192, 0);
    calibration = faces.select(IntStream.range(0, 96).toArray());
    check = faces.select(IntStream.range(96, 192).toArray());
    floatModel = dir.resolve("thin5.onnx");
    OnnxExport.export(saved, floatModel, TfToOnnxConverter.Options.defaults(), check, 1e-4, 0);
  }

  @Test
  void weightsArePerChannelSymmetricInt8AndBiasInt32AtTheProductScale() {
    // 7-bit weights: channel 0: max |w| 1.0 -> scale 1/63; channel 1: max 2.0 -> 2/63
    float[] w = {0.5f, -1.0f, 0.25f, 0f, 2.0f, 1.0f, -0.5f, 0.1f};
    QuantizedWeights q = QuantizedWeights.of(w, List.of(2L, 1L, 2L, 2L), new float[] {0.01f, -0.02f}, 1f / 255);
    assertArrayEquals(new float[] {1f / 63, 2f / 63}, q.weightScales(), 1e-9f);
    // 0.5 / (1f/63) = 31.499998 in float -> 31, 0.25 * 63 = 15.75 -> 16, 0.1 * 31.5 = 3.15 -> 3
    assertArrayEquals(new byte[] {31, -63, 16, 0, 63, 31, -16, 3}, q.weights());
    // bias scale = input scale * weight scale: 0.01 / (1/255/63) = 160.65 -> 161
    assertArrayEquals(new int[] {161, -161}, q.bias());
    assertArrayEquals(new long[] {2, 1, 2, 2}, q.dims());
    QuantizedWeights zero = QuantizedWeights.of(new float[4], List.of(1L, 1L, 2L, 2L), null, 1f);
    assertArrayEquals(new float[] {1f}, zero.weightScales(), "an all-zero channel keeps a positive scale");
    assertNull(zero.bias());
  }

  @Test
  void quantisedModelIsValidRunsIntegerConvolutionsAndAgreesWithTheFloatModel() throws Exception {
    Path out = dir.resolve("thin5-int8.onnx");
    QuantizedExport.Result r = QuantizedExport.run(floatModel, out, calibration, check, 0.9, 0);
    byte[] bytes = Files.readAllBytes(out);
    OnnxChecker.check(bytes);
    assertEquals(8, r.quantized().convolutions());
    assertEquals(8, r.fusedConvolutions(), "ONNX Runtime runs every convolution as QLinearConv");
    assertTrue(r.agreementRate() >= 0.9, "agreement " + r.agreementRate());
    assertTrue(r.agreement().maxAbsDiff() < 0.1, "max diff " + r.agreement().maxAbsDiff());
    assertTrue(r.floatImagesPerSecond() > 0 && r.int8ImagesPerSecond() > 0);

    OnnxIr.Model proto = OnnxIr.Model.parseFrom(bytes);
    long floatWeights = proto.getGraph().getInitializerList().stream()
        .filter(t -> t.getDataType() == OnnxIr.Tensor.DataType.FLOAT_VALUE && t.getDimsCount() == 4).count();
    long int8Weights = proto.getGraph().getInitializerList().stream()
        .filter(t -> t.getDataType() == OnnxIr.Tensor.DataType.INT8_VALUE && t.getDimsCount() == 4).count();
    assertEquals(0, floatWeights, "no float convolution kernel left");
    assertEquals(8, int8Weights);
    assertTrue(bytes.length < 0.35 * Files.size(floatModel), bytes.length + " vs " + Files.size(floatModel));
    Map<String, String> meta = new HashMap<>();
    proto.getMetadataPropsList().forEach(e -> meta.put(e.getKey(), e.getValue()));
    assertEquals("angry,disgust,fear,happy,sad,surprise,neutral", meta.get("fer.classes"), "provenance kept");
    assertTrue(meta.get("fer.quantization").contains("8 convolutions"), meta.get("fer.quantization"));
  }

  @Test
  void inputIsEncodedExactlyAndPoolingKeepsItsInputEncoding() {
    Int8Quantizer.Result r = Int8Quantizer.quantize(read(floatModel), calibration, 0, "thin5");
    Map<String, Int8Quantizer.Range> byName = new HashMap<>();
    r.ranges().forEach(g -> byName.put(g.tensor(), g));
    Int8Quantizer.Range input = r.ranges().get(0);
    assertEquals(1f / 255, input.scale(), 0f, "faces k/255 quantise to k exactly");
    assertEquals(0, input.zeroPoint());
    for (Int8Quantizer.Range g : r.ranges()) {
      assertEquals(0, g.zeroPoint(), g.tensor() + ": ReLU outputs start at zero");
      assertTrue(g.scale() > 0 && g.max() <= 255 * g.scale() * 1.0001, g.toString());
    }
    int pools = 0;
    for (OnnxIr.Node n : read(floatModel).getGraph().getNodeList()) {
      if (n.getOpType().equals("MaxPool") && byName.containsKey(n.getOutput(0))) {
        assertEquals(byName.get(n.getInput(0)).scale(), byName.get(n.getOutput(0)).scale(), 0f);
        pools++;
      }
    }
    assertEquals(4, pools);
  }

  @Test
  void refusesModelsItCannotQuantise() throws Exception {
    Int8Quantizer.Result once = Int8Quantizer.quantize(read(floatModel), calibration, 0, "thin5");
    FerException twice = assertThrows(FerException.class,
        () -> Int8Quantizer.quantize(once.model(), calibration, 0, "thin5-int8"));
    assertTrue(twice.getMessage().startsWith("thin5-int8: already quantised"), twice.getMessage());

    OnnxGraph g = new OnnxGraph("dense");
    g.addInput("input", -1, 48, 48, 1);
    String flat = g.add(OnnxOp.RESHAPE, "flat", List.of("input", g.constant("shape", ConstTensor.longVector(-1, 2304))),
        Map.of());
    g.add(OnnxOp.SOFTMAX, "probs", List.of(flat), Map.of("axis", -1L));
    g.addOutput("probs", -1, 2304);
    FerException none = assertThrows(FerException.class,
        () -> Int8Quantizer.quantize(g.toModel(8, 17, "test", "0", Map.of()), calibration, 0, "dense.onnx"));
    assertTrue(none.getMessage().startsWith("dense.onnx: no convolution to quantise"), none.getMessage());
  }

  @Test
  void tooLittleAgreementWritesNothing() {
    // Calibrated on black faces only, the ranges are far too narrow for real faces.
    FaceDataset black = new FaceDataset("black", new byte[8 * FaceDataset.PIXELS], new byte[8], new byte[8],
        new int[8], null);
    Path out = dir.resolve("never.onnx");
    FerException e = assertThrows(FerException.class, () -> QuantizedExport.run(floatModel, out, black, check, 0.999, 0));
    assertTrue(e.getMessage().contains("nothing written"), e.getMessage());
    assertFalse(Files.exists(out));
  }

  private static OnnxIr.Model read(Path p) {
    try {
      return OnnxIr.Model.parseFrom(Files.readAllBytes(p));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
