package org.fertk.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.fertk.data.DatasetLoader;
import org.fertk.data.FaceDataset;
import org.fertk.data.ReadOptions;
import org.fertk.data.Splits;
import org.fertk.data.SyntheticFaces;
import org.fertk.data.Usage;
import org.fertk.export.Float16Export;
import org.fertk.export.QuantizedExport;
import org.fertk.onnx.Int8Quantizer;
import org.fertk.FerException;
import org.fertk.util.TextTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "quantize", mixinStandardHelpOptions = true,
    description = {"Quantise an exported ONNX model to int8 (QDQ, per-channel weights, calibrated activations) for "
        + "faster CPU scoring, or store its weights as float16 for a file half the size (computed in float32, same "
        + "speed); check the result against the float model on faces the calibration did not see, and time both.",
        "Faces come from the Training rows of --data (never the test rows), else from synthetic faces."})
final class QuantizeCommand extends BaseCommand {
  /** What the model becomes. */
  enum Target {
    int8, float16
  }

  @Option(names = "--to", paramLabel = "TO", defaultValue = "int8", description = "int8 (faster scoring) or float16 (weights stored as "
      + "float16, half the file; default ${DEFAULT-VALUE}).")
  Target to;

  @Option(names = "--model", paramLabel = "MODEL", required = true, description = "Float ONNX model (as written by `fer export`).")
  Path model;

  @Option(names = "--out", paramLabel = "OUT", description = "Model to write (default: MODEL-int8.onnx or MODEL-fp16.onnx beside the model).")
  Path out;

  @Option(names = "--data", paramLabel = "DATA", description = "FER2013 CSV(.gz) or image folder for calibration and check faces (default: synthetic faces).")
  Path data;

  @Option(names = "--calibration", paramLabel = "CALIBRATION", defaultValue = "1000", description = "Faces for calibrating activation ranges (default ${DEFAULT-VALUE}).")
  int calibration;

  @Option(names = "--check", paramLabel = "CHECK", defaultValue = "1000", description = "Other faces on which int8 and float predictions are compared (default ${DEFAULT-VALUE}).")
  int check;

  @Option(names = "--min-agreement", paramLabel = "MIN_AGREEMENT", description = "Least share of check faces whose predicted class must not change "
      + "(default 0.97 for int8, 0.995 for float16).")
  Double minAgreement;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42", description = "Seed for choosing the faces (default ${DEFAULT-VALUE}).")
  long seed;

  @Mixin
  ThreadsOption threadsOption;

  @Override
  public Integer call() {
    if (calibration < 1 || check < 1) {
      throw new ParameterException(spec.commandLine(), "--calibration and --check must be at least 1");
    }
    double least = minAgreement != null ? minAgreement : to == Target.int8 ? 0.97 : 0.995;
    if (!(least >= 0 && least <= 1)) {
      throw new ParameterException(spec.commandLine(), "--min-agreement must be between 0 and 1, got " + least);
    }
    Path target = out != null ? out : defaultOut(model, to);
    FaceDataset faces = faces();
    int[] idx = Splits.all(faces);
    Splits.shuffle(idx, new SplittableRandom(seed));
    int nCal = Math.min(calibration, Math.max(1, idx.length / 2));
    FaceDataset cal = faces.select(Arrays.copyOf(idx, nCal));
    FaceDataset chk = faces.select(Arrays.copyOfRange(idx, nCal, Math.min(idx.length, nCal + check)));
    if (to == Target.float16) {
      return float16(target, chk, least);
    }
    QuantizedExport.Result r = QuantizedExport.run(model, target, cal, chk, least, threadsOption.threads);
    TextTable ranges = new TextTable("Activation ranges (uint8)", "Observed max", "Scale", "Zero point");
    for (Int8Quantizer.Range g : r.quantized().ranges()) {
      ranges.row(g.tensor(), String.format(Locale.ROOT, "%.4g", g.max()), String.format(Locale.ROOT, "%.4g", g.scale()),
          g.zeroPoint());
    }
    out().print(ranges.toMarkdown());
    out().print(new TextTable("Int8 vs float model", "Value")
        .row("calibration faces", cal.size())
        .row("check faces (not used for calibration)", chk.size())
        .row("same predicted class", String.format(Locale.ROOT, "%d/%d (%.2f%%; required %.1f%%)",
            r.agreement().argmaxAgree(), r.agreement().samples(), 100 * r.agreementRate(), 100 * least))
        .row("max abs difference of probabilities", String.format(Locale.ROOT, "%.3g", r.agreement().maxAbsDiff()))
        .row("convolutions run as QLinearConv by ONNX Runtime", (r.fusedConvolutions() < 0 ? "?" : r.fusedConvolutions())
            + " of " + r.quantized().convolutions())
        .row("float img/s (batch 64, same process)", String.format(Locale.ROOT, "%,.0f", r.floatImagesPerSecond()))
        .row("int8 img/s", String.format(Locale.ROOT, "%,.0f (%.2fx)", r.int8ImagesPerSecond(), r.speedup()))
        .toMarkdown());
    if (r.fusedConvolutions() >= 0 && r.fusedConvolutions() < r.quantized().convolutions()) {
      err().println("note: ONNX Runtime did not fuse every quantised convolution; those run dequantised in float.");
    }
    out().printf(Locale.ROOT, "wrote %s (%,d bytes)%n", target, r.model().length);
    return 0;
  }

  private int float16(Path target, FaceDataset chk, double least) {
    Float16Export.Result r = Float16Export.run(model, target, chk, least, threadsOption.threads);
    out().print(new TextTable("Float16-stored weights vs float model", "Value")
        .row("weight tensors stored as float16", String.format(Locale.ROOT, "%d (%,d values)", r.converted().tensors(),
            r.converted().values()))
        .row("largest rounding of a weight (relative to its tensor's largest)",
            String.format(Locale.ROOT, "%.3g", r.converted().maxScaledError()))
        .row("check faces", chk.size())
        .row("same predicted class", String.format(Locale.ROOT, "%d/%d (%.2f%%; required %.1f%%)",
            r.agreement().argmaxAgree(), r.agreement().samples(), 100 * r.agreementRate(), 100 * least))
        .row("max abs difference of probabilities", String.format(Locale.ROOT, "%.3g", r.agreement().maxAbsDiff()))
        .row("float img/s (batch 64, same process)", String.format(Locale.ROOT, "%,.0f", r.floatImagesPerSecond()))
        .row("float16-weight img/s", String.format(Locale.ROOT, "%,.0f (%.2fx)", r.float16ImagesPerSecond(),
            r.speedRatio()))
        .toMarkdown());
    out().printf(Locale.ROOT, "wrote %s (%,d bytes)%n", target, r.model().length);
    return 0;
  }

  static Path defaultOut(Path model, Target to) {
    String name = model.getFileName().toString();
    String stem = name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
    return model.resolveSibling(stem + (to == Target.int8 ? "-int8.onnx" : "-fp16.onnx"));
  }

  /** Training rows of --data when it has a Usage column, all its rows otherwise; else synthetic faces. */
  private FaceDataset faces() {
    if (data == null) {
      return new SyntheticFaces(seed).generate(calibration + check, 0);
    }
    FaceDataset d = DatasetLoader.load(data, ReadOptions.STRICT.withRequireLabels(false)).dataset();
    if (!d.hasUsage()) {
      return d;
    }
    FaceDataset train = d.only(Usage.TRAINING);
    if (train.size() < 2) {
      throw new FerException(data + ": fewer than 2 Training rows to calibrate and check on "
          + "(the test rows are never used for this)");
    }
    return train;
  }
}
