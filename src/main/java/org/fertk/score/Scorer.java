package org.fertk.score;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.data.Scores;
import org.fertk.util.Progress;

/**
 * Batch scoring: a helper thread fills the next direct FloatBuffer while the engine runs the
 * current one. Optional test-time augmentation (the average over views of each face, see
 * {@link TestTimeAugmentation}) and ensembles (the average over several engines). Records
 * per-batch latency.
 */
public final class Scorer {
  /** Probabilities plus timing. */
  public record Result(float[] probs, int images, double seconds, double[] batchMillis) {
    /** The probabilities with their argmax, ranking and accuracy. */
    public Scores scores() {
      return new Scores(probs);
    }

    public double imagesPerSecond() {
      return images / seconds;
    }

    public double percentileMillis(double p) {
      if (batchMillis.length == 0) {
        return Double.NaN;
      }
      double[] s = batchMillis.clone();
      Arrays.sort(s);
      int k = (int) Math.ceil(p / 100.0 * s.length) - 1;
      return s[Math.max(0, Math.min(s.length - 1, k))];
    }
  }

  private final List<Engine> engines;
  private final int batchSize;
  private final TestTimeAugmentation tta;
  private boolean logits;

  public Scorer(List<Engine> engines, int batchSize, TestTimeAugmentation tta) {
    if (engines.isEmpty()) {
      throw new IllegalArgumentException("no engine");
    }
    this.engines = engines;
    this.batchSize = batchSize;
    this.tta = tta;
  }

  /**
   * Declares that the models emit logits (no final softmax): softmax is applied to each model's
   * output before views and models are averaged. Without it, outputs that are not probabilities
   * are refused.
   */
  public Scorer withLogits(boolean emitsLogits) {
    this.logits = emitsLogits;
    return this;
  }

  public Result score(FaceDataset data, Progress progress) {
    int n = data.size();
    float[] probs = new float[n * Emotion.COUNT];
    int batches = (n + batchSize - 1) / batchSize;
    double[] millis = new double[batches];
    if (batches == 1) {
      // one batch (a photo's faces, one call of predict): no helper thread, buffers for n faces only
      long t0 = System.nanoTime();
      FloatBuffer[] views = allocateViews(n);
      int count = fill(data, 0, views);
      float[] p = predictAveraged(views, count, 0);
      millis[0] = (System.nanoTime() - t0) / 1e6;
      System.arraycopy(p, 0, probs, 0, p.length);
      progress.step(count, null);
      return new Result(probs, n, (System.nanoTime() - t0) / 1e9, millis);
    }
    // two sets of view buffers: the helper fills one while the engines read the other
    FloatBuffer[][] sets = {allocateViews(), allocateViews()};
    ExecutorService prep = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "score-prep");
      t.setDaemon(true);
      return t;
    });
    long t0 = System.nanoTime();
    try {
      Future<Integer> next = prep.submit(() -> fill(data, 0, sets[0]));
      for (int b = 0; b < batches; b++) {
        int count = await(next);
        FloatBuffer[] cur = sets[b % 2];
        if (b + 1 < batches) {
          int nb = b + 1;
          next = prep.submit(() -> fill(data, nb * batchSize, sets[nb % 2]));
        }
        long s = System.nanoTime();
        float[] p = predictAveraged(cur, count, (long) b * batchSize);
        millis[b] = (System.nanoTime() - s) / 1e6;
        System.arraycopy(p, 0, probs, b * batchSize * Emotion.COUNT, p.length);
        progress.step(count, null);
      }
    } finally {
      prep.shutdownNow();
    }
    return new Result(probs, n, (System.nanoTime() - t0) / 1e9, millis);
  }

  private float[] predictAveraged(FloatBuffer[] views, int count, long firstRow) {
    List<float[]> outs = new ArrayList<>();
    for (Engine e : engines) {
      for (FloatBuffer v : views) {
        float[] o = e.predict(v, count);
        ModelOutputs.checkProbabilities(o, count, firstRow, e.source(), logits, false);
        if (logits) {
          ModelOutputs.softmaxRows(o, count);
        }
        outs.add(o);
      }
    }
    if (outs.size() == 1) {
      return outs.get(0);
    }
    float[] avg = new float[count * Emotion.COUNT];
    for (float[] o : outs) {
      for (int i = 0; i < avg.length; i++) {
        avg[i] += o[i];
      }
    }
    for (int i = 0; i < avg.length; i++) {
      avg[i] /= outs.size();
    }
    return avg;
  }

  private FloatBuffer[] allocateViews() {
    return allocateViews(batchSize);
  }

  private FloatBuffer[] allocateViews(int faces) {
    FloatBuffer[] b = new FloatBuffer[tta.views().size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = ByteBuffer.allocateDirect(faces * FaceDataset.PIXELS * Float.BYTES).order(ByteOrder.nativeOrder())
          .asFloatBuffer();
    }
    return b;
  }

  /** Fills views[0] with the faces as they are, then every other view from it. */
  private int fill(FaceDataset data, int start, FloatBuffer[] views) {
    int count = Math.min(batchSize, data.size() - start);
    FloatBuffer plain = views[0];
    plain.clear();
    for (int k = 0; k < count; k++) {
      data.toUnitFloats(start + k, plain);
    }
    List<TestTimeAugmentation.View> v = tta.views();
    for (int i = 1; i < views.length; i++) {
      TestTimeAugmentation.render(v.get(i), plain, count, views[i]);
    }
    return count;
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
