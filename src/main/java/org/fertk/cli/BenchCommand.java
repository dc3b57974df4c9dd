package org.fertk.cli;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.fertk.FerModel;
import org.fertk.bench.AnalyzeBenchmark;
import org.fertk.bench.FaceFramingExperiment;
import org.fertk.bench.LoadBenchmark;
import org.fertk.bench.PredictBenchmark;
import org.fertk.bench.ScoreBenchmark;
import org.fertk.bench.StreamingMemoryBenchmark;
import org.fertk.bench.TrainBenchmark;
import org.fertk.data.DatasetLoader;
import org.fertk.data.FaceDataset;
import org.fertk.data.FaceImages;
import org.fertk.data.ReadOptions;
import org.fertk.data.SyntheticFaces;
import org.fertk.data.Usage;
import org.fertk.face.FaceDetector;
import org.fertk.train.TrainConfig;
import org.fertk.util.CpuFeatures;
import org.fertk.FerException;
import org.fertk.util.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks, each as a ratio against a baseline run in the same process.",
    subcommands = {BenchCommand.Load.class, BenchCommand.Train.class, BenchCommand.Score.class,
        BenchCommand.Analyze.class, BenchCommand.Faces.class, BenchCommand.Predict.class, BenchCommand.Spark.class, BenchCommand.Memory.class})
final class BenchCommand extends BaseCommand {
  /** Bare `fer bench`: its help. */
  @Override
  public Integer call() {
    return missingCommand(spec.commandLine());
  }

  @Command(name = "load", mixinStandardHelpOptions = true,
      description = "Time loading a FER2013 CSV(.gz) against a plain commons-csv loop.")
  static final class Load extends BaseCommand {
    @Parameters(paramLabel = "FILE", description = "FER2013 CSV(.gz) to load.")
    Path file;

    @Option(names = "--repeat", paramLabel = "REPEAT", defaultValue = "5", description = "Timed loads (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--threads", paramLabel = "THREADS", defaultValue = "0", description = "Parser threads, 0 = one per core.")
    int threads;

    @Option(names = "--no-baseline", description = "Skip the commons-csv baseline.")
    boolean noBaseline;

