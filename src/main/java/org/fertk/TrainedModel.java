package org.fertk;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.fertk.data.FaceDataset;
import org.fertk.export.OnnxExport;
import org.fertk.export.Parity;
import org.fertk.onnx.tf.TfToOnnxConverter;
import org.fertk.run.EpochLog;
import org.fertk.train.PreparedData;
import org.fertk.train.Trainer;
import org.fertk.util.AtomicOutput;

/**
 * The result of {@link Training#fit}: the history, the best epoch and the trained weights, as a
 * run folder that can be exported to ONNX or opened as a {@link FerModel}.
 */
public final class TrainedModel implements AutoCloseable {
  private final Trainer.Result result;
  private final PreparedData data;
  private final boolean temporary;
  private final List<Map<String, Double>> history;

  TrainedModel(Trainer.Result result, PreparedData data, boolean temporary) {
    this.result = result;
    this.data = data;
    this.temporary = temporary;
    List<Map<String, Double>> h = new ArrayList<>();
    for (EpochLog l : result.state().history) {
      h.add(Collections.unmodifiableMap(l.callbackLogs()));
    }
    this.history = Collections.unmodifiableList(h);
  }

  /**
   * Every epoch's logs, as the callbacks saw them (loss, accuracy, val_loss, val_accuracy, lr).
   *
   * @return one map per epoch, epoch 0 first (of a resumed run: every epoch, earlier ones too)
   */
  public List<Map<String, Double>> history() {
    return history;
  }

  /**
   * The epoch whose weights were kept as the best: the lowest val_loss, or early stopping's
   * choice when it ran.
   *
   * @return 0-based epoch, or -1 when no epoch was kept as best
   */
  public int bestEpoch() {
    return result.state().bestCheckpointEpoch;
  }

  /** @return accuracy of the final weights on the test split */
  public double testAccuracy() {
    return result.test().accuracy();
  }

  /** @return accuracy of the final weights on the validation split (the test split unless val_fraction was set) */
  public double validationAccuracy() {
    return result.finalVal().accuracy();
  }

  /** @return the run folder; empty for a run in a temporary folder */
  public Optional<Path> runFolder() {
    return temporary ? Optional.empty() : Optional.of(result.run().dir());
  }

  /**
   * Converts the trained model to ONNX (opset 17) and checks the file against TensorFlow on up
   * to 256 validation faces (largest probability difference at most 1e-4, same argmax), as
   * {@code fer export} does. The file appears only when the check passes.
   *
   * @param onnx the file to write
   * @return the file written
   * @throws org.fertk.FerException when the model cannot be converted or the check fails
   */
  public Path export(Path onnx) {
    FaceDataset val = data.split().val();
    int[] idx = IntStream.range(0, Math.min(256, val.size())).toArray();
    OnnxExport.export(result.run().dir(), onnx, TfToOnnxConverter.Options.defaults(), val.select(idx),
        Parity.DEFAULT_TOLERANCE, 0);
    return onnx;
  }

  /**
   * The trained model, scored with TensorFlow Java from its SavedModel.
   *
   * @return a model to classify faces with; close it after use (before closing this handle)
   */
  public FerModel model() {
    return FerModel.load(result.run().dir(), FerModel.Options.defaults().runtime(FerModel.Runtime.TENSORFLOW));
  }

  /** Deletes the temporary run folder of a run without one; a run folder given to fit stays. */
  @Override
  public void close() {
    if (temporary) {
      AtomicOutput.deleteQuietly(result.run().dir());
    }
  }
}
