package org.fertk.train;

import java.util.Map;
import org.fertk.Callback;

/**
 * {@link EarlyStopping} on the callback contract: stops the run, tells the checkpoint when the
 * epoch's weights are the best so far, and puts the best weights back at the end.
 */
final class EarlyStoppingCallback implements Callback {
  static final String NAME = "early_stopping";

  final EarlyStopping rule;
  private final TrainingRun run;
  /** The last epoch's decision: whether its weights are the best to keep. */
  boolean saveBest;

  EarlyStoppingCallback(EarlyStopping.Config config, TrainingRun run) {
    this.rule = new EarlyStopping(config);
    this.run = run;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    EarlyStopping.Decision d = rule.onEpochEnd(epoch, logs);
    saveBest = d.saveBestWeights();
    if (d.stop()) {
      run.stopTraining();
    }
  }

  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    if (rule.restoreAtEnd() && run.state.bestCheckpointEpoch >= 0) {
      Checkpoints.restoreWeights(run.graph, run.folder.bestCheckpoint());
      if (!run.quiet) {
        run.out.printf("Restoring model weights from the end of the best epoch: %d.%n", run.state.bestCheckpointEpoch + 1);
      }
    }
  }

  @Override
  public Map<String, Object> state() {
    return StateMaps.toMap(rule.state());
  }

  @Override
  public void restoreState(Map<String, Object> state) {
    rule.restore(StateMaps.fromMap(state, EarlyStopping.State.class));
  }

  @Override
  public String name() {
    return NAME;
  }
}
