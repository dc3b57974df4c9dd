package org.fertk.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fertk.FerException;
import org.fertk.util.Json;
import org.fertk.run.EpochLog;

/**
 * Where a run stands after an epoch: saved beside each checkpoint so --resume continues exactly
 * where the run left off (the random streams are keyed by seed, epoch and step, not by state).
 * Written with snake_case keys; checkpoints written before that (camelCase) still load.
 */
public final class TrainState {
  /** The next epoch to run (0-based). */
  public int nextEpoch;
  /** Optimizer steps taken so far. */
  public long step;
  /** Learning rate after the callbacks of the last epoch. */
  public double learningRate;
  public double trainSeconds;
  public long imagesSeen;
  /** Each callback's state by its name (early stopping, learning-rate reduction, users' own). */
  public Map<String, Map<String, Object>> callbacks = new LinkedHashMap<>();
  /** Epoch (0-based) whose weights are in checkpoints/best, or -1. */
  public int bestCheckpointEpoch = -1;
  public Double bestValLoss;
  public boolean stopped;
  /** Epochs averaged into the final weights by SWA (0 without SWA). */
  public int swaSnapshots;
  /**
   * SHA-256 of the data the run started on (null in checkpoints older than this field): a resume
   * on other faces would continue the run on data its manifest does not name.
   */
  public String dataSha256;
  public List<EpochLog> history = new ArrayList<>();

  /** Early stopping's state in checkpoints older than {@link #callbacks}; read, never written. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public EarlyStopping.State earlyStopping;
  /** ReduceLROnPlateau's state in checkpoints older than {@link #callbacks}; read, never written. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public ReduceLROnPlateau.State reduceLr;

  static String write(TrainState s) {
    return Json.writeSnake(s) + "\n";
  }

  static TrainState read(String text) {
    JsonNode tree = Json.snakeKeys(Json.parse(text, "checkpoint state"), "callbacks");
    TrainState s;
    try {
      s = Json.SNAKE.treeToValue(tree, TrainState.class);
    } catch (IOException e) {
      throw new FerException("checkpoint state: " + e.getMessage());
    }
    if (s.callbacks == null) {
      s.callbacks = new LinkedHashMap<>();
    }
    // older checkpoints kept the two callbacks' states in fields of their own
    if (s.earlyStopping != null) {
      s.callbacks.putIfAbsent(EarlyStoppingCallback.NAME, StateMaps.toMap(s.earlyStopping));
      s.earlyStopping = null;
    }
    if (s.reduceLr != null) {
      s.callbacks.putIfAbsent(ReduceLrCallback.NAME, StateMaps.toMap(s.reduceLr));
      s.reduceLr = null;
    }
    return s;
  }
}
