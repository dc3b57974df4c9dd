package org.fertk.train;

import java.util.Locale;
import java.util.Map;
import org.fertk.Callback;
import org.fertk.FerException;

/**
 * Keras' TerminateOnNaN, with a message that says what to do: stops the run at the first batch
 * whose loss is not finite, naming the epoch and the last good checkpoint.
 */
final class NanGuard implements Callback {
  private final TrainingRun run;
  private final int steps;
  private int epoch;

  NanGuard(TrainingRun run, int stepsPerEpoch) {
    this.run = run;
    this.steps = stepsPerEpoch;
  }

  @Override
  public void onEpochBegin(int e) {
    this.epoch = e;
  }

  @Override
  public void onBatchEnd(int batch, Map<String, Double> logs) {
    double loss = logs.get("loss");
    if (Double.isFinite(loss)) {
      return;
    }
    String where = String.format(Locale.ROOT, "training diverged: the loss became %s at epoch %d, batch %d/%d",
        (float) loss, epoch + 1, batch + 1, steps);
    throw new FerException(epoch == 0 ? where + "; no epoch finished, so there is no checkpoint. Lower " + FerException.setting("lr") + "."
        : where + String.format(Locale.ROOT, "; the last good checkpoint (end of epoch %d) is in %s. "
            + "Lower " + FerException.setting("lr") + " and " + FerException.setting("resume") + " from it.", epoch, run.folder.lastCheckpoint()));
  }
}
