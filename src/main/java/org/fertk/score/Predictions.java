package org.fertk.score;

import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.fertk.data.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.util.AtomicOutput;

/**
 * The predictions file shared by score, analyze and compare:
 * {@code index,true_label,pred_label,p_angry,...,p_neutral,source} (true_label empty when
 * unknown). {@code index} counts the scored faces from 0; {@code source} says where each came
 * from: the line of the input CSV (as error messages number lines, header = 1) or the image file,
 * so rows stay traceable when bad input rows were skipped. Readers find columns by name.
 */
public final class Predictions {
  public static final String HEADER;

  static {
    StringBuilder sb = new StringBuilder("index,true_label,pred_label");
    for (String k : Emotion.keys()) {
      sb.append(",p_").append(k);
    }
    HEADER = sb.toString();
  }

  /** The column that traces each prediction back to its input row or image. */
  public static final String SOURCE_COLUMN = "source";

  private Predictions() {}

  /** Input line or image file of face i, quoted as CSV where needed. */
  static String source(FaceDataset data, int i) {
    String name = data.name(i);
    if (name == null) {
      return Integer.toString(data.origin(i));
    }
    boolean quote = name.indexOf(',') >= 0 || name.indexOf('"') >= 0 || name.indexOf('\n') >= 0
        || name.indexOf('\r') >= 0;
    return quote ? '"' + name.replace("\"", "\"\"") + '"' : name;
  }

  public static int argmax(float[] probs, int row) {
    int best = 0;
    int base = row * Emotion.COUNT;
    for (int c = 1; c < Emotion.COUNT; c++) {
      if (probs[base + c] > probs[base + best]) {
        best = c;
      }
    }
    return best;
  }

  /** Writes probabilities (n*7) for the faces of data, atomically. */
  public static void write(Path file, FaceDataset data, float[] probs) {
    AtomicOutput.write(file, out -> {
      Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
      StringBuilder sb = new StringBuilder(256);
      w.write(HEADER);
      w.write("," + SOURCE_COLUMN + "\n");
      for (int i = 0; i < data.size(); i++) {
        sb.setLength(0);
        sb.append(i).append(',');
        if (data.label(i) >= 0) {
          sb.append(data.label(i));
        }
        sb.append(',').append(argmax(probs, i));
        for (int c = 0; c < Emotion.COUNT; c++) {
          sb.append(',').append(probs[i * Emotion.COUNT + c]);
        }
        sb.append(',').append(source(data, i)).append('\n');
        w.append(sb);
      }
      w.flush();
    });
  }

}
