package org.fertk.train;

import java.util.Locale;
import java.util.Map;
import org.fertk.Callback;
import org.fertk.util.Progress;
import org.fertk.run.EpochLog;

/**
 * Keras' progress bar and epoch line: a bar with ETA and running metrics during each epoch (on a
 * terminal), then one line per epoch, after the checkpoint is written.
 */
final class ProgressDisplay implements Callback, AutoCloseable {
  private final TrainingRun run;
  private final boolean bars;
  private Progress bar;

  ProgressDisplay(TrainingRun run, boolean bars) {
    this.run = run;
    this.bars = bars;
  }

  @Override
  public void onEpochBegin(int epoch) {
    String task = String.format(Locale.ROOT, "Epoch %d/%d", epoch + 1, run.config.epochs());
    bar = Progress.create(run.quiet || !bars, task, run.train.size(), "img");
  }

  @Override
  public void onBatchEnd(int batch, Map<String, Double> logs) {
    bar.step(logs.get("size").intValue(),
        String.format(Locale.ROOT, " loss %.4f acc %.4f", logs.get("loss"), logs.get("accuracy")));
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    close();
    if (run.quiet) {
      return;
    }
    EpochLog log = run.state.history.get(run.state.history.size() - 1);
    run.out.printf(Locale.ROOT, "Epoch %d/%d - loss %.4f - accuracy %.4f - val_loss %.4f - val_accuracy %.4f"
            + " - lr %.3g - %.0fs - %,.0f img/s%n",
        log.epoch() + 1, run.config.epochs(), log.loss(), log.accuracy(), log.valLoss(), log.valAccuracy(),
        log.learningRate(), log.seconds(), log.imagesPerSecond());
    if (run.state.stopped) {
      run.out.printf("Epoch %d: early stopping%n", epoch + 1);
    }
    run.out.flush();
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
