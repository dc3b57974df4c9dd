package org.fertk.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.fertk.data.DatasetLoader;
import org.fertk.data.FaceDataset;
import org.fertk.data.ReadOptions;
import org.fertk.data.Splits;
import org.fertk.data.SyntheticFaces;
import org.fertk.export.OnnxExport;
import org.fertk.export.Parity;
import org.fertk.onnx.tf.TfToOnnxConverter;
import org.fertk.onnx.tf.Layouts;
import org.fertk.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Convert a trained model (run folder or SavedModel) to ONNX and verify it against TF.")
final class ExportCommand extends BaseCommand {
  @Option(names = "--model", required = true, description = "Run folder (or SavedModel folder).")
  Path model;

  @Option(names = "--out", description = "ONNX file to write (default RUN/model.onnx).")
  Path out;

  @Option(names = "--opset", defaultValue = "17", description = "ONNX opset, 13..17 (default ${DEFAULT-VALUE}).")
  int opset;

  @Option(names = "--samples", defaultValue = "256", description = "Images for the parity check (default ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--data", description = "Where the parity images come from (default: the run's training data, else synthetic faces).")
  Path data;

  @Option(names = "--tolerance", defaultValue = "1e-4", description = "Largest allowed probability difference (default ${DEFAULT-VALUE}).")
  double tolerance;

  @Option(names = "--no-verify", description = "Skip the TF vs ONNX Runtime parity check.")
  boolean noVerify;

  @Mixin
  ThreadsOption threadsOption;

  @Override
  public Integer call() {
    Path target = out != null ? out : model.resolve("model.onnx");
    FaceDataset faces = noVerify ? null : sampleFaces();
    exportAndReport(this, model, target, opset, faces, tolerance, threadsOption.threads);
    return 0;
  }

  /** Exports with the parity check and prints the graph's op counts and the parity table. */
  static void exportAndReport(BaseCommand cmd, Path model, Path target, int opset, FaceDataset faces,
      double tolerance, int threads) {
    OnnxExport.Result r = OnnxExport.export(model, target,
        new TfToOnnxConverter.Options(opset, new Layouts()), faces, tolerance, threads);
    StringBuilder ops = new StringBuilder();
    for (Map.Entry<String, Long> e : r.opCounts().entrySet()) {
      ops.append(ops.length() == 0 ? "" : ", ").append(e.getKey()).append(" x").append(e.getValue());
    }
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
  private FaceDataset sampleFaces() {
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
    return d.select(java.util.Arrays.copyOf(idx, Math.min(samples, idx.length)));
  }
}
