package org.fertk.data;

import org.fertk.Emotion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.fertk.util.TextTable;

/** Class distribution per split, counts and percentages (the study's Table 1). */
public final class DatasetStats {
  private DatasetStats() {}

  /** counts[split][class]; splits in Usage order, then "(no split)" when some rows lack one. */
  public record Distribution(List<String> splits, int[][] counts) {
    public int total(int split) {
      int t = 0;
      for (int c : counts[split]) {
        t += c;
      }
      return t;
    }
  }

  public static Distribution distribution(FaceDataset data) {
    int[][] byUsage = new int[Usage.values().length + 1][Emotion.COUNT + 1];
    for (int i = 0; i < data.size(); i++) {
      Usage u = data.usage(i);
      int s = u == null ? Usage.values().length : u.ordinal();
      int l = data.label(i);
      byUsage[s][l < 0 ? Emotion.COUNT : l]++;
    }
    List<String> names = new ArrayList<>();
    List<int[]> rows = new ArrayList<>();
    for (int s = 0; s < byUsage.length; s++) {
      int sum = 0;
      for (int c : byUsage[s]) {
        sum += c;
      }
      if (sum > 0) {
        names.add(s < Usage.values().length ? Usage.values()[s].label() : "(no split)");
        rows.add(byUsage[s]);
      }
    }
    return new Distribution(names, rows.toArray(new int[0][]));
  }

  /** Rows are classes; for each split a count and a percentage column; then all splits. */
  public static TextTable table(FaceDataset data) {
    Distribution d = distribution(data);
    boolean unknown = false;
    for (int[] r : d.counts()) {
      unknown |= r[Emotion.COUNT] > 0;
    }
    List<String> header = new ArrayList<>();
    header.add("Emotion");
    for (String s : d.splits()) {
      header.add(s);
      header.add("%");
    }
    if (d.splits().size() > 1) {
      header.add("All");
      header.add("%");
    }
    TextTable t = new TextTable(header.toArray(new String[0]));
    int classes = unknown ? Emotion.COUNT + 1 : Emotion.COUNT;
    int grand = data.size();
    for (int c = 0; c <= classes; c++) {
      List<Object> cells = new ArrayList<>();
      cells.add(c < Emotion.COUNT ? c + " " + Emotion.of(c).title() : c == Emotion.COUNT && unknown ? "(unlabelled)" : "Total");
      int all = 0;
      for (int s = 0; s < d.splits().size(); s++) {
        int n = c < classes ? d.counts()[s][c] : d.total(s);
        all += n;
        cells.add(n);
        cells.add(pct(n, d.total(s)));
      }
      if (d.splits().size() > 1) {
        cells.add(all);
        cells.add(pct(all, grand));
      }
      t.row(cells.toArray());
    }
    return t;
  }

  private static String pct(int n, int total) {
    return total == 0 ? "-" : String.format(Locale.ROOT, "%.2f", 100.0 * n / total);
  }
}
