package org.fertk.data;

import java.io.PrintWriter;
import java.util.List;

/**
 * A dataset together with the rows that were skipped while reading it and notes on how it was
 * read (how image folders were mapped to splits), for the console.
 */
public record LoadedData(FaceDataset dataset, List<BadRow> skipped, List<String> notes) {
  public LoadedData(FaceDataset dataset, List<BadRow> skipped) {
    this(dataset, skipped, List.of());
  }

  /** One line per skipped row, at most {@code max} of them, for the console. */
  public String skippedSummary(int max) {
    StringBuilder sb = new StringBuilder();
    sb.append("skipped ").append(skipped.size()).append(skipped.size() == 1 ? " bad row" : " bad rows");
    for (int i = 0; i < Math.min(max, skipped.size()); i++) {
      sb.append("\n  ").append(skipped.get(i).describe());
    }
    if (skipped.size() > max) {
      sb.append("\n  ... and ").append(skipped.size() - max).append(" more");
    }
    return sb.toString();
  }

  /** Prints the notes and the skipped rows (if any) on err; does nothing when err is null. */
  public void report(PrintWriter err) {
    if (err == null) {
      return;
    }
    notes.forEach(err::println);
    if (!skipped.isEmpty()) {
      err.println(skippedSummary(10));
    }
    err.flush();
  }
}
