package org.fertk.train;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;

/**
 * Builds training batches (augmented pixels, one-hot targets with label smoothing, class weights,
 * then mixup or CutMix, then the teachers' soft targets for distillation) on a helper thread while
 * the session runs the previous step, reusing two buffers. Each batch draws from its own random
 * stream keyed by (seed, epoch, batch), so a resumed run sees exactly the batches an uninterrupted
 * one would.
 */
final class BatchSource implements AutoCloseable {
  /** A prepared batch: pixels, targets (one-hot, maybe smoothed or mixed), sample weights, soft targets. */
  static final class Batch {
    final float[] x;
    final float[] y;
    final float[] w;
    final float[] soft; // the teachers' softened probabilities; null without distillation
    int n;

    Batch(int size, boolean distilling) {
      x = new float[size * FaceDataset.PIXELS];
      y = new float[size * Emotion.COUNT];
      w = new float[size];
      soft = distilling ? new float[size * Emotion.COUNT] : null;
    }
  }

  private final FaceDataset data;
  private final double[] classWeights;
  private final TrainConfig config;
  private final Teachers teachers;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "batch-prep");
    t.setDaemon(true);
    return t;
  });
  private final ConcurrentLinkedQueue<Batch> free = new ConcurrentLinkedQueue<>();

  /** @param teachers the distillation's teachers (used on the helper thread only), or null */
  BatchSource(FaceDataset data, double[] classWeights, TrainConfig config, Teachers teachers) {
    this.data = data;
    this.classWeights = classWeights;
    this.config = config;
    this.teachers = teachers;
    free.add(new Batch(config.batchSize(), teachers != null));
    free.add(new Batch(config.batchSize(), teachers != null));
  }

  Future<Batch> prepare(int[] order, int b, int bs, int epoch) {
    Batch batch = free.poll();
    Batch target = batch != null ? batch : new Batch(bs, teachers != null);
    return worker.submit(() -> fill(target, order, b, bs, epoch));
  }

  void recycle(Batch b) {
    free.add(b);
  }

  private Batch fill(Batch batch, int[] order, int b, int bs, int epoch) {
    int start = b * bs;
    int n = Math.min(bs, order.length - start);
    batch.n = n;
    SplittableRandom rng = new SplittableRandom(Seeds.mix(config.seed(), epoch, b));
    double s = config.labelSmoothing();
    float on = (float) (1 - s + s / Emotion.COUNT);
    float offV = (float) (s / Emotion.COUNT);
    for (int k = 0; k < n; k++) {
      int i = order[start + k];
      config.augmentation().apply(data, i, rng, batch.x, k * FaceDataset.PIXELS);
      int label = data.label(i);
      Arrays.fill(batch.y, k * Emotion.COUNT, (k + 1) * Emotion.COUNT, offV);
      batch.y[k * Emotion.COUNT + label] = on;
      batch.w[k] = (float) classWeights[label];
    }
    config.mixing().apply(batch.x, batch.y, batch.w, n, rng);
    if (teachers != null) {
      teachers.soften(batch.x, n, config.distillation().temperature(), batch.soft);
    }
    return batch;
  }

  @Override
  public void close() {
    worker.shutdownNow();
    try {
      // a batch being softened still uses the teachers' sessions, which close right after this
      worker.awaitTermination(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
