package org.fertk.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.fertk.Emotion;
import org.fertk.score.Predictions;
import org.fertk.FerException;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * A predictions file read into a Tablesaw table and validated: the columns of the contract,
 * labels in 0..6, and probabilities that sum to 1 (within 1e-3) on every row. The arrays are
 * extracted once for the numerical code.
 */
public final class PredictionSet {
  public static final double SUM_TOLERANCE = 1e-3;

  private final String source;
  private final Table table;
  private final int[] index;
  private final int[] truth;
  private final int[] predicted;
  private final double[][] proba;

  private PredictionSet(String source, Table table, int[] index, int[] truth, int[] predicted, double[][] proba) {
    this.source = source;
    this.table = table;
    this.index = index;
    this.truth = truth;
    this.predicted = predicted;
    this.proba = proba;
  }

  public static PredictionSet read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new FerException(file + ": file not found");
    }
    String header;
    try (var lines = Files.lines(file)) {
      header = lines.findFirst().orElse("");
    } catch (IOException | UncheckedIOException e) {
      throw new FerException(file + ": cannot read (" + e.getMessage() + ")");
    }
    if (header.isBlank()) {
      throw new FerException(file + ": file is empty");
    }
    List<String> cols = List.of(header.trim().split(","));
    List<String> required = new ArrayList<>(List.of(Predictions.HEADER.split(",")));
    List<String> missing = required.stream().filter(c -> !cols.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new FerException(file + ": missing column" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
          + " (expected " + Predictions.HEADER + ")");
    }
    Table t;
    try {
      t = Table.read().usingOptions(CsvReadOptions.builder(file.toFile()).tableName(file.getFileName().toString())
          .columnTypes(name -> name.startsWith("p_") ? ColumnType.DOUBLE
              : name.endsWith("label") || name.equals("index") ? ColumnType.INTEGER : ColumnType.STRING)
          .build());
    } catch (RuntimeException e) {
      throw new FerException(file + cellProblem(e.getMessage()));
    }
    return fromTable(file.toString(), t);
  }

  /** Validates a table already holding the contract's columns. */
  public static PredictionSet fromTable(String source, Table t) {
    int n = t.rowCount();
    if (n == 0) {
      throw new FerException(source + ": no predictions");
    }
    IntColumn idx = t.intColumn("index");
    IntColumn tl = t.intColumn("true_label");
    IntColumn pl = t.intColumn("pred_label");
    DoubleColumn[] p = new DoubleColumn[Emotion.COUNT];
    String[] keys = Emotion.keys();
    for (int c = 0; c < Emotion.COUNT; c++) {
      p[c] = t.doubleColumn("p_" + keys[c]);
    }
    int[] index = new int[n];
    int[] truth = new int[n];
    int[] pred = new int[n];
    double[][] proba = new double[n][Emotion.COUNT];
    for (int r = 0; r < n; r++) {
      long line = r + 2L;
      if (idx.isMissing(r)) {
        throw new FerException(source + ":" + line + ": missing index");
      }
      index[r] = idx.getInt(r);
      if (tl.isMissing(r)) {
        throw new FerException(source + ":" + line + ": true_label is empty; analysis needs the true label of every face");
      }
      truth[r] = label(source, line, "true_label", tl.getInt(r));
      pred[r] = pl.isMissing(r) ? -1 : label(source, line, "pred_label", pl.getInt(r));
      double sum = 0;
      for (int c = 0; c < Emotion.COUNT; c++) {
        double v = p[c].getDouble(r);
        if (Double.isNaN(v) || v < 0 || v > 1) {
          throw new FerException(source + ":" + line + ": p_" + keys[c] + " = " + v + " is not a probability");
        }
        proba[r][c] = v;
        sum += v;
      }
      if (Math.abs(sum - 1) > SUM_TOLERANCE) {
        throw new FerException(String.format(Locale.ROOT, "%s:%d: probabilities sum to %.6f, expected 1 (within %.0e)",
            source, line, sum, SUM_TOLERANCE));
      }
      if (pred[r] < 0) {
        pred[r] = argmax(proba[r]);
      }
    }
    return new PredictionSet(source, t, index, truth, pred, proba);
  }

  private static int label(String source, long line, String col, int v) {
    if (v < 0 || v >= Emotion.COUNT) {
      throw new FerException(source + ":" + line + ": " + col + " " + v + " outside 0..6");
    }
    return v;
  }

  static int argmax(double[] p) {
    int best = 0;
    for (int c = 1; c < p.length; c++) {
      if (p[c] > p[best]) {
        best = c;
      }
    }
    return best;
  }

  /** From arrays (tests, fixtures). */
  public static PredictionSet of(String source, int[] truth, int[] predicted, double[][] proba) {
    Table t = Table.create(source);
    int n = truth.length;
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    t.addColumns(IntColumn.create("index", idx), IntColumn.create("true_label", truth.clone()),
        IntColumn.create("pred_label", predicted.clone()));
    String[] keys = Emotion.keys();
    for (int c = 0; c < Emotion.COUNT; c++) {
      double[] col = new double[n];
      for (int i = 0; i < n; i++) {
        col[i] = proba[i][c];
      }
      t.addColumns(DoubleColumn.create("p_" + keys[c], col));
    }
    return new PredictionSet(source, t, idx, truth.clone(), predicted.clone(), proba);
  }

  public String source() {
    return source;
  }

  public Table table() {
    return table;
  }

  public int size() {
    return truth.length;
  }

  public int[] index() {
    return index;
  }

  public int[] truth() {
    return truth;
  }

  public int[] predicted() {
    return predicted;
  }

  public double[][] proba() {
    return proba;
  }

  /** True when both sets describe the same faces in the same order (same index and truth). */
  public boolean sameImagesAs(PredictionSet o) {
    return Arrays.equals(index, o.index) && Arrays.equals(truth, o.truth);
  }

  /**
   * Tablesaw's "Error while adding cell from row 1 and column p_angry(position:3): ... For input
   * string: "abc"" as the file's line and column (":2: p_angry must be a number, got 'abc'").
   */
  static String cellProblem(String tablesaw) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
        "row (\\d+) and column ([^(]+)\\(position:\\d+\\).*?For input string: \"(.*)\"", java.util.regex.Pattern.DOTALL)
        .matcher(String.valueOf(tablesaw));
    if (m.find()) {
      String col = m.group(2);
      String kind = col.startsWith("p_") ? "a number" : "a whole number";
      return ":" + (Long.parseLong(m.group(1)) + 1) + ": " + col + " must be " + kind + ", got '" + m.group(3) + "'";
    }
    return ": malformed predictions CSV (" + tablesaw + ")";
  }
}
