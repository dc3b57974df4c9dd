package org.fertk.train;

import java.util.Map;
import java.util.Set;
import org.fertk.util.SettingException;

/** Which logged metric a callback watches and in which direction it improves (Keras "auto"). */
record Monitor(String metric, boolean higherIsBetter) {
  public static final Set<String> METRICS = Set.of("loss", "accuracy",
      "val_loss", "val_accuracy");

  /** mode: auto (accuracy up, loss down), min or max. */
  public static Monitor of(String metric, String mode) {
    if (!METRICS.contains(metric)) {
      throw new SettingException("cannot monitor '" + metric + "' (expected one of loss, accuracy, val_loss, val_accuracy)");
    }
    switch (mode) {
      case "min":
        return new Monitor(metric, false);
      case "max":
        return new Monitor(metric, true);
      case "auto":
        return new Monitor(metric, metric.endsWith("accuracy"));
      default:
        throw new SettingException("mode must be auto, min or max, got '" + mode + "'");
    }
  }

  public Double value(Map<String, Double> logs) {
    return logs.get(metric);
  }
}
