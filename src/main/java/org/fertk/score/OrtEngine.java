package org.fertk.score;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.FerException;
import org.fertk.util.ProtectedInputs;

/**
 * One ONNX Runtime session (graph optimisation ALL, configurable intra-op threads) reused for
 * every batch, fed with direct FloatBuffers. The model must take {@code input [N,48,48,1]} and
 * give {@code probs [N,7]}.
 */
public final class OrtEngine implements Engine {
  private static final OrtEnvironment ENV = environmentFromCachedLibraries();

  private static OrtEnvironment environmentFromCachedLibraries() {
    OrtNative.useCachedLibraries();
    return OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "fer");
  }

  private final OrtSession session;
  private final String input;
  private final String source;

  private OrtEngine(OrtSession session, String input, String source) {
    this.session = session;
    this.input = input;
    this.source = source;
  }

  /** The process's ONNX Runtime environment (errors-only logging), for other ORT users. */
  public static OrtEnvironment environment() {
    return ENV;
  }

  public static OrtEngine open(Path path, int threads) {
    return open(path, threads, true);
  }

  /**
   * @param spinning whether ONNX Runtime's threads spin after a run waiting for the next: good for
   *     back-to-back batches, bad when other work (face detection) runs between small runs, since
   *     the spinning threads take the cores it needs (measured: 640x480 frames with three faces,
   *     26.6 frames/s spinning, 38.8 not, in fer bench predict --fast-detector)
   */
  public static OrtEngine open(Path path, int threads, boolean spinning) {
    Path file = modelFile(path);
    ProtectedInputs.reading(file);
    try {
      OrtSession.SessionOptions o = options(threads);
      if (!spinning) {
        o.addConfigEntry("session.intra_op.allow_spinning", "0");
      }
      return open(ENV.createSession(file.toString(), o), file.toString());
    } catch (OrtException e) {
      throw new FerException(file + ": not a loadable ONNX model (" + reason(e) + ")");
    }
  }

  /**
   * The ONNX file a path names: the file itself, or model.onnx inside a run folder or a shipped
   * model folder (models/best); otherwise a message saying what is wrong with the path.
   */
  public static Path modelFile(Path path) {
    if (Files.isDirectory(path)) {
      Path inside = path.resolve("model.onnx");
      if (Files.isRegularFile(inside)) {
        return inside;
      }
      throw new FerException(path + ": is a folder without model.onnx (give an ONNX file, or a run folder "
          + "after `fer export`)");
    }
    if (!Files.exists(path)) {
      throw new FerException(path + ": file not found");
    }
    if (!Files.isRegularFile(path)) {
      throw new FerException(path + ": not a regular file");
    }
    return path;
  }

  public static OrtEngine open(byte[] model, int threads, String what) {
    try {
      return open(ENV.createSession(model, options(threads)), what);
    } catch (OrtException e) {
      throw new FerException(what + ": not a loadable ONNX model (" + reason(e) + ")");
    }
  }

  private static OrtSession.SessionOptions options(int threads) throws OrtException {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    o.setIntraOpNumThreads(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
    o.setInterOpNumThreads(1);
    return o;
  }

  private static OrtEngine open(OrtSession s, String what) throws OrtException {
    try {
      Map<String, NodeInfo> in = s.getInputInfo();
      Map<String, NodeInfo> out = s.getOutputInfo();
      if (in.size() != 1 || out.size() != 1) {
        throw new FerException(what + ": expected one input and one output, got " + in.size() + " and " + out.size());
      }
      NodeInfo i = in.values().iterator().next();
      long[] shape = i.getInfo() instanceof TensorInfo t ? t.getShape() : null;
      if (shape == null || shape.length != 4 || shape[1] != FaceDataset.SIDE || shape[2] != FaceDataset.SIDE
          || shape[3] != 1) {
        throw new FerException(what + ": incompatible model: input '" + i.getName() + "' has shape "
            + (shape == null ? "?" : Arrays.toString(shape)) + ", expected [N, 48, 48, 1]");
      }
      NodeInfo o = out.values().iterator().next();
      long[] oshape = o.getInfo() instanceof TensorInfo t ? t.getShape() : null;
      if (oshape == null || oshape.length != 2 || oshape[1] != Emotion.COUNT) {
        throw new FerException(what + ": incompatible model: output '" + o.getName() + "' has shape "
            + (oshape == null ? "?" : Arrays.toString(oshape)) + ", expected [N, 7]");
      }
      return new OrtEngine(s, i.getName(), what);
    } catch (FerException | OrtException e) {
      s.close();
      throw e;
    }
  }

  /** The model's metadata_props (provenance written by the exporter). */
  public Map<String, String> metadata() {
    try {
      return session.getMetadata().getCustomMetadata();
    } catch (OrtException e) {
      return Map.of();
    }
  }

  @Override
  public float[] predict(FloatBuffer batch, int n) {
    batch.rewind();
    FloatBuffer view = batch.slice().limit(n * FaceDataset.PIXELS);
    try (OnnxTensor t = OnnxTensor.createTensor(ENV, view, new long[] {n, FaceDataset.SIDE, FaceDataset.SIDE, 1});
        OrtSession.Result r = session.run(Map.of(input, t))) {
      FloatBuffer probs = ((OnnxTensor) r.get(0)).getFloatBuffer();
      float[] out = new float[n * Emotion.COUNT];
      probs.get(out);
      return out;
    } catch (OrtException e) {
      throw new FerException(source + ": ONNX Runtime failed: " + firstLine(e.getMessage()));
    }
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public String name() {
    return "onnxruntime";
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException ignored) {
      // closing twice or on shutdown
    }
  }

  /**
   * ONNX Runtime's reason without its "Error code - ... - message:" prefix; a file that is not
   * ONNX at all (a spec, a Keras file) is said to be so rather than "protobuf parsing failed".
   */
  private static String reason(OrtException e) {
    if (e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_PROTOBUF) {
      return "the file does not parse as ONNX";
    }
    return firstLine(e.getMessage()).replaceFirst("^Error code - \\w+ - message: ", "");
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
