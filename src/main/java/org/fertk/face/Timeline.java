package org.fertk.face;

import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.fertk.Emotion;
import org.fertk.TrackedFace;
import org.fertk.util.AtomicOutput;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Each face's (smoothed) emotion probabilities over the video, one panel per face, shared time axis. */
public final class Timeline {
  private static final Color[] COLOURS = {new Color(0xd62728), new Color(0x8c564b), new Color(0x9467bd),
      new Color(0x2ca02c), new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x7f7f7f)};

  private final Map<Integer, XYSeries[]> faces = new TreeMap<>();

  /** Adds one frame's faces. */
  public void add(double time, List<TrackedFace> frame) {
    for (TrackedFace f : frame) {
      XYSeries[] s = faces.computeIfAbsent(f.id(), id -> {
        XYSeries[] series = new XYSeries[Emotion.COUNT];
        for (Emotion e : Emotion.values()) {
          series[e.ordinal()] = new XYSeries(e.key());
        }
        return series;
      });
      for (Emotion e : Emotion.values()) {
        s[e.ordinal()].add(time, f.smoothed().probability(e));
      }
    }
  }

  /** How many faces were followed. */
  public int faces() {
    return faces.size();
  }

  /** Writes the figure (a note panel when no face was found). */
  public void write(Path png, String title) {
    NumberAxis time = new NumberAxis("time (s)");
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
    plot.setGap(12);
    for (Map.Entry<Integer, XYSeries[]> e : faces.entrySet()) {
      XYSeriesCollection ds = new XYSeriesCollection();
      for (XYSeries s : e.getValue()) {
        ds.addSeries(s);
      }
      NumberAxis p = new NumberAxis("face " + e.getKey());
      p.setRange(0, 1);
      XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
      for (int c = 0; c < Emotion.COUNT; c++) {
        r.setSeriesPaint(c, COLOURS[c]);
        r.setSeriesStroke(c, new BasicStroke(2f));
        r.setSeriesVisibleInLegend(c, e.getKey().equals(faces.keySet().iterator().next()));
      }
      plot.add(new XYPlot(ds, null, p, r));
    }
    if (faces.isEmpty()) {
      plot.add(new XYPlot(new XYSeriesCollection(), null, new NumberAxis("no face found"), new XYLineAndShapeRenderer()));
    }
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    int height = 160 + 220 * Math.max(1, faces.size());
    AtomicOutput.write(png, out -> ChartUtils.writeChartAsPNG(out, chart, 900, height));
  }
}
