package org.fertk.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.fertk.data.FaceDataset;
import org.fertk.data.ImageFolderReader;
import org.fertk.data.ReadOptions;
import org.fertk.data.SampleFaces;
import org.fertk.export.Parity;
import org.fertk.export.QuantizedExport;
import org.fertk.onnx.proto.OnnxIr;
import org.fertk.score.OrtEngine;
import org.fertk.util.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The models committed under models/ work on a fresh clone: valid ONNX with provenance, scoring faces. */
class ShippedModelsTest {
  static Stream<Path> shippedModels() throws Exception {
    try (Stream<Path> s = Files.list(Path.of("models"))) {
      List<Path> all = s.map(d -> d.resolve("model.onnx")).filter(Files::isRegularFile).sorted().toList();
      assertFalse(all.isEmpty(), "models/ ships at least one ONNX model");
      return all.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("shippedModels")
  void isValidOnnxWithItsManifestAndScoresFaces(Path onnx) throws Exception {
    OnnxChecker.check(Files.readAllBytes(onnx));
    // float32 weights: 10 MB is about 2.5 M parameters, the size of the largest model we ship
    assertTrue(Files.size(onnx) < 10_000_000, "shipped models stay under 10 MB");
    JsonNode manifest = Json.read(onnx.resolveSibling("manifest.json"));
    assertEquals(64, manifest.path("data").path("sha256").asText().length(), "manifest names the data by hash");
    assertTrue(manifest.path("training").path("seconds").asDouble() > 0, "manifest states the training time");
    if (onnx.getParent().getFileName().toString().equals("best")) {
      assertTrue(manifest.path("training").path("seconds").asDouble() <= 3 * 3600, "issue 7: at most 3 hours of training");
    }
    for (String path : List.of(manifest.path("data").path("source").asText(), manifest.path("model").path("graph_file").asText())) {
      assertFalse(path.startsWith("/") || path.matches("^[A-Za-z]:.*"), "no machine paths in a shipped manifest: " + path);
    }
    assertTrue(Files.isRegularFile(onnx.resolveSibling("report").resolve("report.md")), "a report ships beside it");

    FaceDataset faces = ImageFolderReader.readFiles(SampleFaces.files(), ReadOptions.STRICT, false).dataset();
    try (OrtEngine engine = OrtEngine.open(onnx, 1)) {
      Map<String, String> meta = engine.metadata();
      assertEquals("angry,disgust,fear,happy,sad,surprise,neutral", meta.get("fer.classes"));
      assertEquals(manifest.path("data").path("sha256").asText(), meta.get("fer.data_sha256"));
      float[] probs = engine.predict(faces.toDirectUnitFloats(), faces.size());
      assertEquals(faces.size() * 7, probs.length);
      for (int i = 0; i < faces.size(); i++) {
        double sum = 0;
        for (int c = 0; c < 7; c++) {
          assertTrue(probs[i * 7 + c] >= 0 && probs[i * 7 + c] <= 1);
          sum += probs[i * 7 + c];
        }
        assertEquals(1.0, sum, 1e-4);
      }
    }
  }

  static Stream<Path> shippedInt8Models() throws Exception {
    try (Stream<Path> s = Files.list(Path.of("models"))) {
      return s.map(d -> d.resolve("model-int8.onnx")).filter(Files::isRegularFile).sorted().toList().stream();
    }
  }

  /** An int8 model shipped beside a float one is its quantisation: same provenance, integer kernels, same answers. */
  @ParameterizedTest
  @MethodSource("shippedInt8Models")
  void int8ModelIsTheQuantisedFloatModel(Path int8) throws Exception {
    byte[] bytes = Files.readAllBytes(int8);
    OnnxChecker.check(bytes);
    Path fp = int8.resolveSibling("model.onnx");
    assertTrue(Files.size(int8) < 0.35 * Files.size(fp), "int8 weights: about a quarter of the float file");
    long convs = OnnxIr.Model.parseFrom(Files.readAllBytes(fp)).getGraph().getNodeList().stream()
        .filter(n -> n.getOpType().equals("Conv")).count();
    assertEquals(convs, QuantizedExport.fusedConvolutions(bytes, 1), "ONNX Runtime runs every convolution in int8");
    FaceDataset faces = ImageFolderReader.readFiles(SampleFaces.files(), ReadOptions.STRICT, false).dataset();
    try (OrtEngine q = OrtEngine.open(int8, 1); OrtEngine f = OrtEngine.open(fp, 1)) {
      assertTrue(q.metadata().get("fer.quantization").startsWith("int8 static QDQ"));
      assertEquals(f.metadata().get("fer.data_sha256"), q.metadata().get("fer.data_sha256"));
      Parity p = Parity.measure(f, q, faces, Double.POSITIVE_INFINITY);
      assertTrue(p.argmaxAgree() >= faces.size() - 1, p.argmaxAgree() + "/" + faces.size() + " predictions unchanged");
      assertTrue(p.maxAbsDiff() < 0.15, "max probability difference " + p.maxAbsDiff());
    }
  }
}
