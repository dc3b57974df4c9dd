package org.fertk.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fertk.FerException;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/** Reads a run's history.csv (Keras CSVLogger layout: one row per epoch). */
public final class History {
  private static final String[] REQUIRED = {"epoch", "accuracy", "loss", "val_accuracy", "val_loss"};

  private History() {}

  public static List<EpochLog> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new FerException(file + ": file not found");
    }
    Table t;
    try {
      t = Table.read().usingOptions(CsvReadOptions.builder(file.toFile())
          .columnTypes(n -> n.equals("epoch") ? ColumnType.INTEGER : ColumnType.DOUBLE).build());
    } catch (RuntimeException e) {
      throw new FerException(file + ": not a history CSV (" + e.getMessage() + ")");
    }
    for (String c : REQUIRED) {
      if (!t.columnNames().contains(c)) {
        throw new FerException(file + ": missing column " + c + " (expected Keras CSVLogger columns "
            + String.join(",", REQUIRED) + ")");
      }
    }
    boolean hasLr = t.columnNames().contains("learning_rate");
    List<EpochLog> out = new ArrayList<>();
    for (int r = 0; r < t.rowCount(); r++) {
      out.add(new EpochLog(t.intColumn("epoch").getInt(r), t.doubleColumn("accuracy").getDouble(r),
          t.doubleColumn("loss").getDouble(r), t.doubleColumn("val_accuracy").getDouble(r),
          t.doubleColumn("val_loss").getDouble(r), hasLr ? t.doubleColumn("learning_rate").getDouble(r) : Double.NaN,
          Double.NaN, Double.NaN));
    }
    return out;
  }
}
