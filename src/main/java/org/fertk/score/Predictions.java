package org.fertk.score;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.data.Scores;
import org.fertk.util.AtomicOutput;
import org.fertk.FerException;
import org.fertk.util.Json;
import org.fertk.util.ProtectedInputs;

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

  /** Where the throughput and provenance of a predictions file are kept: NAME.json beside NAME.csv. */
  public static Path sidecar(Path predictions) {
    String n = predictions.getFileName().toString();
    return predictions.resolveSibling((n.endsWith(".csv") ? n.substring(0, n.length() - 4) : n) + ".json");
  }

  /**
   * Refuses, before anything is written, a predictions name whose side file would replace a file
   * that is not an earlier side file (a run's {@code run-config.json} beside {@code
   * run-config.csv}, a user's {@code X.json}) or one of the job's inputs.
   */
  public static void checkSidecarFree(Path predictions) {
    Path side = sidecar(predictions);
    ProtectedInputs.checkWritable(side);
    if (Files.exists(side) && !isSidecar(side)) {
      throw new FerException(side + ": exists and is not the side file of a predictions file; writing "
          + predictions.getFileName() + " would replace it (choose another name for the predictions)");
    }
  }

  private static boolean isSidecar(Path side) {
    try {
      JsonNode n = Json.read(side);
      return n.isObject() && n.path("models").isArray() && n.has("engine") && n.has("faces");
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * The side file of a predictions file, one format whoever scored: the models, engine, data,
   * split and test-time augmentation, and the speed measured.
   */
  public static void writeSidecar(Path predictions, List<String> models, String engine, List<String> data,
      String split, String tta, int batchSize, Scorer.Result r) {
    var o = Json.MAPPER.createObjectNode();
    models.forEach(o.putArray("models")::add);
    o.put("engine", engine);
    data.forEach(o.putArray("data")::add);
    o.put("split", split);
    o.put("tta", tta);
    o.put("faces", r.images());
    o.put("batch_size", batchSize);
    o.put("seconds", r.seconds());
    o.put("images_per_second", r.imagesPerSecond());
    o.put("latency_p50_ms", r.percentileMillis(50));
    o.put("latency_p95_ms", r.percentileMillis(95));
    Json.writeFile(sidecar(predictions), o);
  }

  /** Input line or image file of face i, quoted as CSV where needed. */
  static String source(FaceDataset data, int i) {
    String name = data.name(i);
    return name == null ? Integer.toString(data.origin(i)) : csvField(name);
  }

  /** A text as one CSV field: quoted (quotes doubled) when it holds a comma, a quote or a line break. */
  public static String csvField(String text) {
    boolean quote = text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0
        || text.indexOf('\r') >= 0;
    return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
  }

  /** Writes probabilities (n*7) for the faces of data, atomically. */
  public static void write(Path file, FaceDataset data, float[] probs) {
    write(file, rows -> rows.append(data, probs));
  }

  /**
   * Writes a predictions file whose rows the body appends, block after block (streaming: the
   * faces need not be in memory at once). Atomic: the file appears when the body has returned.
   */
  public static void write(Path file, Consumer<Rows> body) {
    checkSidecarFree(file);
    AtomicOutput.write(file, out -> {
      Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
      w.write(HEADER);
      w.write("," + SOURCE_COLUMN + "\n");
      Rows rows = new Rows(w);
      body.accept(rows);
      if (rows.failure != null) {
        throw rows.failure;
      }
      w.flush();
    });
  }

  /** The rows of a predictions file being written; index numbers the faces across blocks. */
  public static final class Rows {
    private final Writer w;
    private final StringBuilder sb = new StringBuilder(256);
    private long index;
    private IOException failure;

    private Rows(Writer w) {
      this.w = w;
    }

    /** Appends the faces of data with their probabilities (n*7). */
    public void append(FaceDataset data, float[] probs) {
      Scores scores = new Scores(probs);
      try {
        for (int i = 0; i < data.size(); i++) {
          sb.setLength(0);
          sb.append(index++).append(',');
          if (data.label(i) >= 0) {
            sb.append(data.label(i));
          }
          sb.append(',').append(scores.argmax(i));
          for (int c = 0; c < Emotion.COUNT; c++) {
            sb.append(',').append(probs[i * Emotion.COUNT + c]);
          }
          sb.append(',').append(source(data, i)).append('\n');
          w.append(sb);
        }
      } catch (IOException e) {
        failure = e;
        throw new UncheckedIOException(e);
      }
    }

    /** Rows written so far. */
    public long count() {
      return index;
    }
  }
}
