package org.fertk.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.fertk.face.FaceDetector;
import org.fertk.score.Engine;
import org.fertk.score.OrtEngine;
import org.fertk.FerException;
import org.fertk.util.Hashing;

/**
 * The ONNX Runtime sessions of one executor JVM: created on the first task that needs a model,
 * then shared by every task of that executor (a session runs concurrent calls). Keyed by the
 * model bytes' hash, so a second job with another model in the same JVM gets its own. Likewise one
 * face detector per setting (OpenCV's cascade is read from its jar once per JVM).
 */
final class ExecutorModels {
  private static final Map<String, OrtEngine> SESSIONS = new ConcurrentHashMap<>();
  private static final Map<FaceDetector.Options, FaceDetector> DETECTORS = new ConcurrentHashMap<>();

  private ExecutorModels() {}

  static List<Engine> engines(List<byte[]> models, List<String> names, int threads) {
    List<Engine> out = new ArrayList<>();
    for (int i = 0; i < models.size(); i++) {
      byte[] m = models.get(i);
      String what = names.get(i);
      out.add(SESSIONS.computeIfAbsent(Hashing.sha256(m) + "/" + threads, k -> open(m, threads, what)));
    }
    return out;
  }

  /**
   * Opens a session; the driver has opened the same bytes already, so a failure here is this
   * executor's (ONNX Runtime's native library missing or not loadable on it, memory): one message
   * that names the executor and the model.
   */
  private static OrtEngine open(byte[] model, int threads, String name) {
    try {
      return OrtEngine.open(model, threads, name);
    } catch (RuntimeException | LinkageError e) {
      throw new FerException(where() + ": cannot start ONNX Runtime for the model " + name + " shipped with the job ("
          + SparkErrors.cause(e) + ")");
    }
  }

  static FaceDetector detector(FaceDetector.Options options) {
    return DETECTORS.computeIfAbsent(options, o -> {
      try {
        return FaceDetector.open(o);
      } catch (RuntimeException | LinkageError e) {
        throw new FerException(where() + ": cannot load OpenCV's face detector (" + SparkErrors.cause(e) + ")");
      }
    });
  }

  /** The executor, for messages about what failed on it. */
  static String where() {
    TaskContext t = TaskContext.get();
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown host";
    }
    return "executor " + SparkEnv.get().executorId() + " on " + host
        + (t == null ? "" : " (task " + t.partitionId() + ", attempt " + t.attemptNumber() + ")");
  }
}
