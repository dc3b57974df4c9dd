package org.fertk.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.fertk.analysis.Comparison;
import org.fertk.analysis.Tables;
import org.fertk.data.DatasetLoader;
import org.fertk.data.FaceDataset;
import org.fertk.data.ReadOptions;
import org.fertk.run.RunFolder;
import org.fertk.FerException;
import org.fertk.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Compare trained runs scored on the same faces: the study's table layout, McNemar's test, "
        + "paired bootstrap, figures and report.")
final class CompareCommand extends BaseCommand {
  @Parameters(paramLabel = "RUN_DIR", arity = "1..*", description = "Run folders, each with predictions-<split>.csv.")
  List<Path> runs;

  @Option(names = "--split", paramLabel = "SPLIT", description = "Which predictions-<split>.csv (default: PublicTest, or test, what a "
      + "study writes, for runs without a PublicTest file).")
  String split;

  @Option(names = "--names", paramLabel = "NAMES", split = ",", description = "Labels for the runs (default: model names).")
  List<String> names;

  @Option(names = "--data", paramLabel = "DATA", description = "The scored data, for sample grids.")
  Path data;

  @Option(names = "--out", paramLabel = "OUT", required = true, description = "Folder for tables, figures and report.")
  Path out;

  @Option(names = "--bootstrap", paramLabel = "RESAMPLES", defaultValue = "1000", description = "Bootstrap resamples (default ${DEFAULT-VALUE}).")
  int resamples;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42", description = "Bootstrap seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--title", paramLabel = "TITLE", defaultValue = "Model comparison", description = "Report title (default '${DEFAULT-VALUE}').")
  String title;

  private static final String DEFAULT_SPLIT = "PublicTest";
  /** What a study writes for each run: the run's test split, which is PublicTest under the FER2013 usage split. */
  private static final String STUDY_SPLIT = "test";

  @Override
  public Integer call() {
    if (names != null && names.size() != runs.size()) {
      throw new ParameterException(spec.commandLine(), "--names must give one label per run");
    }
    if (names != null && new HashSet<>(names).size() < names.size()) {
      throw new ParameterException(spec.commandLine(), "--names must give distinct labels, got " + names);
    }
    List<String> labels = names != null ? names : defaultLabels(runs);
    List<Comparison.Entry> entries = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      Path r = runs.get(i);
      entries.add(new Comparison.Entry(labels.get(i), r, predictions(new RunFolder(r), r), null));
    }
    String scored = split != null ? split : DEFAULT_SPLIT;
    FaceDataset faces = data == null ? null
        : DatasetLoader.load(data, ReadOptions.STRICT.withRequireLabels(false)).dataset().only(SplitOption.parse(scored));
    Comparison.Output o = Comparison.run(entries, faces, out, resamples, seed, title);
    out().print(Tables.markdown(o.table()));
    out().println();
    out().print(Tables.markdown(o.significance()));
    out().println("wrote " + out.resolve("report.html") + " and " + out.resolve("report.md"));
    return 0;
  }

  /**
   * Each run's model name (from its manifest); when two runs share one (the same network trained
   * twice), every run's folder name; when those clash too, the paths as given.
   */
  static List<String> defaultLabels(List<Path> runs) {
    List<String> models = new ArrayList<>();
    List<String> folders = new ArrayList<>();
    for (Path r : runs) {
      String folder = r.getFileName() == null ? r.toString() : r.getFileName().toString();
      Path manifest = new RunFolder(r).manifest();
      folders.add(folder);
      models.add(Files.isRegularFile(manifest) ? Json.read(manifest).path("model").path("name").asText(folder) : folder);
    }
    for (List<String> candidate : List.of(models, folders)) {
      if (new HashSet<>(candidate).size() == candidate.size()) {
        return candidate;
      }
    }
    return runs.stream().map(Path::toString).toList();
  }

  /** The run's predictions for --split; without it, PublicTest's, else the study's test predictions. */
  private Path predictions(RunFolder rf, Path run) {
    String wanted = split != null ? split : DEFAULT_SPLIT;
    Path preds = rf.predictions(wanted);
    Path study = rf.predictions(STUDY_SPLIT);
    if (split == null && !Files.isRegularFile(preds) && Files.isRegularFile(study)) {
      return study;
    }
    if (!Files.exists(run)) {
      throw new FerException(run + ": run folder not found");
    }
    if (!Files.isRegularFile(preds)) {
      throw new FerException(run + ": no " + preds.getFileName() + (split == null ? " or " + study.getFileName() : "")
          + " (score it first: fer score --model " + rf.onnx() + " --data FILE --split " + wanted + " --out " + preds + ")");
    }
    return preds;
  }
}
