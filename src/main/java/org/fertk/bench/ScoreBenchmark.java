package org.fertk.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fertk.data.FaceDataset;
import org.fertk.data.Fer2013CsvReader;
import org.fertk.data.Fer2013CsvWriter;
import org.fertk.data.ReadOptions;
import org.fertk.model.Network;
import org.fertk.score.Engine;
import org.fertk.score.OrtEngine;
import org.fertk.score.Predictions;
import org.fertk.score.Scorer;
import org.fertk.score.TestTimeAugmentation;
import org.fertk.score.TfEngine;
import org.fertk.score.Throughput;
import org.fertk.run.RunFolder;
import org.fertk.util.AtomicOutput;
import org.fertk.util.Progress;

/**
 * Inference throughput, all in one process on the same batches: a bare ONNX Runtime
 * {@code session.run} loop, the same loop in TF Java, and the end-to-end scoring pipeline
 * (CSV in, predictions out) as `fer score` runs it; the same two ORT measures for the run's
 * int8 model when `fer quantize` has written one beside the float model.
 */
public final class ScoreBenchmark {
  /** img/s of each way, and the model's forward FLOPs per image; the int8 fields are null without an int8 model. */
  public record Result(String model, long flopsPerImage, double ortBare, double tfBare, double endToEnd,
      Double int8Bare, Double int8EndToEnd) {
    public double e2eRatio() {
      return endToEnd / ortBare;
    }

    public double ortOverTf() {
      return ortBare / tfBare;
    }

    public double gflops() {
      return ortBare * flopsPerImage / 1e9;
    }
  }

  private ScoreBenchmark() {}

  public static Result run(Path runDir, FaceDataset faces, int batchSize, int repeat, int threads) {
    Network model = Network.load(new RunFolder(runDir).spec(), 0);
    Throughput.Batches batches = Throughput.Batches.of(faces, batchSize);
    Path onnx = new RunFolder(runDir).onnx();
    double ort;
    double tf;
    try (Engine e = OrtEngine.open(onnx, threads)) {
      ort = Throughput.bestImagesPerSecond(e, batches, repeat);
    }
    double e2e = endToEnd(onnx, faces, batchSize, repeat, threads);
    Path int8 = onnx.resolveSibling("model-int8.onnx");
    Double int8Bare = null;
    Double int8E2e = null;
    if (Files.isRegularFile(int8)) {
      try (Engine e = OrtEngine.open(int8, threads)) {
        int8Bare = Throughput.bestImagesPerSecond(e, batches, repeat);
      }
      int8E2e = endToEnd(int8, faces, batchSize, repeat, threads);
    }
    // TF last: its thread pool outlives the session and would slow down whatever runs after it.
    try (Engine e = TfEngine.open(runDir, threads)) {
      tf = Throughput.bestImagesPerSecond(e, batches, repeat);
    }
    return new Result(model.name(), model.flops(), ort, tf, e2e, int8Bare, int8E2e);
  }

  /** What `fer score` does: read the CSV, score with one reused session, write predictions. */
  private static double endToEnd(Path onnx, FaceDataset faces, int batchSize, int repeat, int threads) {
    Path tmp;
    try {
      tmp = Files.createTempDirectory("fer-bench-score");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Path csv = tmp.resolve("faces.csv");
      Fer2013CsvWriter.write(faces, csv);
      double best = 0;
      for (int r = -1; r < repeat; r++) {
        long t0 = System.nanoTime();
        FaceDataset d = Fer2013CsvReader.read(csv, ReadOptions.STRICT).dataset();
        try (Engine e = OrtEngine.open(onnx, threads)) {
          Scorer.Result res = new Scorer(List.of(e), batchSize, TestTimeAugmentation.NONE).score(d, Progress.NONE);
          Predictions.write(tmp.resolve("pred.csv"), d, res.probs());
        }
        double ips = faces.size() / ((System.nanoTime() - t0) / 1e9);
        if (r >= 0) {
          best = Math.max(best, ips);
        }
      }
      return best;
    } finally {
      AtomicOutput.deleteQuietly(tmp);
    }
  }
}
