package org.fertk.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.score.Engine;
import org.fertk.score.ModelOutputs;
import org.fertk.score.OrtEngine;
import org.fertk.score.TestTimeAugmentation;
import org.fertk.score.TfEngine;
import org.fertk.FerException;
import org.fertk.util.Hashing;

/**
 * The teacher models of a distillation run, opened once: ONNX files (or folders holding
 * model.onnx) in ONNX Runtime, other run folders and SavedModels in TF Java. They score each
 * training batch on the batch-preparation thread, so a teacher's work overlaps the student's step;
 * with test-time views each teacher averages its probabilities over the views of every face.
 */
final class Teachers implements AutoCloseable {
  private final List<Engine> engines = new ArrayList<>();
  private final Map<String, String> hashes = new LinkedHashMap<>();
  private final TestTimeAugmentation views;
  private FloatBuffer buffer;
  private FloatBuffer view;

  private Teachers(TestTimeAugmentation views) {
    this.views = views;
  }

  static Teachers open(List<String> paths, String views, int threads) {
    Teachers t = new Teachers(TestTimeAugmentation.parse(views));
    try {
      for (String p : paths) {
        Path path = Path.of(p);
        boolean onnx = p.endsWith(".onnx") || Files.isRegularFile(path.resolve("model.onnx"));
        if (!Files.exists(path)) {
          throw new FerException(p + ": teacher not found");
        }
        if (!onnx && !Files.isDirectory(path)) {
          throw new FerException(p + ": not a teacher; a teacher is an ONNX file, a folder with model.onnx, "
              + "or a run folder or SavedModel");
        }
        // not spinning: the student's TensorFlow step needs the cores between the teacher's runs
        Engine e = onnx ? OrtEngine.open(path, threads, false) : TfEngine.open(path, threads);
        t.engines.add(e);
        t.hashes.put(p, onnx ? Hashing.sha256(OrtEngine.modelFile(path)) : folderHash(TfEngine.savedModelDir(path)));
      }
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
    return t;
  }

  /** A SavedModel's SHA-256: of every file's relative path and digest, in name order (the weights included). */
  private static String folderHash(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      StringBuilder sb = new StringBuilder();
      files.filter(Files::isRegularFile).sorted().forEach(f -> sb.append(dir.relativize(f)).append(' ')
          .append(Hashing.sha256(f)).append('\n'));
      return Hashing.sha256(sb.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new FerException(dir + ": cannot read the teacher (" + e.getMessage() + ")");
    }
  }

  /** Each teacher's path and the SHA-256 of its model (for the manifest). */
  Map<String, String> hashes() {
    return hashes;
  }

  /**
   * The teachers' averaged probabilities for n faces (x: n*2304 in [0,1]), softened at
   * temperature t, written to soft (n*7).
   */
  void soften(float[] x, int n, double t, float[] soft) {
    if (buffer == null || buffer.capacity() < n * FaceDataset.PIXELS) {
      buffer = direct(n);
      view = views.isNone() ? null : direct(n);
    }
    buffer.clear();
    buffer.put(x, 0, n * FaceDataset.PIXELS);
    double[] mean = new double[n * Emotion.COUNT];
    double share = 1.0 / (engines.size() * views.views().size());
    for (TestTimeAugmentation.View v : views.views()) {
      FloatBuffer in = buffer;
      if (v != views.views().get(0)) { // the first view is the face itself
        TestTimeAugmentation.render(v, buffer, n, view);
        in = view;
      }
      for (Engine e : engines) {
        float[] p = e.predict(in, n);
        // a teacher must give probabilities, as fer score demands: logits averaged and softened
        // as if they were probabilities would teach nonsense
        ModelOutputs.checkProbabilities(p, n, 0, "teacher " + e.source(), false, true);
        for (int i = 0; i < mean.length; i++) {
          mean[i] += p[i] * share;
        }
      }
    }
    soften(mean, n, t, soft);
  }

  private static FloatBuffer direct(int faces) {
    return ByteBuffer.allocateDirect(faces * FaceDataset.PIXELS * Float.BYTES).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
  }

  /** softmax(log(p) / t) per row, i.e. p^(1/t) renormalised (p clipped at 1e-7 so that log is finite). */
  static void soften(double[] p, int n, double t, float[] out) {
    int c = Emotion.COUNT;
    for (int k = 0; k < n; k++) {
      double max = Double.NEGATIVE_INFINITY;
      double[] z = new double[c];
      for (int i = 0; i < c; i++) {
        z[i] = Math.log(Math.max(1e-7, p[k * c + i])) / t;
        max = Math.max(max, z[i]);
      }
      double sum = 0;
      for (int i = 0; i < c; i++) {
        z[i] = Math.exp(z[i] - max);
        sum += z[i];
      }
      for (int i = 0; i < c; i++) {
        out[k * c + i] = (float) (z[i] / sum);
      }
    }
  }

  @Override
  public void close() {
    engines.forEach(Engine::close);
  }
}
