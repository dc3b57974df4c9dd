package org.fertk.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.fertk.analysis.Analysis;
import org.fertk.analysis.Bootstrap;
import org.fertk.analysis.Tables;
import org.fertk.data.DatasetLoader;
import org.fertk.data.FaceDataset;
import org.fertk.data.ReadOptions;
import org.fertk.FerException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "analyze", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Metrics (scikit-learn definitions), bootstrap intervals, ROC, confusion matrix, figures and "
        + "an HTML/Markdown report for one predictions file.")
final class AnalyzeCommand extends BaseCommand {
  @Parameters(paramLabel = "PREDICTIONS", description = "predictions.csv written by fer score.")
  Path predictions;

  @Option(names = "--history", paramLabel = "HISTORY", description = "The run's history.csv (training curves).")
  Path history;

  @Option(names = "--manifest", paramLabel = "MANIFEST", description = "The run's manifest.json (model and training facts).")
  Path manifest;

  @Option(names = {"--model", "--run"}, paramLabel = "RUN", description = "The model's run folder: sets --history and --manifest.")
  Path run;

  @Option(names = "--data", paramLabel = "DATA", description = "The scored data, for the sample grid (with --split as scored).")
  Path data;

  @Option(names = "--split", paramLabel = "SPLIT", description = "The Usage split that was scored.")
  String split;

  @Option(names = "--out", paramLabel = "OUT", required = true, description = "Folder for tables, figures and report.")
  Path out;

  @Option(names = "--bootstrap", paramLabel = "RESAMPLES", defaultValue = "1000", description = "Bootstrap resamples (default ${DEFAULT-VALUE}).")
  int resamples;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42", description = "Bootstrap seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--title", paramLabel = "TITLE", description = "Report title.")
  String title;

  @Override
  public Integer call() {
    if (resamples < 1000) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--bootstrap must be at least 1000, got " + resamples);
    }
    Path h = history;
    Path m = manifest;
    if (run != null) {
      // a run folder from `fer import` has no training history: then the report has no curves
      h = h != null ? h : Files.isRegularFile(run.resolve("history.csv")) || !Files.isRegularFile(run.resolve("manifest.json"))
          ? existing(run.resolve("history.csv")) : null;
      m = m != null ? m : existing(run.resolve("manifest.json"));
    }
    FaceDataset faces = null;
    if (data != null) {
      faces = DatasetLoader.load(data, ReadOptions.STRICT.withRequireLabels(false)).dataset();
      if (split != null) {
        faces = faces.only(SplitOption.parse(split));
      }
    }
    String t = title != null ? title : "Analysis of " + predictions.getFileName();
    Analysis.Output o = Analysis.run(new Analysis.Inputs(predictions, h, m, faces, t), out, resamples, seed);
    Bootstrap.Result ci = o.intervals();
    out().printf(Locale.ROOT, "%,d faces: accuracy %s, macro-F1 %s, ROC-AUC (macro) %.4f%n", o.evaluation().n(),
        ci.accuracy().formatPercent(2), ci.macroF1().format(4), o.evaluation().macroAuc());
    out().print(Tables.markdown(Tables.perClass(o.evaluation())));
    out().println("wrote " + out.resolve("report.html") + " and " + out.resolve("report.md"));
    return 0;
  }

  private static Path existing(Path p) {
    if (!Files.isRegularFile(p)) {
      throw new FerException(p + ": file not found");
    }
    return p;
  }
}
