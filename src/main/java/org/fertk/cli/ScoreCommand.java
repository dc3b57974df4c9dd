package org.fertk.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.fertk.FerModel;
import org.fertk.data.BadRow;
import org.fertk.data.DatasetLoader;
import org.fertk.data.FaceDataset;
import org.fertk.data.FaceImages;
import org.fertk.data.Fer2013CsvReader;
import org.fertk.data.ImageFolderReader;
import org.fertk.data.LoadedData;
import org.fertk.data.Usage;
import org.fertk.face.VideoSource;
import org.fertk.score.Engine;
import org.fertk.score.OrtEngine;
import org.fertk.score.Predictions;
import org.fertk.score.Scorer;
import org.fertk.score.TestTimeAugmentation;
import org.fertk.score.TfEngine;
import org.fertk.FerException;
import org.fertk.util.Progress;
import org.fertk.util.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Score faces in batch with ONNX Runtime (or TF Java) and write predictions.csv.")
final class ScoreCommand extends BaseCommand {
  @Option(names = "--model", paramLabel = "MODELS", required = true, split = ",",
      description = "ONNX file(s); several are averaged (an ensemble). With --engine tf: run or SavedModel folder(s).")
  List<Path> models;

  @Option(names = "--data", paramLabel = "DATA", required = true, arity = "1..*",
      description = "FER2013 CSV(.gz), an image folder, or image files.")
  List<Path> data;

  @Option(names = "--split", paramLabel = "SPLIT", description = "Only this Usage split (Training, PublicTest, PrivateTest).")
  String split;

  @Option(names = "--out", paramLabel = "OUT", required = true, description = "Predictions CSV to write.")
  Path out;

  @Option(names = "--batch-size", paramLabel = "BATCH_SIZE", defaultValue = "64",
      description = "Batch size (default ${DEFAULT-VALUE}: fastest for ONNX Runtime on a 2-core machine).")
  int batchSize;

  @Mixin
  ThreadsOption threadsOption;

  @Option(names = "--logits",
      description = "The model ends without a softmax: apply one to its outputs (without this, outputs that are "
          + "not probabilities are refused).")
  boolean logits;

  @Option(names = "--tta", paramLabel = "VIEWS", defaultValue = "none", converter = TtaConverter.class,
      description = "Test-time augmentation: 'flip' averages each face with its mirror, 'crops' over ten views "
          + "(centre and four corner shifts of 4 px, each mirrored), 'none' (default).")
  TestTimeAugmentation views;

  @Option(names = "--engine", defaultValue = "ort", paramLabel = "ENGINE",
      description = "ort (ONNX Runtime) or tf (TF Java SavedModel) (default ${DEFAULT-VALUE}).")
  String engine;

  @Option(names = "--center-crop", description = "Crop images to their central square before resizing.")
  boolean centerCrop;

  @Option(names = "--faces", defaultValue = "auto", paramLabel = "MODE",
      description = "Images: 'auto' (default) finds the faces in pictures larger than 96x96 and writes one row per "
          + "face with its box, 'detect' in every picture, 'whole' takes every picture as one face.")
  String faces;


  @Mixin
  DataInputOptions input;

  @Mixin
  FaceDetectionOptions detection;

