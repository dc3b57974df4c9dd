package org.fertk.export;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.fertk.data.FaceDataset;
import org.fertk.onnx.Int8Quantizer;
import org.fertk.onnx.proto.OnnxIr;
import org.fertk.score.OrtEngine;
import org.fertk.score.Throughput;
import org.fertk.util.AtomicOutput;
import org.fertk.FerException;

/**
 * `fer quantize`: float ONNX model -> int8 QDQ model, checked against the float model on faces
 * the calibration did not see, and timed against it in the same process. The file is written
 * only if the predictions agree often enough.
 */
public final class QuantizedExport {
  /**
   * @param agreement float vs int8 on the check faces (its tolerance is not used; see minAgreement)
   * @param fusedConvolutions how many convolutions ONNX Runtime runs as integer QLinearConv
   */
  public record Result(Int8Quantizer.Result quantized, byte[] model, Parity agreement, double minAgreement,
      double floatImagesPerSecond, double int8ImagesPerSecond, int fusedConvolutions) {
    public double agreementRate() {
      return agreement.argmaxAgree() / (double) agreement.samples();
    }

    public double speedup() {
      return int8ImagesPerSecond / floatImagesPerSecond;
    }
  }

  private static final int BATCH = 64;

  private QuantizedExport() {}

  public static Result run(Path in, Path out, FaceDataset calibration, FaceDataset check, double minAgreement,
      int threads) {
    OnnxIr.Model model = read(in);
    Int8Quantizer.Result q = Int8Quantizer.quantize(model, calibration, threads, in.toString());
    byte[] bytes = q.model().toByteArray();
    Checked c = checkAndWrite(in, bytes, "int8 model", check, minAgreement, threads, out,
        "calibrate on more faces, or lower " + FerException.setting("min_agreement"));
    return new Result(q, bytes, c.agreement(), minAgreement, c.floatImagesPerSecond(), c.otherImagesPerSecond(),
        fusedConvolutions(bytes, threads));
  }

  /** A rewritten model against its float source: agreement on the check faces and both speeds. */
  record Checked(Parity agreement, double floatImagesPerSecond, double otherImagesPerSecond) {}

  /**
   * Compares the rewritten model with the float model on the check faces, times both in this
   * process, and writes it (atomically, when out is not null) only if enough predictions agree.
   */
  static Checked checkAndWrite(Path in, byte[] bytes, String what, FaceDataset check, double minAgreement,
      int threads, Path out, String advice) {
    Checked c;
    try (OrtEngine fp = OrtEngine.open(in, threads); OrtEngine other = OrtEngine.open(bytes, threads, what)) {
      Parity agreement = Parity.measure(fp, other, check, Double.POSITIVE_INFINITY);
      Throughput.Batches batches = Throughput.Batches.of(check, BATCH);
      c = new Checked(agreement, Throughput.bestImagesPerSecond(fp, batches, 3),
          Throughput.bestImagesPerSecond(other, batches, 3));
    }
    Parity a = c.agreement();
    double rate = a.argmaxAgree() / (double) a.samples();
    if (rate < minAgreement) {
      throw new FerException(String.format(Locale.ROOT,
          "%s: the %s agrees with the float model on %d of %d check faces (%.1f%%), below the required "
              + "%.1f%%; nothing written (%s)", in, what, a.argmaxAgree(), a.samples(), 100 * rate,
          100 * minAgreement, advice));
    }
    if (out != null) {
      AtomicOutput.write(out, o -> o.write(bytes));
    }
    return c;
  }

  /** The ONNX model in the file, or a message naming the file. */
  static OnnxIr.Model read(Path in) {
    if (!Files.isRegularFile(in)) {
      throw new FerException(in + ": file not found");
    }
    OnnxIr.Model model;
    try {
      model = OnnxIr.Model.parseFrom(Files.readAllBytes(in));
    } catch (InvalidProtocolBufferException e) {
      throw new FerException(in + ": not an ONNX model (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!model.hasGraph()) {
      throw new FerException(in + ": not an ONNX model (no graph)");
    }
    return model;
  }

  /** Counts the QLinearConv nodes in the graph ONNX Runtime actually runs (its optimised model). */
  public static int fusedConvolutions(byte[] model, int threads) {
    Path tmp = null;
    try {
      tmp = Files.createTempFile("fer-int8-optimised", ".onnx");
      try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        o.setIntraOpNumThreads(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
        o.setOptimizedModelFilePath(tmp.toString());
        // ORT warns that a model saved after layout optimisations suits this machine only: it is read once here.
        o.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        OrtEngine.environment().createSession(model, o).close();
      }
      OnnxIr.Model optimised = OnnxIr.Model.parseFrom(Files.readAllBytes(tmp));
      return (int) optimised.getGraph().getNodeList().stream().filter(n -> n.getOpType().endsWith("QLinearConv")).count();
    } catch (IOException | OrtException e) {
      return -1;
    } finally {
      if (tmp != null) {
        AtomicOutput.deleteQuietly(tmp);
      }
    }
  }
}
