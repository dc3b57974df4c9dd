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
import org.fertk.export.Parity;
import org.fertk.export.SavedModelExport;
import org.fertk.onnx.tf.Layouts;
import org.fertk.onnx.tf.TfToOnnxConverter;
import org.fertk.util.Json;
import org.fertk.util.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Convert a trained model (run folder or SavedModel) to ONNX and verify it against TF.")
final class ExportCommand extends BaseCommand {
  @Option(names = "--model", paramLabel = "MODEL", description = "Run folder (or a SavedModel folder of the toolkit's).")
  Path model;

  @Option(names = "--saved-model", paramLabel = "DIR",
      description = "Any SavedModel (not only the toolkit's): its serving signature names the one input and output; "
          + "parity is checked on random inputs of the input's shape. Needs --out.")
  Path savedModel;

  @Option(names = "--signature", paramLabel = "SIGNATURE", defaultValue = "serving_default",
      description = "Signature of --saved-model to export (default ${DEFAULT-VALUE}).")
  String signature;

  @Option(names = "--out", paramLabel = "OUT", description = "ONNX file to write (default RUN/model.onnx).")
  Path out;

  @Option(names = "--opset", paramLabel = "OPSET", defaultValue = "17", description = "ONNX opset, 13..17 (default ${DEFAULT-VALUE}).")
  int opset;

  @Option(names = "--samples", paramLabel = "SAMPLES", defaultValue = "256", description = "Images for the parity check (default ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--data", paramLabel = "DATA", description = "Where the parity images come from (default: the run's training data, else synthetic faces).")
  Path data;

  @Option(names = "--tolerance", paramLabel = "TOLERANCE", defaultValue = "1e-4", description = "Largest allowed probability difference (default ${DEFAULT-VALUE}).")
  double tolerance;

  @Option(names = "--no-verify", description = "Skip the TF vs ONNX Runtime parity check.")
  boolean noVerify;

  @Mixin
  ThreadsOption threadsOption;

  @Override
  public Integer call() {
    if (samples < 1) {
      throw badValue("--samples", "must be at least 1");
    }
    if (!(tolerance > 0) || Double.isInfinite(tolerance)) {
      throw badValue("--tolerance", "must be a positive number");
    }
    if ((model == null) == (savedModel == null)) {
      throw new UsageException("give one of --model RUN or --saved-model DIR");
    }
    if (savedModel != null) {
      return exportSavedModel();
    }
    Path target = out != null ? out : model.resolve("model.onnx");
    FaceDataset faces = noVerify ? null : parityFaces(model, data, samples);
    exportAndReport(this, model, target, opset, faces, tolerance, threadsOption.threads);
    return 0;
  }

  private int exportSavedModel() {
    if (out == null) {
      throw new UsageException("--saved-model needs --out FILE.onnx");
    }
    SavedModelExport.Result r = SavedModelExport.export(savedModel, out, new TfToOnnxConverter.Options(opset, new Layouts()),
        tolerance, signature);
    out().printf(Locale.ROOT, "ONNX graph: %d nodes (%s), input %s %s, output %s, opset %d%n", r.graph().nodes().size(),
        opList(r.opCounts()), r.input(), Arrays.toString(r.inputShape()), r.output(), opset);
    out().printf(Locale.ROOT, "parity (TF vs ONNX Runtime, random inputs in [0, 1]): largest difference %.2e, PASS "
        + "(tolerance %.0e)%n", r.maxAbsDiff(), tolerance);
    out().printf(Locale.ROOT, "wrote %s (%,d bytes)%n", out, r.model().length);
    return 0;
  }

  private static String opList(Map<String, Long> counts) {
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
