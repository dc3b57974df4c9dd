package org.fertk.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.fertk.score.Engine;
import org.fertk.score.OrtEngine;
import org.fertk.util.Hashing;

/**
 * The ONNX Runtime sessions of one executor JVM: created on the first task that needs a model,
 * then shared by every task of that executor (a session runs concurrent calls). Keyed by the
 * model bytes' hash, so a second job with another model in the same JVM gets its own.
 */
final class ExecutorModels {
  private static final Map<String, OrtEngine> SESSIONS = new ConcurrentHashMap<>();

  private ExecutorModels() {}

  static List<Engine> engines(List<byte[]> models, List<String> names, int threads) {
    List<Engine> out = new ArrayList<>();
    for (int i = 0; i < models.size(); i++) {
      byte[] m = models.get(i);
      String what = names.get(i);
      out.add(SESSIONS.computeIfAbsent(Hashing.sha256(m) + "/" + threads, k -> OrtEngine.open(m, threads, what)));
    }
    return out;
  }
}
