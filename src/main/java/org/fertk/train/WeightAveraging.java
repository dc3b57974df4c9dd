package org.fertk.train;

import java.util.Map;
import org.fertk.Callback;
import org.fertk.data.FaceDataset;
import org.fertk.util.Progress;

/**
 * Stochastic weight averaging as a callback: adds each epoch's weights from the start epoch on,
 * and at the end loads the average and re-estimates batch norm for it. The average itself is
 * large, so it travels beside the checkpoint in a file of its own (see {@link Checkpoints}).
 */
final class WeightAveraging implements Callback {
  private final TrainingRun run;
  private final int startEpoch;
  final WeightAverage average;

  WeightAveraging(TrainingRun run, WeightAverage average) {
    this.run = run;
    this.startEpoch = run.config.swaStart();
    this.average = average;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    if (epoch >= startEpoch) {
      average.add(run.graph.context().read(run.graph.session(), run.graph.trainableNames()));
    }
  }

  /**
   * Loads the averaged weights, then re-estimates the batch-norm moving statistics for them with
   * training-mode forward passes over the (unaugmented) training faces. The moving averages keep
   * their momentum, so one pass leaves the old statistics a weight of momentum^batches.
   */
  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    if (average.count() == 0) {
      return;
    }
    long t0 = System.nanoTime();
    TrainingGraph g = run.graph;
    g.context().assign(g.session(), average.mean());
    FaceDataset train = run.train;
    int bs = run.config.batchSize();
    float[] x = new float[bs * FaceDataset.PIXELS];
    try (Progress bar = Progress.create(run.quiet, "SWA: batch-norm statistics", train.size(), "img")) {
      for (int start = 0; start < train.size(); start += bs) {
        int n = Math.min(bs, train.size() - start);
        for (int k = 0; k < n; k++) {
          train.toUnitFloats(start + k, x, k * FaceDataset.PIXELS);
        }
        g.updateStatistics(x, n, new long[] {run.config.seed(), -1 - start});
        bar.step(n, "");
      }
    }
    run.state.trainSeconds += (System.nanoTime() - t0) / 1e9;
    run.state.swaSnapshots = average.count();
    if (!run.quiet) {
      run.out.printf("Finished with the average of the weights of %d epochs (SWA) and re-estimated batch norm.%n",
          average.count());
      run.out.flush();
    }
  }

  @Override
  public String name() {
    return "swa";
  }
}
