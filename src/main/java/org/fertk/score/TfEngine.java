package org.fertk.score;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.model.ModelGraph;
import org.fertk.FerException;
import org.fertk.util.ProtectedInputs;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** Scores with the SavedModel in TF Java (for comparing engines and for the export parity check). */
public final class TfEngine implements Engine {
  private final SavedModelBundle bundle;
  private final String source;

  private TfEngine(SavedModelBundle bundle, String source) {
    this.bundle = bundle;
    this.source = source;
  }

  @Override
  public String source() {
    return source;
  }

  /** Opens RUN_DIR/saved_model, or a SavedModel folder given directly. */
  public static TfEngine open(Path path, int threads) {
    Path dir = readingModel(path);
    try {
      return new TfEngine(SavedModelBundle.loader(dir.toString()).withTags("serve")
          .withConfigProto(ModelGraph.sessionConfig(threads)).load(), dir.toString());
    } catch (RuntimeException e) {
      throw new FerException(dir + ": cannot load the SavedModel (" + e.getMessage() + ")");
    }
  }

  /**
   * The files of a run folder that describe its model: what {@link #readingModel} protects beside
   * the SavedModel, so that no output of a job reading the model replaces its record.
   */
  private static final String[] RUN_RECORD = {"spec.json", "manifest.json", "history.csv", "run-config.json"};

  /**
   * The SavedModel folder a path names, with its files (and, for a run folder, the run's record
   * and checkpoints) noted as inputs of the running job ({@link ProtectedInputs#reading}).
   */
  public static Path readingModel(Path path) {
    Path dir = savedModelDir(path);
    ProtectedInputs.readingFolder(dir);
    if (!dir.equals(path)) {
      for (String f : RUN_RECORD) {
        ProtectedInputs.reading(path.resolve(f));
      }
      ProtectedInputs.readingFolder(path.resolve("checkpoints"));
    }
    return dir;
  }

  public static Path savedModelDir(Path path) {
    if (Files.isRegularFile(path.resolve("saved_model/saved_model.pb"))) {
      return path.resolve("saved_model");
    }
    if (Files.isRegularFile(path.resolve("saved_model.pb"))) {
      return path;
    }
    if (!Files.exists(path)) {
      throw new FerException(path + ": not found");
    }
    if (Files.isRegularFile(path.resolve("model.onnx")) || path.toString().endsWith(".onnx")) {
      // models/best and imported models ship ONNX only: TF Java has nothing to load there
      throw new FerException(path + ": an ONNX model without a SavedModel (TensorFlow needs the run folder that "
          + "fer train wrote; ONNX Runtime scores this one)");
    }
    throw new FerException(path + ": not a run folder or SavedModel (no saved_model.pb)");
  }

  public SavedModelBundle bundle() {
    return bundle;
  }

  @Override
  public float[] predict(FloatBuffer batch, int n) {
    batch.rewind();
    FloatBuffer view = batch.slice().limit(n * FaceDataset.PIXELS);
    try (TFloat32 x = TFloat32.tensorOf(Shape.of(n, FaceDataset.SIDE, FaceDataset.SIDE, 1), DataBuffers.of(view));
        Result r = bundle.session().runner().feed(ModelGraph.INPUT, x).fetch(ModelGraph.PROBS).run()) {
      float[] out = new float[n * Emotion.COUNT];
      ((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
      return out;
    }
  }

  @Override
  public String name() {
    return "tensorflow";
  }

  @Override
  public void close() {
    bundle.close();
  }
}
