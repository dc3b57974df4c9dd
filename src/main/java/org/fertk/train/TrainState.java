package org.fertk.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a run stands after an epoch: saved beside each checkpoint so --resume continues exactly
 * where the run left off (the random streams are keyed by seed, epoch and step, not by state).
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
  public EarlyStopping.State earlyStopping;
  public ReduceLROnPlateau.State reduceLr;
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
}
