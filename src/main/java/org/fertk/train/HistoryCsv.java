package org.fertk.train;

import java.util.Map;
import org.fertk.Callback;
import org.fertk.util.AtomicOutput;
import org.fertk.run.EpochLog;

/** Keras' CSVLogger: history.csv rewritten whole after every epoch (so it always matches the checkpoint). */
final class HistoryCsv implements Callback {
  private final TrainingRun run;

  HistoryCsv(TrainingRun run) {
    this.run = run;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    StringBuilder sb = new StringBuilder(EpochLog.CSV_HEADER).append('\n');
    for (EpochLog l : run.state.history) {
      sb.append(l.csvRow()).append('\n');
    }
    AtomicOutput.writeString(run.folder.history(), sb.toString());
  }
}
