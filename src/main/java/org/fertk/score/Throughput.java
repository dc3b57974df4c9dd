package org.fertk.score;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.fertk.data.FaceDataset;

/** Bare inference speed of an engine on faces prepared once as direct batches (no reading, no writing). */
public final class Throughput {
  /** Faces as direct FloatBuffers of at most one batch each, with the count in each. */
  public record Batches(List<FloatBuffer> buffers, List<Integer> counts) {
    public static Batches of(FaceDataset faces, int batchSize) {
      List<FloatBuffer> buffers = new ArrayList<>();
      List<Integer> counts = new ArrayList<>();
      for (int start = 0; start < faces.size(); start += batchSize) {
        int n = Math.min(batchSize, faces.size() - start);
        FloatBuffer b = ByteBuffer.allocateDirect(n * FaceDataset.PIXELS * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int k = 0; k < n; k++) {
          faces.toUnitFloats(start + k, b);
        }
        buffers.add(b);
        counts.add(n);
      }
      return new Batches(buffers, counts);
    }

    public int images() {
      return counts.stream().mapToInt(Integer::intValue).sum();
    }
  }

  private Throughput() {}

  /** img/s of the best of `passes` timed passes over the batches, after one untimed warm-up pass. */
  public static double bestImagesPerSecond(Engine e, Batches batches, int passes) {
    double best = 0;
    for (int pass = -1; pass < passes; pass++) {
      long t0 = System.nanoTime();
      for (int b = 0; b < batches.buffers().size(); b++) {
        e.predict(batches.buffers().get(b), batches.counts().get(b));
      }
      if (pass >= 0) {
        best = Math.max(best, batches.images() / ((System.nanoTime() - t0) / 1e9));
      }
    }
    return best;
  }
}
