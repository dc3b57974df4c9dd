package org.fertk.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.fertk.data.FaceDataset;
import org.fertk.export.SavedModelExport;
import org.fertk.onnx.tf.Layouts;
import org.fertk.onnx.tf.TfToOnnxConverter;
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
    FaceDataset faces = noVerify ? null : ExportReport.parityFaces(model, data, samples);
    ExportReport.exportAndReport(this, model, target, opset, faces, tolerance, threadsOption.threads);
    return 0;
  }

  private int exportSavedModel() {
    if (out == null) {
      throw new UsageException("--saved-model needs --out FILE.onnx");
    }
    SavedModelExport.Result r = SavedModelExport.export(savedModel, out, new TfToOnnxConverter.Options(opset, new Layouts()),
        tolerance, signature);
    out().printf(Locale.ROOT, "ONNX graph: %d nodes (%s), input %s %s, output %s, opset %d%n", r.graph().nodes().size(),
        ExportReport.opList(r.opCounts()), r.input(), Arrays.toString(r.inputShape()), r.output(), opset);
    out().printf(Locale.ROOT, "parity (TF vs ONNX Runtime, random inputs in [0, 1]): largest difference %.2e, PASS "
        + "(tolerance %.0e)%n", r.maxAbsDiff(), tolerance);
    out().printf(Locale.ROOT, "wrote %s (%,d bytes)%n", out, r.model().length);
    return 0;
  }

}
