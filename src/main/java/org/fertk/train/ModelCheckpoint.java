package org.fertk.train;

import java.util.Map;
import org.fertk.Callback;

/**
 * Writes "last" after every epoch and "best" when the epoch's weights are the best so far: by
 * early stopping's rule when it runs (Keras' restore_best_weights), else by the lowest val_loss.
 * Runs after every other state-changing callback, so the checkpoint holds all their states.
 */
final class ModelCheckpoint implements Callback {
  private final TrainingRun run;
  private final CallbackList all;
  private final EarlyStoppingCallback earlyStopping;
  private final WeightAveraging swa;

  ModelCheckpoint(TrainingRun run, CallbackList all, EarlyStoppingCallback earlyStopping, WeightAveraging swa) {
    this.run = run;
    this.all = all;
    this.earlyStopping = earlyStopping;
    this.swa = swa;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    TrainState state = run.state;
    double valLoss = logs.get("val_loss");
    boolean improved = state.bestValLoss == null || valLoss < state.bestValLoss;
    boolean best = earlyStopping != null ? earlyStopping.saveBest : improved;
    if (improved) {
      state.bestValLoss = valLoss;
    }
    if (best) {
      state.bestCheckpointEpoch = epoch;
    }
    state.callbacks = all.states();
    Checkpoints.write(run.folder, run.graph, state, best, swa == null ? null : swa.average);
  }
}