  @Override
  public Integer call() {
    if (batchSize < 1 || batchSize > 65536) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--batch-size must be between 1 and 65536");
    }
    String eng = engine.toLowerCase(Locale.ROOT);
    if (!eng.equals("ort") && !eng.equals("tf")) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--engine must be ort or tf, got '" + engine + "'");
    }
    checkData();
    Predictions.checkSidecarFree(out); // before hours of scoring, not after
    String mode = FaceDetectionOptions.facesMode(this.faces);
    if (!mode.equals("whole") && PhotoScoring.holdsPhotos(data, mode.equals("detect"))) {
      if (models.size() != 1 || eng.equals("tf")) {
        throw new UsageException("scoring the faces of photos takes one ONNX model (no ensemble, no --engine tf)");
      }
      return new PhotoScoring(out(), err(), quiet()).run(models.get(0), data, out, detection.apply(
          FerModel.Options.defaults().runtime(FerModel.Runtime.ONNX_RUNTIME)
              .testTimeAugmentation(views.name()).logits(logits).batchSize(batchSize).threads(threadsOption.threads)),
          views.name(), batchSize, mode.equals("detect"), input.readOptions().maxImagePixels());
    }
    if (streamable()) {
      return scoreStreaming(eng);
    }
    FaceDataset faces = load();
    List<Engine> engines = new ArrayList<>();
    try {
      openEngines(eng, engines);
      Scorer.Result r;
      try (Progress bar = Progress.create(quiet(), "Scoring", faces.size(), "img")) {
        r = new Scorer(engines, batchSize, views).withLogits(logits).score(faces, bar);
      }
      Predictions.write(out, faces, r.probs());
      writeSidecar(r);
      report(engines, r);
      if (faces.allLabelled()) {
        int correct = r.scores().correct(faces);
        out().printf(Locale.ROOT, "accuracy %.4f (%,d / %,d)%n", correct / (double) faces.size(), correct, faces.size());
      }
      out().println("wrote " + out + " and " + Predictions.sidecar(out));
    } finally {
      engines.forEach(Engine::close);
    }
    return 0;
  }

  /**
   * One FER2013 CSV file or one image folder: read, scored and written block by block (bounded
   * memory, any size; a folder keeps only its list of file names whole).
   */
  private boolean streamable() {
    return data.size() == 1 && (Files.isDirectory(data.get(0))
        || Files.isRegularFile(data.get(0)) && !FaceImages.isImageFile(data.get(0)));
  }

  /** Faces per block of a streamed image folder (decoded in parallel, then scored). */
  private static final int FOLDER_BLOCK = 4096;

  private int scoreStreaming(String eng) {
    if (Files.isDirectory(out)) {
      throw new FerException(out + ": is a folder, expected a CSV file name");
    }
    Usage only = split == null ? null : SplitOption.parse(split);
    List<Engine> engines = new ArrayList<>();
    try {
      openEngines(eng, engines);
      Scorer scorer = new Scorer(engines, batchSize, views).withLogits(logits);
      long[] n = new long[3]; // faces, correct, faces without a label
      double[] seconds = new double[1];
      List<double[]> latencies = new ArrayList<>();
      List<BadRow> skipped = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      // a known total gives the bar a percentage and time left: counted first, only when a bar is drawn
      long total = !quiet() && Progress.barsShown() && !Files.isDirectory(data.get(0))
          ? Fer2013CsvReader.countRows(data.get(0), only) : -1;
      try (Progress bar = Progress.create(quiet(), "Scoring", total, "img")) {
        Predictions.write(out, rows -> {
          Consumer<LoadedData> scoreBlock = block -> {
            skipped.addAll(block.skipped());
            notes.addAll(block.notes());
            FaceDataset f = only == null ? block.dataset() : block.dataset().only(only);
            if (f.size() == 0) {
              return;
            }
            Scorer.Result r = scorer.score(f, bar);
            rows.append(f, r.probs());
            n[0] += f.size();
            seconds[0] += r.seconds();
            latencies.add(r.batchMillis());
            if (f.allLabelled()) {
              n[1] += r.scores().correct(f);
            } else {
              n[2] += f.size();
            }
          };
          if (Files.isDirectory(data.get(0))) {
            ImageFolderReader.streamFolder(data.get(0), input.readOptions().withRequireLabels(false),
                centerCrop, FOLDER_BLOCK, scoreBlock);
          } else {
            Fer2013CsvReader.stream(data.get(0), input.readOptions().withRequireLabels(false), scoreBlock);
          }
          if (n[0] == 0) {
            throw new FerException(data.get(0) + ": no " + only.label() + " rows (--split " + split + ")");
          }
        });
      }
      if (!skipped.isEmpty() || !notes.isEmpty()) {
        new LoadedData(new FaceDataset.Builder(data.get(0).toString(), 0).build(), skipped, notes).report(err());
      }
      Scorer.Result r = new Scorer.Result(new float[0], (int) n[0], seconds[0],
          latencies.stream().flatMapToDouble(Arrays::stream).toArray());
      writeSidecar(r);
      report(engines, r);
      if (n[2] == 0) {
        out().printf(Locale.ROOT, "accuracy %.4f (%,d / %,d)%n", n[1] / (double) n[0], n[1], n[0]);
      }
      out().println("wrote " + out + " and " + Predictions.sidecar(out));
    } finally {
      engines.forEach(Engine::close);
    }
    return 0;
  }

  /** One CSV or folder, or image files; never a video or one input twice. */
  private void checkData() {
    List<Path> seen = new ArrayList<>();
    for (Path d : data) {
      if (Files.isRegularFile(d) && VideoSource.isVideo(d)) {
        throw new UsageException("--data " + d + " is a video; fer predict analyses videos");
      }
      Path key = d.toAbsolutePath().normalize();
      if (seen.contains(key)) {
        throw new UsageException("--data names " + d + " twice");
      }
      seen.add(key);
    }
    if (data.size() > 1 && data.stream().anyMatch(d -> Files.isDirectory(d) || !FaceImages.isImageFile(d))) {
      throw new UsageException("--data takes one FER2013 CSV or one folder, or several image files; got " + data.size()
          + " inputs");
    }
  }

  /** Opens every model into engines (so that the caller closes those opened before a failure). */
  private void openEngines(String eng, List<Engine> engines) {
    for (Path m : models) {
      engines.add(eng.equals("tf") ? TfEngine.open(m, threadsOption.threads) : OrtEngine.open(m, threadsOption.threads));
    }
  }

  private void report(List<Engine> engines, Scorer.Result r) {
    if (quiet()) { // results only: the speed is in the side file
      return;
    }
    out().printf(Locale.ROOT, "scored %,d faces with %s%s%s in %.2f s: %,.0f img/s; per-batch latency p50 %.1f ms, "
            + "p95 %.1f ms (batch %d, %d threads)%n", r.images(), engines.get(0).name(),
        engines.size() > 1 ? " (ensemble of " + engines.size() + ")" : "",
        views.isNone() ? "" : " + " + views.name() + " TTA (" + views.views().size() + " views)",
        r.seconds(), r.imagesPerSecond(), r.percentileMillis(50), r.percentileMillis(95), batchSize,
        threadsOption.threads > 0 ? threadsOption.threads : Runtime.getRuntime().availableProcessors());
  }

  /** Throughput and provenance beside the predictions, for `fer compare`. */
  private void writeSidecar(Scorer.Result r) {
    Predictions.writeSidecar(out, models.stream().map(Path::toString).toList(), engine,
        data.stream().map(Path::toString).toList(), split, views.name(), batchSize, r);
  }

  private FaceDataset load() {
    LoadedData d = DatasetLoader.load(data, input.readOptions().withRequireLabels(false), centerCrop);
    d.report(err());
    FaceDataset faces = d.dataset();
    if (split != null) {
      Usage u = SplitOption.parse(split);
      faces = faces.only(u);
      if (faces.size() == 0) {
        throw new FerException(data.get(0) + ": no " + u.label() + " rows (--split " + split + ")");
      }
    }
    if (Files.isDirectory(out)) {
      throw new FerException(out + ": is a folder, expected a CSV file name");
    }
    return faces;
  }
}
