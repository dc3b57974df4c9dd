package org.fertk.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.fertk.analysis.Analysis;
import org.fertk.analysis.Bootstrap;
import org.fertk.analysis.Evaluation;
import org.fertk.analysis.Evaluator;
import org.fertk.analysis.PredictionSet;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.score.Predictions;
import org.fertk.util.AtomicOutput;

/** Time of a full `fer analyze` on n synthetic predictions, and of its parts. */
public final class AnalyzeBenchmark {
  /** Seconds: whole analysis, and reading / metrics+ROC / bootstrap measured separately. */
  public record Result(int n, int resamples, double total, double read, double metrics, double bootstrap) {}

  private AnalyzeBenchmark() {}

  public static Result run(int n, int resamples, int repeat) {
    Path tmp;
    try {
      tmp = Files.createTempDirectory("fer-bench-analyze");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Path csv = tmp.resolve("predictions.csv");
      writePredictions(csv, n);
      double best = Double.MAX_VALUE;
      double read = Double.MAX_VALUE;
      double metrics = Double.MAX_VALUE;
      double boot = Double.MAX_VALUE;
      for (int r = -1; r < repeat; r++) { // one warm-up
        long t0 = System.nanoTime();
        Analysis.run(new Analysis.Inputs(csv, null, null, null, "benchmark"), tmp.resolve("out"), resamples, 1);
        long t1 = System.nanoTime();
        PredictionSet p = PredictionSet.read(csv);
        long t2 = System.nanoTime();
        Evaluation e = Evaluator.evaluate(p);
        long t3 = System.nanoTime();
        Bootstrap.intervals(p, e, resamples, 1, 0.95);
        long t4 = System.nanoTime();
        if (r >= 0) {
          best = Math.min(best, (t1 - t0) / 1e9);
          read = Math.min(read, (t2 - t1) / 1e9);
          metrics = Math.min(metrics, (t3 - t2) / 1e9);
          boot = Math.min(boot, (t4 - t3) / 1e9);
        }
      }
      return new Result(n, resamples, best, read, metrics, boot);
    } finally {
      AtomicOutput.deleteQuietly(tmp);
    }
  }

  /** A plausible classifier: right about 60% of the time, probabilities from a random softmax. */
  static void writePredictions(Path csv, int n) {
    SplittableRandom r = new SplittableRandom(42);
    byte[] labels = new byte[n];
    float[] probs = new float[n * Emotion.COUNT];
    for (int i = 0; i < n; i++) {
      int y = r.nextInt(Emotion.COUNT);
      labels[i] = (byte) y;
      double sum = 0;
      double[] z = new double[Emotion.COUNT];
      for (int c = 0; c < Emotion.COUNT; c++) {
        z[c] = Math.exp(r.nextGaussian() + (c == y ? 1.5 : 0));
        sum += z[c];
      }
      for (int c = 0; c < Emotion.COUNT; c++) {
        probs[i * Emotion.COUNT + c] = (float) (z[c] / sum);
      }
    }
    FaceDataset labelsOnly = new FaceDataset("bench", new byte[n * FaceDataset.PIXELS], labels, new byte[n], new int[n], null);
    Predictions.write(csv, labelsOnly, probs);
  }
}
