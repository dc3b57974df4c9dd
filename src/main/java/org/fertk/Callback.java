package org.fertk;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Hooks into a training run, with Keras' callback contract: {@link #onTrainBegin}, then for each
 * epoch {@link #onEpochBegin}, {@link #onBatchEnd} after every optimizer step and
 * {@link #onEpochEnd} with the epoch's logs, and {@link #onTrainEnd}. Epochs and batches are
 * counted from 0, as in Keras. Every method has an empty default: implement those you need.
 *
 * <p>Epoch logs hold {@code loss}, {@code accuracy} (means over the epoch's training batches),
 * {@code val_loss}, {@code val_accuracy} and the learning rate of the epoch's last step, under
 * {@code lr} and under {@code learning_rate} (the name Keras 3 and {@code history.csv} use).
 * Batch logs hold the running {@code loss} and {@code accuracy} of the epoch so far and the
 * batch's {@code size}.
 *
 * <p>Callbacks run in the order given, after the toolkit's own (early stopping, learning-rate
 * reduction, weight averaging), and before the epoch's checkpoint is written. A callback that
 * keeps state across epochs returns it from {@link #state()}: it is saved with every checkpoint
 * and handed back through {@link #restoreState} when the run is resumed, so a resumed run
 * continues each callback exactly where an uninterrupted one would be.
 */
public interface Callback {
  /** What a callback may read and change while a run trains (Keras' {@code self.model}). */
  interface Context {
    /** @return the number of epochs the run is configured for */
    int epochs();

    /**
     * The base learning rate: the rate of a constant schedule, the peak of a cosine one.
     *
     * @return the current base rate
     */
    double learningRate();

    /**
     * Changes the base learning rate from the next step on (what ReduceLROnPlateau does).
     *
     * @param rate the new base rate, above 0
     * @throws IllegalArgumentException when the rate is not positive and finite
     */
    void setLearningRate(double rate);

    /** Ends training after the current epoch (Keras' {@code model.stop_training = True}). */
    void stopTraining();

    /** @return the run folder, empty for a run without one */
    Optional<Path> runFolder();
  }

  /**
   * Called once before the first epoch (of this process: a resumed run calls it again).
   *
   * @param context the run, to keep for the other calls
   */
  default void onTrainBegin(Context context) {}

  /**
   * Called before an epoch's first batch.
   *
   * @param epoch 0-based epoch
   */
  default void onEpochBegin(int epoch) {}

  /**
   * Called after every optimizer step. Keep it cheap: it runs between steps.
   *
   * @param batch 0-based batch within the epoch
   * @param logs running loss and accuracy of the epoch, and the batch's size
   */
  default void onBatchEnd(int batch, Map<String, Double> logs) {}

  /**
   * Called after an epoch's validation.
   *
   * @param epoch 0-based epoch
   * @param logs loss, accuracy, val_loss, val_accuracy, lr (and learning_rate)
   */
  default void onEpochEnd(int epoch, Map<String, Double> logs) {}

  /**
   * Called once when training ends normally (not when it fails or is interrupted).
   *
   * @param logs the last epoch's logs
   */
  default void onTrainEnd(Map<String, Double> logs) {}

  /**
   * The callback's state to save with each checkpoint: JSON-friendly values (numbers, text,
   * booleans, lists and maps of them).
   *
   * @return the state; empty for a callback without any
   */
  default Map<String, Object> state() {
    return Map.of();
  }

  /**
   * Puts back the state saved by {@link #state()} when a run is resumed; called before
   * {@link #onTrainBegin}. Numbers come back as the JSON reader gives them (Integer, Long or
   * Double): read them through {@link Number}.
   *
   * @param state what {@link #state()} returned at the checkpoint
   */
  default void restoreState(Map<String, Object> state) {}

  /**
   * The key of this callback's state in checkpoints; must differ between the callbacks of a run.
   *
   * @return by default the class name
   */
  default String name() {
    return getClass().getName();
  }
}
