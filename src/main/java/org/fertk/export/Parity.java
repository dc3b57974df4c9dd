package org.fertk.export;

import java.nio.FloatBuffer;
import java.util.Locale;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.data.Scores;
import org.fertk.score.Engine;
import org.fertk.util.TextTable;

/**
 * TF versus ONNX Runtime on the same batch: the largest absolute difference of any probability
 * and how many argmax predictions agree. An export passes when the difference is at most the
 * tolerance and every argmax agrees.
 */
public record Parity(int samples, double maxAbsDiff, int argmaxAgree, double tolerance) {
  public static final double DEFAULT_TOLERANCE = 1e-4;

  public boolean passed() {
    return maxAbsDiff <= tolerance && argmaxAgree == samples;
  }

  public static Parity measure(Engine reference, Engine candidate, FaceDataset faces, double tolerance) {
    int n = faces.size();
    FloatBuffer batch = faces.toDirectUnitFloats();
    float[] a = reference.predict(batch, n);
    float[] b = candidate.predict(batch, n);
    double max = 0;
    for (int k = 0; k < n * Emotion.COUNT; k++) {
      max = Math.max(max, Math.abs(a[k] - b[k]));
    }
    int agree = new Scores(a).agreement(new Scores(b));
    return new Parity(n, Double.isNaN(max) ? Double.POSITIVE_INFINITY : max, agree, tolerance);
  }

  public TextTable table() {
    return new TextTable("Parity check (TF SavedModel vs ONNX Runtime)", "Value")
        .row("sample images", samples)
        .row("max abs difference of probabilities", String.format(Locale.ROOT, "%.3g", maxAbsDiff))
        .row("argmax agreement", argmaxAgree + "/" + samples)
        .row("verdict", (passed() ? "PASS" : "FAIL") + String.format(Locale.ROOT, " (tolerance %.0e, all argmax equal)", tolerance));
  }
}
