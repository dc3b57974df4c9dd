package org.fertk.train;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fertk.Callback;
import org.fertk.FerException;

/** The callbacks of a run, called in order; collects their states for checkpoints. */
final class CallbackList implements AutoCloseable {
  private final List<Callback> callbacks = new ArrayList<>();

  CallbackList add(Callback c) {
    callbacks.add(c);
    return this;
  }

  /** Refuses two callbacks that would share one slot of the saved state. */
  void checkNames() {
    Set<String> seen = new HashSet<>();
    for (Callback c : callbacks) {
      if (!seen.add(c.name())) {
        throw new FerException("two callbacks are named '" + c.name() + "': override name() so that each "
            + "callback's state is saved apart");
      }
    }
  }

  void onTrainBegin(Callback.Context context) {
    callbacks.forEach(c -> c.onTrainBegin(context));
  }

  void onEpochBegin(int epoch) {
    callbacks.forEach(c -> c.onEpochBegin(epoch));
  }

  void onBatchEnd(int batch, Map<String, Double> logs) {
    for (Callback c : callbacks) {
      c.onBatchEnd(batch, logs);
    }
  }

  void onEpochEnd(int epoch, Map<String, Double> logs) {
    callbacks.forEach(c -> c.onEpochEnd(epoch, logs));
  }

  void onTrainEnd(Map<String, Double> logs) {
    callbacks.forEach(c -> c.onTrainEnd(logs));
  }

  /** Every callback's state by name, for the checkpoint. */
  Map<String, Map<String, Object>> states() {
    Map<String, Map<String, Object>> all = new LinkedHashMap<>();
    for (Callback c : callbacks) {
      Map<String, Object> s = c.state();
      if (s != null && !s.isEmpty()) {
        all.put(c.name(), s);
      }
    }
    return all;
  }

  /** Hands each callback the state saved under its name, if any. */
  void restore(Map<String, Map<String, Object>> saved) {
    if (saved == null) {
      return;
    }
    for (Callback c : callbacks) {
      Map<String, Object> s = saved.get(c.name());
      if (s != null) {
        c.restoreState(s);
      }
    }
  }

  /** Ends what callbacks hold open (a progress bar) when training stops early or fails. */
  @Override
  public void close() {
    for (Callback c : callbacks) {
      if (c instanceof AutoCloseable a) {
        try {
          a.close();
        } catch (Exception e) {
          // closing a progress display cannot fail in a way worth reporting over the real error
        }
      }
    }
  }
}
