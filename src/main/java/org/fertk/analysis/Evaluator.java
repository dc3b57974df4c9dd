package org.fertk.analysis;

import org.fertk.Emotion;
import tech.tablesaw.api.Table;

/** Computes an {@link Evaluation} from predictions (Tablesaw for the counting, arrays for ROC). */
public final class Evaluator {
  private Evaluator() {}

  public static Evaluation evaluate(PredictionSet p) {
    Table t = p.table();
    int n = p.size();
    int[][] confusion = confusion(t, p);
    ClassificationReport r = ClassificationReport.of(confusion);
    int[] support = r.support();
    double[][] proba = p.proba();
    int top2 = 0;
    for (int i = 0; i < n; i++) {
      int y = p.truth()[i];
      int higher = 0;
      for (int c = 0; c < Emotion.COUNT; c++) {
        if (proba[i][c] > proba[i][y]) {
          higher++;
        }
      }
      top2 += higher < 2 ? 1 : 0;
    }

    RocCurve[] curves = new RocCurve[Emotion.COUNT];
    double[] auc = new double[Emotion.COUNT];
    double macroAuc = 0;
    double weightedAuc = 0;
    int defined = 0;
    long weight = 0;
    for (int c = 0; c < Emotion.COUNT; c++) {
      boolean[] pos = new boolean[n];
      double[] score = new double[n];
      for (int i = 0; i < n; i++) {
        pos[i] = p.truth()[i] == c;
        score[i] = proba[i][c];
      }
      curves[c] = RocCurve.of(pos, score);
      auc[c] = curves[c].auc();
      if (curves[c].defined()) {
        macroAuc += auc[c];
        weightedAuc += auc[c] * support[c];
        weight += support[c];
        defined++;
      }
    }
    return new Evaluation(n, r.accuracy(), r.balancedAccuracy(), top2 / (double) n, r.precision(), r.recall(), r.f1(),
        support, r.macroPrecision(), r.macroRecall(), r.macroF1(), r.weightedPrecision(), r.weightedRecall(),
        r.weightedF1(), confusion, auc, defined == 0 ? Double.NaN : macroAuc / defined,
        weight == 0 ? Double.NaN : weightedAuc / weight, curves);
  }

  /** The confusion matrix as a Tablesaw cross tab of true_label x pred_label, as ints. */
  static int[][] confusion(Table t, PredictionSet p) {
    int[][] m = new int[Emotion.COUNT][Emotion.COUNT];
    if (!t.intColumn("pred_label").isMissing().isEmpty()) {
      for (int i = 0; i < p.size(); i++) {
        m[p.truth()[i]][p.predicted()[i]]++;
      }
      return m;
    }
    Table x = t.xTabCounts("true_label", "pred_label");
    // first column: the true label (the totals row has none); other columns: predicted labels
    for (int r = 0; r < x.rowCount(); r++) {
      if (x.column(0).isMissing(r)) {
        continue; // the totals row
      }
      int a = Integer.parseInt(x.column(0).getString(r));
      for (int c = 1; c < x.columnCount(); c++) {
        String colLabel = x.column(c).name();
        if (colLabel.equals("total")) {
          continue;
        }
        m[a][Integer.parseInt(colLabel)] = ((Number) x.column(c).get(r)).intValue();
      }
    }
    return m;
  }
}
