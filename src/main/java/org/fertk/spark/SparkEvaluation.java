package org.fertk.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.fertk.Emotion;
import org.fertk.analysis.ClassificationReport;

/**
 * Accuracy, per-class precision, recall and F1 and the confusion matrix of predictions that stay
 * distributed: Spark counts the (true, predicted) pairs and only those 49 counts reach the driver,
 * where the same {@link ClassificationReport} as `fer analyze`'s turns them into metrics.
 */
public final class SparkEvaluation {
  private SparkEvaluation() {}

  /** Over the rows with a true label; null when there are none. */
  public static ClassificationReport of(Dataset<Row> predictions) {
    int[][] confusion = new int[Emotion.COUNT][Emotion.COUNT];
    long n = 0;
    for (Row r : predictions.filter(predictions.col("true_label").isNotNull())
        .groupBy("true_label", "pred_label").count().collectAsList()) {
      int t = ((Number) r.get(0)).intValue();
      int p = ((Number) r.get(1)).intValue();
      long c = r.getLong(2);
      confusion[t][p] = Math.toIntExact(c);
      n += c;
    }
    return n == 0 ? null : ClassificationReport.of(confusion);
  }
}
