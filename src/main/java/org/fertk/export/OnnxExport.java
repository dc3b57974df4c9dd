package org.fertk.export;

import org.fertk.onnx.OnnxGraph;
import org.fertk.onnx.OnnxNode;
import org.fertk.onnx.tf.TfToOnnxConverter;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.model.ModelGraph;
import org.fertk.onnx.proto.OnnxIr;
import org.fertk.onnx.tf.ConversionException;
import org.fertk.score.OrtEngine;
import org.fertk.score.TfEngine;
import org.fertk.util.AtomicOutput;
import org.fertk.util.FolderLock;
import org.fertk.util.Json;

/**
 * `fer export`: SavedModel -> ONNX, then the parity check against TF on a sample batch; the file
 * is written only if the check passes (or is skipped on request).
 */
public final class OnnxExport {
  /** What an export produced: the graph (for inspection), its bytes, and the parity result. */
  public record Result(OnnxGraph graph, byte[] model, Parity parity, Map<String, Long> opCounts) {}

  private OnnxExport() {}

  public static Result export(Path runOrSavedModel, Path out, TfToOnnxConverter.Options options, FaceDataset samples,
      double tolerance, int threads) {
    // a run folder is locked while its training writes it: no export of half-replaced weights
    try (FolderLock lock = FolderLock.acquireIfEverLocked(runOrSavedModel);
        TfEngine tf = TfEngine.open(runOrSavedModel, threads)) {
      TfToOnnxConverter converter = new TfToOnnxConverter(options);
      JsonNode manifest = manifest(runOrSavedModel);
      String name = manifest == null ? "fer_model" : manifest.path("model").path("name").asText("fer_model");
      OnnxGraph g = converter.convert(tf.bundle().graph(), tf.bundle().session(), ModelGraph.INPUT, ModelGraph.PROBS, name);
      Map<String, String> meta = metadata(manifest);
      Path spec = runOrSavedModel.resolve("spec.json");
      if (Files.isRegularFile(spec)) {
        meta.put("fer.graph_spec", Json.write(Json.read(spec)));
      }
      OnnxIr.Model model = converter.toModel(g, meta);
      byte[] bytes = model.toByteArray();
      Parity parity = null;
      if (samples != null) {
        try (OrtEngine ort = OrtEngine.open(bytes, threads, "exported model")) {
          parity = Parity.measure(tf, ort, samples, tolerance);
        }
        if (!parity.passed()) {
          throw new ConversionException("parity check failed, nothing written:\n" + parity.table().toMarkdown());
        }
      }
      if (out != null) {
        AtomicOutput.write(out, o -> o.write(bytes));
      }
      Map<String, Long> counts = new TreeMap<>();
      for (OnnxNode n : g.nodes()) {
        counts.merge(n.op().type(), 1L, Long::sum);
      }
      return new Result(g, bytes, parity, counts);
    }
  }

  private static JsonNode manifest(Path runOrSavedModel) {
    Path m = runOrSavedModel.resolve("manifest.json");
    return Files.isRegularFile(m) ? Json.read(m) : null;
  }

  /** Provenance for metadata_props: the whole manifest plus the keys a consumer needs most. */
  static Map<String, String> metadata(JsonNode manifest) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("fer.classes", String.join(",", Emotion.keys()));
    m.put("fer.input", "input [N,48,48,1] float32, grayscale in [0,1], NHWC");
    m.put("fer.output", "probs [N,7] float32 softmax over fer.classes");
    if (manifest != null) {
      m.put("fer.model_name", manifest.path("model").path("name").asText());
      m.put("fer.data_sha256", manifest.path("data").path("sha256").asText());
      m.put("fer.graph_spec_sha256", manifest.path("model").path("graph_sha256").asText());
      m.put("fer.metrics", Json.write(manifest.path("metrics")));
      m.put("fer.manifest", Json.write(manifest));
    }
    return m;
  }
}