    @Override
    public Integer call() {
      LoadBenchmark.Result r = LoadBenchmark.run(file, Math.max(1, repeat), !noBaseline, threads);
      out().printf("file: %s (%,d bytes, %,d rows), %d cores%n", file, r.fileBytes(), r.rows(),
          Runtime.getRuntime().availableProcessors());
      out().printf("fer reader:     first %.3f s, best %.3f s, median %.3f s over %d loads%n",
          r.readerSeconds()[0], r.best(r.readerSeconds()), r.median(r.readerSeconds()),
          r.readerSeconds().length);
      if (r.baselineSeconds().length > 0) {
        out().printf("commons-csv loop: best %.3f s over %d loads -> reader is %.1fx faster%n",
            r.best(r.baselineSeconds()), r.baselineSeconds().length,
            r.best(r.baselineSeconds()) / r.best(r.readerSeconds()));
      }
      out().printf("dataset heap: %.1f MB in arrays, %.1f MB retained (measured after GC)%n",
          r.footprintBytes() / 1e6, r.retainedHeapBytes() / 1e6);
      return 0;
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Training img/s of the full loop vs a bare Session.run loop on the same graph.")
  static final class Train extends BaseCommand {
    @Option(names = "--graph", paramLabel = "GRAPHS", required = true, split = ",", description = "Spec file(s), comma-separated.")
    List<Path> graphs;

    @Option(names = "--data", paramLabel = "DATA", description = "FER2013 CSV(.gz); default synthetic faces.")
    Path data;

    @Option(names = "--batches", paramLabel = "BATCHES", defaultValue = "100", description = "Batches per measurement (default ${DEFAULT-VALUE}).")
    int batches;

    @Option(names = "--batch-size", paramLabel = "BATCH_SIZE", defaultValue = "64", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--augment", paramLabel = "AUGMENT", defaultValue = "none", description = "Augmentation in the full loop.")
    String augment;

    @Option(names = "--precision", paramLabel = "PRECISION", defaultValue = "float32",
        description = "float32, or bfloat16 (also times the bare loop in float32 as the baseline).")
    String precision;

    @Mixin
    ThreadsOption threadsOption;

    @Override
    public Integer call() {
      try {
        TrainConfig.checkPrecision(precision);
      } catch (FerException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      out().println("machine: " + CpuFeatures.thisMachine().describe());
      FaceDataset d = data == null ? new SyntheticFaces(1).generate(batches * batchSize + 256, 0)
          : DatasetLoader.load(data, ReadOptions.STRICT).dataset().only(Usage.TRAINING);
      for (Path g : graphs) {
        TrainBenchmark.Result r = TrainBenchmark.run(g, d, batches, batchSize, augment, precision, threadsOption.threads, out());
        out().printf(Locale.ROOT, "%s (%s): bare %,.0f img/s, full loop %,.0f img/s -> %.1f%% of bare; peak RSS %.0f MB%n",
            r.model(), r.precision(), r.bareImagesPerSecond(), r.loopImagesPerSecond(), 100 * r.ratio(),
            r.peakRssBytes() / 1e6);
        if (!r.precision().equals(TrainConfig.FLOAT32)) {
          out().printf(Locale.ROOT, "%s: bare %s loop is %.2fx the bare float32 loop (%,.0f img/s)%n", r.model(),
              r.precision(), r.precisionSpeedup(), r.bareFloat32ImagesPerSecond());
        }
        out().flush();
      }
      return 0;
    }
  }

  @Command(name = "score", mixinStandardHelpOptions = true,
      description = "Inference img/s: bare ORT loop, bare TF Java loop, and end-to-end fer score (CSV in, predictions out).")
  static final class Score extends BaseCommand {
    @Option(names = {"--model", "--run"}, paramLabel = "RUNS", required = true, split = ",", description = "Run folder(s) with saved_model/ and model.onnx.")
    List<Path> runs;

    @Option(names = "--data", paramLabel = "DATA", description = "FER2013 CSV(.gz); default synthetic faces.")
    Path data;

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "PublicTest", description = "Split to score, or 'all' (default ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--batch-size", paramLabel = "BATCH_SIZE", defaultValue = "64", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--repeat", paramLabel = "REPEAT", defaultValue = "3", description = "Timed passes; the best is reported (default ${DEFAULT-VALUE}).")
    int repeat;

    @Mixin
    ThreadsOption threadsOption;

    @Option(names = "--ceiling-gflops", paramLabel = "CEILING", defaultValue = "190", description = "This machine's fp32 sgemm ceiling (default ${DEFAULT-VALUE}).")
    double ceiling;

    @Override
    public Integer call() {
      FaceDataset all = data == null ? new SyntheticFaces(1).generate(3589, 0)
          : DatasetLoader.load(data, ReadOptions.STRICT).dataset();
      FaceDataset d = data == null || split.equalsIgnoreCase("all") ? all : all.only(SplitOption.parse(split));
      out().printf(Locale.ROOT, "%,d faces, batch %d, %d threads%n", d.size(), batchSize,
          threadsOption.threads > 0 ? threadsOption.threads : Runtime.getRuntime().availableProcessors());
      for (Path r : runs) {
        ScoreBenchmark.Result res = ScoreBenchmark.run(r, d, batchSize, repeat, threadsOption.threads);
        out().printf(Locale.ROOT, "%s: ORT %,.0f img/s, TF Java %,.0f img/s (ORT/TF %.2fx), end-to-end fer score %,.0f img/s "
                + "(%.1f%% of bare ORT); %.1f MFLOP/img -> %.1f GFLOP/s = %.0f%% of %.0f GFLOP/s%n",
            res.model(), res.ortBare(), res.tfBare(), res.ortOverTf(), res.endToEnd(), 100 * res.e2eRatio(),
            res.flopsPerImage() / 1e6, res.gflops(), 100 * res.gflops() / ceiling, ceiling);
        if (res.int8Bare() != null) {
          out().printf(Locale.ROOT, "  int8 (model-int8.onnx): ORT %,.0f img/s (%.2fx float), end-to-end fer score %,.0f img/s "
              + "(%.2fx float)%n", res.int8Bare(), res.int8Bare() / res.ortBare(), res.int8EndToEnd(),
              res.int8EndToEnd() / res.endToEnd());
        }
        out().flush();
      }
      return 0;
    }
  }

  @Command(name = "analyze", mixinStandardHelpOptions = true,
      description = "Time a full fer analyze (metrics, ROC curves, bootstrap, figures, report) on n predictions.")
  static final class Analyze extends BaseCommand {
    @Option(names = "--n", paramLabel = "N", defaultValue = "100000", description = "Predictions (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--bootstrap", paramLabel = "RESAMPLES", defaultValue = "1000", description = "Resamples (default ${DEFAULT-VALUE}).")
    int resamples;

    @Option(names = "--repeat", paramLabel = "REPEAT", defaultValue = "3", description = "Timed passes; the best is reported (default ${DEFAULT-VALUE}).")
    int repeat;

    @Override
    public Integer call() {
      AnalyzeBenchmark.Result r = AnalyzeBenchmark.run(n, resamples, Math.max(1, repeat));
      out().printf(Locale.ROOT, "fer analyze on %,d predictions with %,d bootstrap resamples: %.2f s (best of %d); "
              + "parts: read %.2f s, metrics + 7 ROC curves %.2f s, bootstrap %.2f s%n",
          r.n(), r.resamples(), r.total(), repeat, r.read(), r.metrics(), r.bootstrap());
      return 0;
    }
  }

  @Command(name = "faces", mixinStandardHelpOptions = true,
      description = "How the face detector frames FER2013 faces pasted, enlarged, into larger pictures: the crop "
          + "margin and offset that reproduce FER2013's framing, the detection rate and the scores.")
  static final class Faces extends BaseCommand {
    @Option(names = "--data", paramLabel = "DATA", required = true, description = "FER2013 CSV(.gz); its Training faces are used.")
    Path data;

    @Option(names = "--n", paramLabel = "N", defaultValue = "1000", description = "Faces to try (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--min-neighbors", paramLabel = "NEIGHBOURS", defaultValue = "3", description = "Detector neighbours (default ${DEFAULT-VALUE}).")
    int neighbours;

    @Override
    public Integer call() {
      FaceDataset d = DatasetLoader.load(data, ReadOptions.STRICT).dataset().only(Usage.TRAINING);
      FaceDetector.Options o = new FaceDetector.Options(48, 1.1, neighbours);
      try (FaceDetector det = FaceDetector.open(o)) {
        FaceFramingExperiment.Result r = FaceFramingExperiment.run(d, n, seed, det);
        out().printf(Locale.ROOT, "%d faces, found %d (%.1f%%), %d other boxes, %.1f s%n", r.faces(), r.found(),
            100.0 * r.found() / r.faces(), r.falseBoxes(), r.seconds());
        out().printf(Locale.ROOT, "true side / box side: %s; centre offset x %s, y %s (box sides)%n",
            Arrays.toString(r.sideRatio()), Arrays.toString(r.dx()),
            Arrays.toString(r.dy()));
        out().printf(Locale.ROOT, "neighbours of found faces (10/50/90%%): %s; of other boxes (50/90%%): %s%n",
            Arrays.toString(r.scores()), Arrays.toString(r.falseScores()));
      }
      return 0;
    }
  }

  @Command(name = "predict", mixinStandardHelpOptions = true,
      description = "Photos end to end: 640x480 frames with 1-5 faces, detection and classification timed apart "
          + "and together, against classification alone.")
  static final class Predict extends BaseCommand {
    @Option(names = "--model", paramLabel = "MODEL", defaultValue = "models/best/model.onnx", description = "ONNX model (default ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--photo", paramLabel = "PHOTO", description = "Portrait tiled into the frames (default data/photos/grace-hopper.jpg).")
    Path photo;

    @Option(names = "--frames", paramLabel = "FRAMES", defaultValue = "60", description = "Timed frames per case (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--fast-detector", description = "OpenCV's LBP face cascade instead of its Haar cascade.")
    boolean fastDetector;

    @Mixin
    ThreadsOption threadsOption;

    @Override
    public Integer call() {
      Path p = photo != null ? photo : PredictBenchmark.defaultPortrait();
      BufferedImage portrait = FaceImages.decode(p, ReadOptions.DEFAULT_MAX_IMAGE_PIXELS);
      out().println("machine: " + CpuFeatures.thisMachine().describe());
      try (FerModel m = FerModel.load(model,
          FerModel.Options.defaults().threads(threadsOption.threads).fastFaceDetector(fastDetector))) {
        out().println("face detector: OpenCV " + (fastDetector ? "LBP" : "Haar") + " frontal-face cascade");
        out().println("faces | found | detection fps | classification fps | end-to-end fps | end-to-end / classification");
        for (PredictBenchmark.Row r : PredictBenchmark.run(m, portrait, Math.max(1, frames))) {
          out().printf(Locale.ROOT, "%d | %d | %.1f | %.1f | %.1f | %.2f%n", r.faces(), r.found(), r.detectFps(),
              r.classifyFps(), r.endToEndFps(), r.endToEndFps() / r.classifyFps());
        }
      }
      return 0;
    }
  }

  @Command(name = "spark", mixinStandardHelpOptions = true,
      description = "Faces/s of single-machine scoring, Spark local[1] and local[2] on the same file, the cost of a Spark "
          + "job, and Spark on generated faces at 1x, 10x and 100x (run through ./fer, which adds Spark).")
  static final class Spark extends BaseCommand {
    @Option(names = "--model", paramLabel = "MODEL", defaultValue = "models/best/model-int8.onnx", description = "ONNX model (default ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--data", paramLabel = "DATA", description = "FER2013 CSV for the single-machine vs Spark comparison (default: none, generated faces only).")
    String data;

    @Option(names = "--base", paramLabel = "BASE", defaultValue = "10000", description = "Faces at scale 1x of the generated run (default ${DEFAULT-VALUE}).")
    int base;

    @Option(names = "--batch-size", paramLabel = "BATCH_SIZE", defaultValue = "64", description = "Faces per ONNX Runtime call (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    public Integer call() {
      if (base < 1) {
        throw new UsageException("--base must be positive, got " + base);
      }
      try {
        out().print(SparkBenchRunner.run(model, data, base, batchSize, err()));
      } catch (NoClassDefFoundError e) {
        throw SparkClasspath.missing(e, "fer bench spark");
      }
      return 0;
    }
  }

  @Command(name = "memory", mixinStandardHelpOptions = true,
      description = "Peak memory and faces/s of fer score (streaming) in a child JVM on files of 1x, 10x and 100x "
          + "--base faces, generated into a temporary folder and deleted after.")
  static final class Memory extends BaseCommand {
    @Option(names = "--model", paramLabel = "MODEL", defaultValue = "models/best/model-int8.onnx", description = "ONNX model (default ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--base", paramLabel = "BASE", defaultValue = "3000", description = "Faces in the 1x file (default ${DEFAULT-VALUE}).")
    int base;

    @Override
    public Integer call() {
      if (base < 1) {
        throw new UsageException("--base must be positive, got " + base);
      }
      out().print(StreamingMemoryBenchmark.run(model, base, spec.root().userObject().getClass().getName(), err()));
      return 0;
    }
  }
}
