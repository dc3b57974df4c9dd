package org.fertk.train;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import org.fertk.Callback;
import org.fertk.data.FaceDataset;
import org.fertk.run.RunFolder;

/**
 * One run while it trains: what the callbacks share (Keras' {@code self.model}). Users' callbacks
 * see it through {@link Callback.Context}; the toolkit's own also reach the graph, the state that
 * checkpoints save, and the run folder.
 */
final class TrainingRun implements Callback.Context {
  final TrainConfig config;
  final TrainState state;
  final TrainingGraph graph;
  final RunFolder folder;
  final FaceDataset train;
  final boolean quiet;
  final PrintWriter out;
  private final boolean folderVisible;
  /** Set by a listener that simulates a kill: the loop ends without finishing the run. */
  boolean interrupted;

  TrainingRun(TrainConfig config, TrainState state, TrainingGraph graph, RunFolder folder, boolean folderVisible,
      FaceDataset train, boolean quiet, PrintWriter out) {
    this.config = config;
    this.state = state;
    this.graph = graph;
    this.folder = folder;
    this.folderVisible = folderVisible;
    this.train = train;
    this.quiet = quiet;
    this.out = out;
  }

  @Override
  public int epochs() {
    return config.epochs();
  }

  @Override
  public double learningRate() {
    return state.learningRate;
  }

  @Override
  public void setLearningRate(double rate) {
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("learning rate must be positive and finite, got " + rate);
    }
    state.learningRate = rate;
  }

  @Override
  public void stopTraining() {
    state.stopped = true;
  }

  @Override
  public Optional<Path> runFolder() {
    return folderVisible ? Optional.of(folder.dir()) : Optional.empty();
  }
}
