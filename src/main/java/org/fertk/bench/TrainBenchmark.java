package org.fertk.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.data.SplitSpec;
import org.fertk.data.Splits;
import org.fertk.model.Network;
import org.fertk.train.Augmentation;
import org.fertk.train.OptimizerConfig;
import org.fertk.train.PreparedData;
import org.fertk.train.TrainConfig;
import org.fertk.train.Trainer;
import org.fertk.train.TrainingGraph;
import org.fertk.util.AtomicOutput;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Training throughput of the full loop (shuffle, batching, augmentation, metrics, progress bar)
 * as a fraction of a bare {@code Session.run} loop over the same graph and batch size, both in
 * this process. In bfloat16 mixed precision, the bare loop is measured in float32 too, as the
 * baseline of the speed-up.
 */
public final class TrainBenchmark {
  public record Result(String model, String precision, double bareFloat32ImagesPerSecond,
      double bareImagesPerSecond, double loopImagesPerSecond, long peakRssBytes) {
    public double ratio() {
      return loopImagesPerSecond / bareImagesPerSecond;
    }

    /** Bare loop in this precision over the bare float32 loop (1 in float32). */
    public double precisionSpeedup() {
      return bareImagesPerSecond / bareFloat32ImagesPerSecond;
    }
  }

  private TrainBenchmark() {}

  public static Result run(Path graph, FaceDataset data, int batches, int batchSize, String augment,
      String precision, int threads, PrintWriter out) {
    boolean bf16 = precision.equals(TrainConfig.BFLOAT16);
    Network model = Network.load(graph, 0);
    int n = Math.min(data.size(), batches * batchSize);
    int[] all = Splits.all(data);
    FaceDataset train = data.select(Arrays.copyOf(all, n));
    double bareFloat32 = bare(model, train, batches, batchSize, threads, false);
    out.printf("bare Session.run loop, float32: %,.0f img/s%n", bareFloat32);
    double bare = bareFloat32;
    if (bf16) {
      bare = bare(model, train, batches, batchSize, threads, true);
      out.printf("bare Session.run loop, bfloat16: %,.0f img/s%n", bare);
    }
    out.flush();
    double loop = loop(graph, model, train, data.select(Arrays.copyOfRange(all, 0, Math.min(256, data.size()))),
        batchSize, augment, precision, threads, out);
    return new Result(model.name(), precision, bareFloat32, bare, loop, peakRss());
  }

  private static double bare(Network model, FaceDataset train, int batches, int bs, int threads,
      boolean bf16) {
    List<Tensor> open = new ArrayList<>();
    try (TrainingGraph g = new TrainingGraph(model, OptimizerConfig.adam(1e-3), threads, bf16)) {
      g.initialize(1);
      int distinct = Math.min(8, batches);
      TFloat32[] xs = new TFloat32[distinct];
      TFloat32[] ys = new TFloat32[distinct];
      for (int b = 0; b < distinct; b++) {
        float[] x = new float[bs * FaceDataset.PIXELS];
        float[] y = new float[bs * Emotion.COUNT];
        for (int k = 0; k < bs; k++) {
          int i = (b * bs + k) % train.size();
          train.toUnitFloats(i, x, k * FaceDataset.PIXELS);
          y[k * Emotion.COUNT + train.label(i)] = 1;
        }
        xs[b] = TFloat32.tensorOf(Shape.of(bs, 48, 48, 1), DataBuffers.of(x));
        ys[b] = TFloat32.tensorOf(Shape.of(bs, Emotion.COUNT), DataBuffers.of(y));
        open.add(xs[b]);
        open.add(ys[b]);
      }
      float[] ones = new float[bs];
      Arrays.fill(ones, 1f);
      TFloat32 w = TFloat32.tensorOf(Shape.of(bs), DataBuffers.of(ones));
      TFloat32 lr = TFloat32.scalarOf(1e-3f);
      TFloat32 b1 = TFloat32.scalarOf(0.9f);
      TFloat32 b2 = TFloat32.scalarOf(0.999f);
      TInt64 seed = TInt64.vectorOf(1, 2);
      open.addAll(List.of(w, lr, b1, b2, seed));
      for (int i = 0; i < 5; i++) { // warm-up
        g.bareStep(xs[i % distinct], ys[i % distinct], w, lr, b1, b2, seed);
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < batches; i++) {
        g.bareStep(xs[i % distinct], ys[i % distinct], w, lr, b1, b2, seed);
      }
      return batches * (double) bs / ((System.nanoTime() - t0) / 1e9);
    } finally {
      open.forEach(Tensor::close);
    }
  }

  /** Two epochs of the real Trainer; the second (warm) epoch's rate is reported. */
  private static double loop(Path graph, Network model, FaceDataset train, FaceDataset val, int bs,
      String augment, String precision, int threads, PrintWriter out) {
    Path tmp;
    try {
      tmp = Files.createTempDirectory("fer-bench-train");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      TrainConfig cfg = TrainConfig.builder().graph(graph).synthetic(14).epochs(2).batchSize(bs).augment(augment)
          .precision(precision).seed(1).build();
      PreparedData p = new PreparedData(model, new SplitSpec.DataSplit(train, val, val, true), "bench", "bench");
      Trainer.Result r = new Trainer(cfg, tmp.resolve("run"), false, out, threads).run(p, false);
      return r.state().history.get(1).imagesPerSecond();
    } finally {
      AtomicOutput.deleteQuietly(tmp);
    }
  }

  /** Peak resident set size of this process (Linux), or -1. */
  public static long peakRss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }
}
