package org.fertk.run;

import java.util.LinkedHashMap;
import java.util.Map;

/** One row of the history: Keras CSVLogger values of an epoch (epoch is 0-based, as Keras writes it). */
public record EpochLog(int epoch, double accuracy, double loss, double valAccuracy, double valLoss,
    double learningRate, double seconds, double imagesPerSecond) {
  public static final String CSV_HEADER = "epoch,accuracy,loss,val_accuracy,val_loss,learning_rate";

  public Map<String, Double> asLogs() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("accuracy", accuracy);
    m.put("loss", loss);
    m.put("val_accuracy", valAccuracy);
    m.put("val_loss", valLoss);
    m.put("learning_rate", learningRate);
    return m;
  }

  /**
   * The logs callbacks receive: {@link #asLogs()} plus the rate under "lr", the name Keras 2 and
   * most users' code read.
   */
  public Map<String, Double> callbackLogs() {
    Map<String, Double> m = asLogs();
    m.put("lr", learningRate);
    return m;
  }

  public String csvRow() {
    return epoch + "," + accuracy + "," + loss + "," + valAccuracy + "," + valLoss + "," + learningRate;
  }
}
