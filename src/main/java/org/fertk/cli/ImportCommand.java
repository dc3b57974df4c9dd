package org.fertk.cli;

import java.nio.file.Path;
import java.util.Locale;
import org.fertk.data.SyntheticFaces;
import org.fertk.export.OnnxExport;
import org.fertk.export.Parity;
import org.fertk.keras.KerasImport;
import org.fertk.onnx.tf.TfToOnnxConverter;
import org.fertk.FerException;
import org.fertk.util.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Bring a model made elsewhere into a run folder that every other command takes.",
    subcommands = {ImportCommand.Keras.class})
final class ImportCommand extends BaseCommand {
  @Override
  public Integer call() {
    throw new UsageException("say what to import: fer import keras MODEL --out RUN");
  }

  @Command(name = "keras", mixinStandardHelpOptions = true,
      description = {"Import a Keras model (.keras archive, or Keras 2-era .h5/.hdf5 with its architecture), "
          + "architecture and weights, then export it to RUN/model.onnx with the TF-vs-ONNX parity check.",
          "The model's own preprocessing is built into the graph, so the run folder takes 48x48 grayscale faces "
              + "in [0, 1] like every other model of the toolkit."})
  static final class Keras extends BaseCommand {
    @Parameters(paramLabel = "MODEL", description = "Keras model file (.keras, .h5, .hdf5).")
    Path model;

    @Option(names = "--out", paramLabel = "OUT", required = true, description = "Run folder to write (new, or one written by fer import).")
    Path out;

    @Option(names = "--input-size", paramLabel = "N",
        description = "Side of the model's input in pixels, when the file does not fix it (default: the file's own).")
    Integer inputSize;

    @Option(names = "--scale", paramLabel = "RANGE", defaultValue = "0..1",
        description = "Range of the model's input for black..white: 0..1 (also 1/255), -1..1, 0..255, or any a..b "
            + "(default ${DEFAULT-VALUE}).")
    String scale;

    @Option(names = "--no-export", description = "Write the run folder without model.onnx.")
    boolean noExport;

    @Mixin
    ThreadsOption threadsOption;

    @Override
    public Integer call() {
      if (inputSize != null && (inputSize < 8 || inputSize > 1024)) {
        throw new UsageException("--input-size must be 8..1024, got " + inputSize);
      }
      try {
        KerasImport.parseScale(scale);
      } catch (FerException e) {
        throw new UsageException(CliText.of(e, this));
      }
      OnnxExport.Result[] exported = new OnnxExport.Result[1];
      // exported inside the run folder's temporary place: a failed parity check leaves nothing behind
      KerasImport.Result r = KerasImport.run(model, out, new KerasImport.Options(inputSize, scale), threadsOption.threads,
          written -> exported[0] = noExport ? null : OnnxExport.export(written, written.resolve("model.onnx"),
              TfToOnnxConverter.Options.defaults(), new SyntheticFaces(7).generate(256, 0), Parity.DEFAULT_TOLERANCE,
              threadsOption.threads));
      out().printf(Locale.ROOT, "imported %s (%s, Keras %s): %d layers, %,d parameters, %d weight arrays%n",
          model, r.format(), r.kerasVersion().isEmpty() ? "?" : r.kerasVersion(), r.network().layers().size(),
          r.network().paramCount(), r.weightArrays());
      out().printf(Locale.ROOT, "preprocessing built in: 48x48 -> %dx%d, [0, 1] -> [%s, %s]%n", r.inputSize(), r.inputSize(),
          num(r.rangeLow()), num(r.rangeHigh()));
      if (exported[0] != null) {
        ExportReport.report(this, exported[0], out.resolve("model.onnx"), TfToOnnxConverter.Options.defaults().opset());
      }
      out().println("wrote " + out);
      return 0;
    }

    private static String num(double v) {
      return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
  }
}
