package org.fertk.analysis;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.data.FaceImages;
import org.fertk.run.EpochLog;
import org.fertk.util.AtomicOutput;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** PNG figures, rendered headless: JFreeChart for curves and bars, Java2D for heatmaps and faces. */
final class Plots {
  public static final int WIDTH = 800;
  public static final int HEIGHT = 560;
  private static final Color[] CLASS_COLORS = {new Color(0xd62728), new Color(0x8c564b), new Color(0x9467bd),
    new Color(0x2ca02c), new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x7f7f7f)};

  private static final Color[] MODEL_COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
    new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

  private Plots() {}

  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** Training and validation accuracy or loss per epoch (the study's Figures 2 and 5). */
  public static void trainingCurve(List<EpochLog> history, boolean accuracy, String title, Path png) {
    trainingCurve(history, accuracy, title, "training (running mean over the epoch)", "validation", png);
  }

  /**
   * @param trainLabel what the training series is (augmented faces or not; see Analysis.trainingLabel)
   * @param valLabel what the validation series is: "validation" for faces held out of training,
   *     or the name of the test split when that split was used for model selection
   */
  public static void trainingCurve(List<EpochLog> history, boolean accuracy, String title, String trainLabel,
      String valLabel, Path png) {
    XYSeries train = new XYSeries(trainLabel);
    XYSeries val = new XYSeries(valLabel);
    for (EpochLog l : history) {
      train.add(l.epoch() + 1, accuracy ? l.accuracy() : l.loss());
      val.add(l.epoch() + 1, accuracy ? l.valAccuracy() : l.valLoss());
    }
    XYSeriesCollection ds = new XYSeriesCollection();
    ds.addSeries(train);
    ds.addSeries(val);
    JFreeChart chart = ChartFactory.createXYLineChart(title, "epoch", accuracy ? "accuracy" : "loss", ds,
        PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    // whole epochs only: a one-epoch run must not read "1E0" on every tick
    ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ROOT));
    ((NumberAxis) plot.getDomainAxis()).setNumberFormatOverride(new java.text.DecimalFormat("0"));
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, history.size() <= 30);
    r.setSeriesPaint(0, new Color(0x1f77b4));
    r.setSeriesPaint(1, new Color(0xff7f0e));
    r.setSeriesStroke(0, new BasicStroke(2f));
    r.setSeriesStroke(1, new BasicStroke(2f));
    plot.setRenderer(r);
    style(chart);
    write(chart, png);
  }

  /** One-vs-rest ROC curve per class, AUC in the legend (the study's Figures 3 and 6). */
  public static void roc(Evaluation e, String title, Path png) {
    XYSeriesCollection ds = new XYSeriesCollection();
    List<Integer> drawn = new ArrayList<>();
    for (int c = 0; c < Emotion.COUNT; c++) {
      RocCurve r = e.curves()[c];
      String label = Emotion.of(c).title() + (r.defined() ? String.format(Locale.ROOT, " (AUC %.3f)", r.auc()) : " (AUC undefined)");
      XYSeries s = new XYSeries(label, false, true);
      addCurve(s, r.fpr(), r.tpr());
      ds.addSeries(s);
      drawn.add(c);
    }
    XYSeries chance = new XYSeries("chance", false, true);
    chance.add(0, 0);
    chance.add(1, 1);
    ds.addSeries(chance);
    JFreeChart chart = ChartFactory.createXYLineChart(title, "false positive rate", "true positive rate", ds,
        PlotOrientation.VERTICAL, true, false, false);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < drawn.size(); i++) {
      r.setSeriesPaint(i, CLASS_COLORS[drawn.get(i)]);
      r.setSeriesStroke(i, new BasicStroke(2f));
    }
    r.setSeriesPaint(drawn.size(), Color.GRAY);
    r.setSeriesStroke(drawn.size(), new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 6f}, 0f));
    chart.getXYPlot().setRenderer(r);
    style(chart);
    write(chart, png);
  }

  /** Bars of faces per class. */
  public static void classDistribution(int[] counts, String title, Path png) {
    DefaultCategoryDataset ds = new DefaultCategoryDataset();
    for (int c = 0; c < Emotion.COUNT; c++) {
      ds.addValue(counts[c], "faces", Emotion.of(c).title());
    }
    JFreeChart chart = ChartFactory.createBarChart(title, "emotion", "faces", ds, PlotOrientation.VERTICAL, false, false, false);
    style(chart);
    write(chart, png);
  }

  /** Confusion matrix heatmap: colour by row share, the count written in each cell (Figures 4 and 7). */
  public static void confusion(Evaluation e, String title, Path png) {
    int cell = 70;
    int left = 110;
    int top = 70;
    int scaleX = left + 7 * cell + 30;
    BufferedImage img = new BufferedImage(scaleX + 90, top + 7 * cell + 60, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, 10, 24);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.drawString("predicted", left + 7 * cell / 2 - 30, top - 30);
    double[][] norm = e.confusionRowNormalised();
    for (int t = 0; t < Emotion.COUNT; t++) {
      g.setColor(Color.BLACK);
      g.drawString(Emotion.of(t).title(), 10, top + t * cell + cell / 2 + 5);
      drawCentered(g, Emotion.of(t).title(), left + t * cell + cell / 2, top - 8);
      for (int p = 0; p < Emotion.COUNT; p++) {
        double v = norm[t][p];
        g.setColor(blend(v));
        g.fillRect(left + p * cell, top + t * cell, cell, cell);
        g.setColor(v > 0.5 ? Color.WHITE : Color.BLACK);
        drawCentered(g, String.valueOf(e.confusion()[t][p]), left + p * cell + cell / 2, top + t * cell + cell / 2 + 5);
      }
    }
    g.setColor(Color.GRAY);
    g.drawRect(left, top, 7 * cell, 7 * cell);
    g.setColor(Color.BLACK);
    g.drawString("rows: true emotion; colour: share of the row", left, top + 7 * cell + 30);
    colourScale(g, scaleX, top, 7 * cell);
    g.dispose();
    writeImage(img, png);
  }

  /** The colour bar of the heatmap: share of the row from 0 (bottom) to 1 (top), ticks every 0.2. */
  private static void colourScale(Graphics2D g, int x, int y, int h) {
    int w = 18;
    for (int k = 0; k < h; k++) {
      g.setColor(blend(1 - k / (double) (h - 1)));
      g.drawLine(x, y + k, x + w, y + k);
    }
    g.setColor(Color.GRAY);
    g.drawRect(x, y, w, h);
    g.setColor(Color.BLACK);
    for (int t = 0; t <= 5; t++) {
      int ty = y + h - (int) Math.round(t / 5.0 * h);
      g.drawLine(x + w, ty, x + w + 4, ty);
      g.drawString(String.format(Locale.ROOT, "%.1f", t / 5.0), x + w + 7, ty + 5);
    }
  }

  /** One-vs-rest precision-recall curve per class, average precision in the legend. */
  public static void precisionRecall(PrCurve[] curves, String title, Path png) {
    XYSeriesCollection ds = new XYSeriesCollection();
    List<Integer> drawn = new ArrayList<>();
    for (int c = 0; c < curves.length; c++) {
      PrCurve pr = curves[c];
      String label = Emotion.of(c).title() + (pr.defined() ? String.format(Locale.ROOT, " (AP %.3f)",
          pr.averagePrecision()) : " (AP undefined)");
      XYSeries xs = new XYSeries(label, false, true);
      addCurve(xs, pr.recall(), pr.precision());
      ds.addSeries(xs);
      drawn.add(c);
    }
    unitSquareLines(title, "recall", "precision", ds, drawn.stream().map(c -> CLASS_COLORS[c]).toList(), png);
  }

  /**
   * Reliability diagram: accuracy against stated confidence per bin for each model (a line per
   * model, ECE in the legend), the diagonal being perfect calibration; with one model, the share
   * of faces in each bin is drawn as grey bars so sparse bins read as such.
   */
  public static void reliability(List<String> names, List<Calibration> cals, String title, Path png) {
    XYSeriesCollection ds = new XYSeriesCollection();
    for (int m = 0; m < cals.size(); m++) {
      Calibration cal = cals.get(m);
      XYSeries xs = new XYSeries(String.format(Locale.ROOT, "%s (ECE %.3f)", names.get(m), cal.ece()), false, true);
      for (int b = 0; b < cal.bins(); b++) {
        if (cal.count()[b] > 0) {
          xs.add(cal.meanConfidence()[b], cal.accuracy()[b]);
        }
      }
      ds.addSeries(xs);
    }
    XYSeries diag = new XYSeries("perfect calibration", false, true);
    diag.add(0, 0);
    diag.add(1, 1);
    ds.addSeries(diag);
    JFreeChart chart = ChartFactory.createXYLineChart(title, "confidence (top probability)", "accuracy", ds,
        PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
    for (int m = 0; m < cals.size(); m++) {
      r.setSeriesPaint(m, MODEL_COLORS[m % MODEL_COLORS.length]);
      r.setSeriesStroke(m, new BasicStroke(2f));
    }
    r.setSeriesPaint(cals.size(), Color.GRAY);
    r.setSeriesShapesVisible(cals.size(), false);
    r.setSeriesStroke(cals.size(), new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f,
        new float[] {6f, 6f}, 0f));
    plot.setRenderer(0, r);
    if (cals.size() == 1) {
      Calibration cal = cals.get(0);
      int total = Arrays.stream(cal.count()).sum();
      XYSeries share = new XYSeries("share of faces in the bin", false, true);
      for (int b = 0; b < cal.bins(); b++) {
        share.add((b + 0.5) / cal.bins(), cal.count()[b] / (double) Math.max(1, total));
      }
      XYSeriesCollection bars = new XYSeriesCollection(share);
      bars.setIntervalWidth(1.0 / cal.bins());
      XYBarRenderer br = new XYBarRenderer(0.1);
      br.setSeriesPaint(0, new Color(0, 0, 0, 40));
      br.setShadowVisible(false);
      br.setBarPainter(new StandardXYBarPainter());
      plot.setDataset(1, bars);
      plot.setRenderer(1, br);
    }
    unitAxes(plot);
    style(chart);
    write(chart, png);
  }

  /** Micro-averaged one-vs-rest ROC curve of each model (every face-class pair pooled), on one chart. */
  public static void rocOverlay(List<String> names, List<RocCurve> micro, String title, Path png) {
    XYSeriesCollection ds = new XYSeriesCollection();
    for (int m = 0; m < micro.size(); m++) {
      RocCurve rc = micro.get(m);
      XYSeries xs = new XYSeries(String.format(Locale.ROOT, "%s (micro AUC %.3f)", names.get(m), rc.auc()), false, true);
      addCurve(xs, rc.fpr(), rc.tpr());
      ds.addSeries(xs);
    }
    List<Color> paints = new ArrayList<>();
    for (int m = 0; m < micro.size(); m++) {
      paints.add(MODEL_COLORS[m % MODEL_COLORS.length]);
    }
    unitSquareLines(title, "false positive rate", "true positive rate", ds, paints, png);
  }

  /** Lines on the unit square, series k in paints[k], with a legend. */
  private static void unitSquareLines(String title, String x, String y, XYSeriesCollection ds, List<Color> paints,
      Path png) {
    JFreeChart chart = ChartFactory.createXYLineChart(title, x, y, ds, PlotOrientation.VERTICAL, true, false, false);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    for (int k = 0; k < paints.size(); k++) {
      r.setSeriesPaint(k, paints.get(k));
      r.setSeriesStroke(k, new BasicStroke(2f));
    }
    chart.getXYPlot().setRenderer(r);
    unitAxes(chart.getXYPlot());
    style(chart);
    write(chart, png);
  }

  /** F1 per class, one bar per model in each class group. */
  public static void perClassF1(List<String> names, List<Evaluation> evals, String title, Path png) {
    DefaultCategoryDataset ds = new DefaultCategoryDataset();
    for (int m = 0; m < evals.size(); m++) {
      for (int c = 0; c < Emotion.COUNT; c++) {
        ds.addValue(evals.get(m).f1()[c], names.get(m), Emotion.of(c).title());
      }
    }
    JFreeChart chart = ChartFactory.createBarChart(title, "emotion", "F1", ds, PlotOrientation.VERTICAL, true,
        false, false);
    BarRenderer br =
        (BarRenderer) chart.getCategoryPlot().getRenderer();
    br.setBarPainter(new StandardBarPainter());
    br.setShadowVisible(false);
    for (int m = 0; m < evals.size(); m++) {
      br.setSeriesPaint(m, MODEL_COLORS[m % MODEL_COLORS.length]);
    }
    chart.getCategoryPlot().getRangeAxis().setRange(0, 1);
    style(chart);
    write(chart, png);
  }

  /** Training (dashed) and validation (solid) curves of every model on one chart. */
  public static void curvesOverlay(List<String> names, List<List<EpochLog>> histories, boolean accuracy, String title,
      Path png) {
    XYSeriesCollection ds = new XYSeriesCollection();
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    int k = 0;
    for (int m = 0; m < names.size(); m++) {
      List<EpochLog> h = histories.get(m);
      if (h == null || h.isEmpty()) {
        continue;
      }
      XYSeries train = new XYSeries(names.get(m) + " training", false, true);
      XYSeries val = new XYSeries(names.get(m) + " validation", false, true);
      for (EpochLog l : h) {
        train.add(l.epoch() + 1, accuracy ? l.accuracy() : l.loss());
        val.add(l.epoch() + 1, accuracy ? l.valAccuracy() : l.valLoss());
      }
      ds.addSeries(train);
      ds.addSeries(val);
      Color c = MODEL_COLORS[m % MODEL_COLORS.length];
      r.setSeriesPaint(k, c);
      r.setSeriesStroke(k, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {5f, 4f}, 0f));
      r.setSeriesPaint(k + 1, c);
      r.setSeriesStroke(k + 1, new BasicStroke(2f));
      k += 2;
    }
    JFreeChart chart = ChartFactory.createXYLineChart(title, "epoch", accuracy ? "accuracy" : "loss", ds,
        PlotOrientation.VERTICAL, true, false, false);
    chart.getXYPlot().setRenderer(r);
    ((NumberAxis) chart.getXYPlot().getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ROOT));
    ((NumberAxis) chart.getXYPlot().getDomainAxis()).setNumberFormatOverride(new java.text.DecimalFormat("0"));
    style(chart);
    write(chart, png);
  }

  /** Points drawn per curve at most: an 800-pixel chart shows no more, and 100,000 points cost seconds. */
  static final int MAX_CURVE_POINTS = 2000;

  /** A curve's points, every k-th one when there are more than {@link #MAX_CURVE_POINTS}, ends kept. */
  private static void addCurve(XYSeries s, double[] x, double[] y) {
    int step = Math.max(1, (x.length + MAX_CURVE_POINTS - 1) / MAX_CURVE_POINTS);
    for (int k = 0; k < x.length; k += step) {
      s.add(x[k], y[k], false);
    }
    if (x.length > 0 && (x.length - 1) % step != 0) {
      s.add(x[x.length - 1], y[y.length - 1], false);
    }
    s.fireSeriesChanged();
  }

  private static void unitAxes(XYPlot plot) {
    plot.getDomainAxis().setRange(0, 1.0001);
    plot.getRangeAxis().setRange(0, 1.0001);
  }

  private static Color blend(double v) {
    Color lo = new Color(0xf7fbff);
    Color hi = new Color(0x08306b);
    return new Color((int) (lo.getRed() + (hi.getRed() - lo.getRed()) * v),
        (int) (lo.getGreen() + (hi.getGreen() - lo.getGreen()) * v), (int) (lo.getBlue() + (hi.getBlue() - lo.getBlue()) * v));
  }

  /**
   * Sample faces with true and predicted labels: per class, a few correct predictions, then a
   * row of the most confident mistakes.
   */
  public static void sampleGrid(FaceDataset faces, PredictionSet p, int perClass, String title, Path png) {
    int scale = 2;
    int face = 48 * scale;
    int cellW = face + 20;
    int cellH = face + 38;
    int cols = perClass;
    int rows = Emotion.COUNT + 1;
    BufferedImage img = new BufferedImage(120 + cols * cellW, 40 + rows * cellH, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(title, 10, 24);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (int c = 0; c < Emotion.COUNT; c++) {
      int y = 40 + c * cellH;
      g.setColor(Color.BLACK);
      g.drawString(Emotion.of(c).title(), 8, y + face / 2);
      int k = 0;
      for (int i = 0; i < p.size() && k < cols; i++) {
        if (p.truth()[i] == c && p.predicted()[i] == c) {
          drawFace(g, faces, p, i, 120 + k * cellW, y, scale, true);
          k++;
        }
      }
    }
    List<Integer> mistakes = new ArrayList<>();
    for (int i = 0; i < p.size(); i++) {
      if (p.truth()[i] != p.predicted()[i]) {
        mistakes.add(i);
      }
    }
    mistakes.sort(Comparator.comparingDouble((Integer i) -> -p.proba()[i][p.predicted()[i]]));
    int y = 40 + Emotion.COUNT * cellH;
    g.setColor(new Color(0xb22222));
    g.drawString("most confident", 8, y + face / 2 - 6);
    g.drawString("mistakes", 8, y + face / 2 + 8);
    for (int k = 0; k < Math.min(cols, mistakes.size()); k++) {
      drawFace(g, faces, p, mistakes.get(k), 120 + k * cellW, y, scale, false);
    }
    g.dispose();
    writeImage(img, png);
  }

  private static void drawFace(Graphics2D g, FaceDataset faces, PredictionSet p, int i, int x, int y, int scale, boolean ok) {
    int row = p.index()[i];
    if (row < 0 || row >= faces.size()) {
      return;
    }
    g.drawImage(FaceImages.toImage(faces, row), x, y, 48 * scale, 48 * scale, null);
    g.setColor(ok ? new Color(0x2e7d32) : new Color(0xb22222));
    g.drawRect(x - 1, y - 1, 48 * scale + 1, 48 * scale + 1);
    g.setColor(Color.BLACK);
    g.drawString("true " + Emotion.of(p.truth()[i]).key(), x, y + 48 * scale + 13);
    g.drawString(String.format(Locale.ROOT, "pred %s %.2f", Emotion.of(p.predicted()[i]).key(),
        p.proba()[i][p.predicted()[i]]), x, y + 48 * scale + 26);
  }

  private static Graphics2D canvas(BufferedImage img) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setColor(Color.BLACK);
    return g;
  }

  private static void drawCentered(Graphics2D g, String s, int cx, int cy) {
    FontMetrics fm = g.getFontMetrics();
    g.drawString(s, cx - fm.stringWidth(s) / 2, cy);
  }

  private static void style(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.getPlot().setBackgroundPaint(new Color(0xfafafa));
  }

  private static void write(JFreeChart chart, Path png) {
    AtomicOutput.write(png, out -> ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT));
  }

  private static void writeImage(BufferedImage img, Path png) {
    AtomicOutput.write(png, out -> {
      if (!ImageIO.write(img, "png", out)) {
        throw new IOException("no PNG writer");
      }
    });
  }
}
