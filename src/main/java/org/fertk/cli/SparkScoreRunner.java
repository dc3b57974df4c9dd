package org.fertk.cli;

import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.fertk.Emotion;
import org.fertk.analysis.ClassificationReport;
import org.fertk.spark.SparkEvaluation;
import org.fertk.spark.SparkScoring;
import org.fertk.util.TextTable;

/**
 * Runs `fer spark score` in a Spark session and prints what it did and the distributed metrics.
 * Kept apart from {@link SparkCommand} so that the CLI loads Spark's classes only when this runs.
 */
final class SparkScoreRunner {
  private SparkScoreRunner() {}

  static int run(BaseCommand cmd, String master, SparkScoring.Options options) {
    SparkSession.Builder b = SparkSession.builder().appName("fer spark score").config("spark.ui.enabled", "false");
    if (!SparkSession.getActiveSession().isDefined() && System.getProperty("spark.master") == null) {
      b.master(master);
    }
    SparkSession spark = b.getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      long t0 = System.nanoTime();
      SparkScoring.Result r = SparkScoring.run(spark, options);
      double s = (System.nanoTime() - t0) / 1e9;
      cmd.out().printf(Locale.ROOT, "scored %,d faces on Spark %s (%d cores) in %.2f s: %,.0f img/s%n", r.faces(),
          spark.sparkContext().master(), spark.sparkContext().defaultParallelism(), s, r.faces() / s);
      if (r.skipped() > 0) {
        cmd.out().printf(Locale.ROOT, "skipped %,d bad rows, e.g.:%n", r.skipped());
        r.firstSkipped().forEach(l -> cmd.out().println("  " + l));
      }
      if (r.withoutFace() > 0) {
        cmd.out().printf(Locale.ROOT, "no face found in %,d pictures, e.g.:%n", r.withoutFace());
        r.firstWithoutFace().forEach(l -> cmd.out().println("  " + l));
      }
      ClassificationReport m = SparkEvaluation.of(r.predictions());
      if (m != null) {
        print(cmd, m);
      }
      cmd.out().println("wrote " + r.output());
      return 0;
    } finally {
      spark.stop();
    }
  }

  static void print(BaseCommand cmd, ClassificationReport m) {
    cmd.out().printf(Locale.ROOT, "accuracy %.4f (%,d / %,d), macro F1 %.4f (Spark aggregation)%n", m.accuracy(),
        Math.round(m.accuracy() * m.n()), m.n(), m.macroF1());
    TextTable t = new TextTable("class", "precision", "recall", "f1", "support");
    for (int c = 0; c < Emotion.COUNT; c++) {
      t.row(Emotion.keys()[c], String.format(Locale.ROOT, "%.4f", m.precision()[c]),
          String.format(Locale.ROOT, "%.4f", m.recall()[c]), String.format(Locale.ROOT, "%.4f", m.f1()[c]), m.support()[c]);
    }
    cmd.out().print(t.toMarkdown());
    String[] head = new String[Emotion.COUNT + 1];
    head[0] = "true \\ predicted";
    for (int c = 0; c < Emotion.COUNT; c++) {
      head[c + 1] = Emotion.keys()[c];
    }
    TextTable cm = new TextTable(head);
    for (int a = 0; a < Emotion.COUNT; a++) {
      Object[] row = new Object[Emotion.COUNT + 1];
      row[0] = Emotion.keys()[a];
      for (int p = 0; p < Emotion.COUNT; p++) {
        row[p + 1] = m.confusion()[a][p];
      }
      cm.row(row);
    }
    cmd.out().print(cm.toMarkdown());
  }
}
