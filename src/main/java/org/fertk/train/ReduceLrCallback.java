package org.fertk.train;

import java.util.Map;
import org.fertk.Callback;

/** {@link ReduceLROnPlateau} on the callback contract: lowers the run's base learning rate. */
final class ReduceLrCallback implements Callback {
  static final String NAME = "reduce_lr_on_plateau";

  private final ReduceLROnPlateau rule;
  private Context context;

  ReduceLrCallback(ReduceLROnPlateau.Config config) {
    this.rule = new ReduceLROnPlateau(config);
  }

  @Override
  public void onTrainBegin(Context c) {
    this.context = c;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    double lr = rule.onEpochEnd(epoch, logs, context.learningRate());
    if (lr != context.learningRate()) {
      context.setLearningRate(lr);
    }
  }

  @Override
  public Map<String, Object> state() {
    return StateMaps.toMap(rule.state());
  }

  @Override
  public void restoreState(Map<String, Object> state) {
    rule.restore(StateMaps.fromMap(state, ReduceLROnPlateau.State.class));
  }

  @Override
  public String name() {
    return NAME;
  }
}
