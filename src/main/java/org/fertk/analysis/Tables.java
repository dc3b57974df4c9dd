package org.fertk.analysis;

import java.util.List;
import java.util.Locale;
import org.fertk.Emotion;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** Tablesaw tables built from evaluations, and their Markdown / CSV / HTML renderings. */
public final class Tables {
  private Tables() {}

  /** scikit-learn's classification_report layout. */
  public static Table perClass(Evaluation e) {
    StringColumn name = StringColumn.create("class");
    DoubleColumn p = DoubleColumn.create("precision");
    DoubleColumn r = DoubleColumn.create("recall");
    DoubleColumn f = DoubleColumn.create("f1-score");
    DoubleColumn auc = DoubleColumn.create("roc-auc");
    IntColumn s = IntColumn.create("support");
    for (int c = 0; c < Emotion.COUNT; c++) {
      name.append(c + " " + Emotion.of(c).title());
      p.append(e.precision()[c]);
      r.append(e.recall()[c]);
      f.append(e.f1()[c]);
      if (Double.isNaN(e.rocAuc()[c])) {
        auc.appendMissing();
      } else {
        auc.append(e.rocAuc()[c]);
      }
      s.append(e.support()[c]);
    }
    name.append("macro avg");
    p.append(e.macroPrecision());
    r.append(e.macroRecall());
    f.append(e.macroF1());
    auc.append(e.macroAuc());
    s.append(e.n());
    name.append("weighted avg");
    p.append(e.weightedPrecision());
    r.append(e.weightedRecall());
    f.append(e.weightedF1());
    auc.append(e.weightedAuc());
    s.append(e.n());
    return Table.create("per-class metrics", name, p, r, f, auc, s);
  }

  /** Counts, or rows normalised to 1: rows are the true class, columns the prediction. */
  public static Table confusion(Evaluation e, boolean normalised) {
    Table t = Table.create(normalised ? "confusion matrix (row-normalised)" : "confusion matrix (counts)");
    StringColumn rows = StringColumn.create("true \\ predicted");
    for (int c = 0; c < Emotion.COUNT; c++) {
      rows.append(Emotion.of(c).title());
    }
    t.addColumns(rows);
    double[][] norm = e.confusionRowNormalised();
    for (int p = 0; p < Emotion.COUNT; p++) {
      if (normalised) {
        DoubleColumn col = DoubleColumn.create(Emotion.of(p).title());
        for (int c = 0; c < Emotion.COUNT; c++) {
          col.append(norm[c][p]);
        }
        t.addColumns(col);
      } else {
        IntColumn col = IntColumn.create(Emotion.of(p).title());
        for (int c = 0; c < Emotion.COUNT; c++) {
          col.append(e.confusion()[c][p]);
        }
        t.addColumns(col);
      }
    }
    return t;
  }

  /** Headline numbers with their bootstrap intervals. */
  public static Table summary(Evaluation e, Bootstrap.Result b) {
    StringColumn m = StringColumn.create("metric");
    StringColumn v = StringColumn.create("value");
    m.append("faces");
    v.append(String.format(Locale.ROOT, "%,d", e.n()));
    m.append("accuracy (95% CI)");
    v.append(b == null ? pct(e.accuracy()) : b.accuracy().formatPercent(2));
    m.append("macro-F1 (95% CI)");
    v.append(b == null ? num(e.macroF1()) : b.macroF1().format(4));
    m.append("balanced accuracy");
    v.append(pct(e.balancedAccuracy()));
    m.append("top-2 accuracy");
    v.append(pct(e.top2Accuracy()));
    m.append("weighted F1");
    v.append(num(e.weightedF1()));
    m.append("ROC-AUC one-vs-rest, macro");
    v.append(num(e.macroAuc()) + (e.aucComplete() ? "" : " (classes absent from the truth excluded)"));
    m.append("ROC-AUC one-vs-rest, weighted");
    v.append(num(e.weightedAuc()));
    return Table.create("summary", m, v);
  }

  /** Points of every ROC curve: class, fpr, tpr, threshold. */
  public static Table rocPoints(Evaluation e) {
    StringColumn cls = StringColumn.create("class");
    DoubleColumn fpr = DoubleColumn.create("fpr");
    DoubleColumn tpr = DoubleColumn.create("tpr");
    DoubleColumn thr = DoubleColumn.create("threshold");
    for (int c = 0; c < Emotion.COUNT; c++) {
      RocCurve r = e.curves()[c];
      for (int k = 0; k < r.fpr().length; k++) {
        cls.append(Emotion.of(c).key());
        fpr.append(r.fpr()[k]);
        tpr.append(r.tpr()[k]);
        thr.append(r.thresholds()[k]);
      }
    }
    return Table.create("roc curves", cls, fpr, tpr, thr);
  }

  static String pct(double v) {
    return Double.isNaN(v) ? "undefined" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
  }

  static String num(double v) {
    return Double.isNaN(v) ? "undefined" : String.format(Locale.ROOT, "%.4f", v);
  }

  /** A cell as text: 4 decimals for doubles, "undefined" for a missing number. */
  static String cell(Column<?> c, int r) {
    if (c.isMissing(r)) {
      return c instanceof DoubleColumn ? "undefined" : "";
    }
    if (c instanceof DoubleColumn d) {
      return String.format(Locale.ROOT, "%.4f", d.getDouble(r));
    }
    return c.getString(r);
  }

  public static String markdown(Table t) {
    StringBuilder sb = new StringBuilder("|");
    List<Column<?>> cols = t.columns();
    for (Column<?> c : cols) {
      sb.append(' ').append(c.name().replace("|", "\\|")).append(" |");
    }
    sb.append("\n|");
    for (Column<?> c : cols) {
      sb.append(c instanceof StringColumn ? " --- |" : " ---: |");
    }
    sb.append('\n');
    for (int r = 0; r < t.rowCount(); r++) {
      sb.append('|');
      for (Column<?> c : cols) {
        sb.append(' ').append(cell(c, r).replace("|", "\\|")).append(" |");
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  public static String html(Table t) {
    StringBuilder sb = new StringBuilder("<table>\n<thead><tr>");
    for (Column<?> c : t.columns()) {
      sb.append("<th>").append(escape(c.name())).append("</th>");
    }
    sb.append("</tr></thead>\n<tbody>\n");
    for (int r = 0; r < t.rowCount(); r++) {
      sb.append("<tr>");
      for (Column<?> c : t.columns()) {
        sb.append(c instanceof StringColumn ? "<td>" : "<td class=\"num\">").append(escape(cell(c, r))).append("</td>");
      }
      sb.append("</tr>\n");
    }
    return sb.append("</tbody></table>\n").toString();
  }

  public static String csv(Table t) {
    StringBuilder sb = new StringBuilder();
    List<Column<?>> cols = t.columns();
    for (int i = 0; i < cols.size(); i++) {
      sb.append(i > 0 ? "," : "").append(quote(cols.get(i).name()));
    }
    sb.append('\n');
    for (int r = 0; r < t.rowCount(); r++) {
      for (int i = 0; i < cols.size(); i++) {
        Column<?> c = cols.get(i);
        String v = c.isMissing(r) ? "" : c instanceof DoubleColumn d ? String.valueOf(d.getDouble(r)) : c.getString(r);
        sb.append(i > 0 ? "," : "").append(quote(v));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String quote(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
