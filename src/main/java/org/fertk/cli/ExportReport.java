package org.fertk.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.fertk.data.DatasetLoader;
import org.fertk.data.FaceDataset;
import org.fertk.data.ReadOptions;
import org.fertk.data.Splits;
import org.fertk.data.SyntheticFaces;
import org.fertk.export.OnnxExport;
import org.fertk.onnx.tf.Layouts;
import org.fertk.onnx.tf.TfToOnnxConverter;
import org.fertk.util.Json;

/**
 * What export, import and a resumed training print about an ONNX export, and the faces its parity
 * check uses: shared by those commands, so that none of them borrows from another.
 */
final class ExportReport {
  private ExportReport() {}

  static String opList(Map<String, Long> counts) {
    StringBuilder ops = new StringBuilder();
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      ops.append(ops.length() == 0 ? "" : ", ").append(e.getKey()).append(" x").append(e.getValue());
    }
    return ops.toString();
  }

  /** Exports with the parity check and prints the graph's op counts and the parity table. */
  static void exportAndReport(BaseCommand cmd, Path model, Path target, int opset, FaceDataset faces,
      double tolerance, int threads) {
    OnnxExport.Result r = OnnxExport.export(model, target,
        new TfToOnnxConverter.Options(opset, new Layouts()), faces, tolerance, threads);
    report(cmd, r, target, opset);
  }

  /** Prints an export's op counts and parity table and names the file written. */
  static void report(BaseCommand cmd, OnnxExport.Result r, Path target, int opset) {
    String ops = opList(r.opCounts());
    cmd.out().printf(Locale.ROOT, "ONNX graph: %d nodes (%s), %d initializers, opset %d, IR %d%n",
        r.graph().nodes().size(), ops, r.graph().initializers().size(), opset, TfToOnnxConverter.IR_VERSION);
    if (r.parity() != null) {
      cmd.out().print(r.parity().table().toMarkdown());
    } else {
      cmd.out().println("parity check skipped (--no-verify)");
    }
    cmd.out().printf(Locale.ROOT, "wrote %s (%,d bytes)%n", target, r.model().length);
  }

  /** Parity images: the run's own training data when available, else synthetic faces. */
  static FaceDataset parityFaces(Path model, Path data, int samples) {
    Path source = data;
    if (source == null && Files.isRegularFile(model.resolve("manifest.json"))) {
      JsonNode m = Json.read(model.resolve("manifest.json"));
      String s = m.path("data").path("source").asText("");
      if (!s.startsWith("synthetic") && !s.isEmpty() && Files.exists(Path.of(s))) {
        source = Path.of(s);
      }
    }
    FaceDataset d = source == null ? new SyntheticFaces(7).generate(Math.max(samples, 14), 0)
        : DatasetLoader.load(source, ReadOptions.STRICT.withRequireLabels(false)).dataset();
    int[] idx = Splits.all(d);
    return d.select(Arrays.copyOf(idx, Math.min(samples, idx.length)));
  }
}
