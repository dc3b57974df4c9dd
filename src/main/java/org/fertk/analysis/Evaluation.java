package org.fertk.analysis;

import org.fertk.Emotion;

/**
 * Everything computed once from a prediction set, immutable; tables, Markdown, HTML and plots
 * are renderers of it. Definitions follow scikit-learn (classification_report and
 * confusion_matrix with labels 0..6 and zero_division=0, roc_auc_score with multi_class="ovr").
 *
 * @param rocAuc one-vs-rest AUC per class, NaN where undefined (class absent from the truth)
 * @param macroAuc mean over the classes whose AUC is defined
 * @param weightedAuc support-weighted mean over those classes
 */
public record Evaluation(int n, double accuracy, double balancedAccuracy, double top2Accuracy,
    double[] precision, double[] recall, double[] f1, int[] support, double macroPrecision,
    double macroRecall, double macroF1, double weightedPrecision, double weightedRecall,
    double weightedF1, int[][] confusion, double[] rocAuc, double macroAuc, double weightedAuc,
    RocCurve[] curves) {

  /** @return the rows of the confusion matrix divided by their totals (0 for an empty row) */
  public double[][] confusionRowNormalised() {
    double[][] out = new double[Emotion.COUNT][Emotion.COUNT];
    for (int t = 0; t < Emotion.COUNT; t++) {
      int total = support[t];
      for (int p = 0; p < Emotion.COUNT; p++) {
        out[t][p] = total == 0 ? 0 : confusion[t][p] / (double) total;
      }
    }
    return out;
  }

  /** @return true when every class has a defined ROC-AUC (scikit-learn's own precondition) */
  public boolean aucComplete() {
    for (double a : rocAuc) {
      if (Double.isNaN(a)) {
        return false;
      }
    }
    return true;
  }
}
