package org.fertk.onnx;

import java.nio.file.Path;
import java.util.Locale;
import org.fertk.data.FaceDataset;
import org.fertk.onnx.proto.OnnxIr;
import org.fertk.score.OrtEngine;
import org.fertk.score.Throughput;
import org.fertk.util.AtomicOutput;
import org.fertk.util.FerException;

/**
 * `fer quantize --to float16`: float ONNX model -> the same model with float16-stored weights,
 * checked against the float model on the check faces and timed beside it in the same process.
 * The file is written only if the predictions agree often enough.
 */
public final class Float16Export {
  /** @param agreement float32 vs float16-stored model on the check faces */
  public record Result(Float16Weights.Result converted, byte[] model, Parity agreement, double minAgreement,
      double floatImagesPerSecond, double float16ImagesPerSecond) {
    public double agreementRate() {
      return agreement.argmaxAgree() / (double) agreement.samples();
    }

    public double speedRatio() {
      return float16ImagesPerSecond / floatImagesPerSecond;
    }
  }

  private static final int BATCH = 64;

  private Float16Export() {}

  public static Result run(Path in, Path out, FaceDataset check, double minAgreement, int threads) {
    OnnxIr.Model model = QuantizedExport.read(in);
    Float16Weights.Result c = Float16Weights.convert(model, in.toString());
    byte[] bytes = c.model().toByteArray();
    Parity agreement;
    double floatIps;
    double halfIps;
    try (OrtEngine fp = OrtEngine.open(in, threads);
        OrtEngine half = OrtEngine.open(bytes, threads, "float16-weight model")) {
      agreement = Parity.measure(fp, half, check, Double.POSITIVE_INFINITY);
      Throughput.Batches batches = Throughput.Batches.of(check, BATCH);
      floatIps = Throughput.bestImagesPerSecond(fp, batches, 3);
      halfIps = Throughput.bestImagesPerSecond(half, batches, 3);
    }
    Result r = new Result(c, bytes, agreement, minAgreement, floatIps, halfIps);
    if (r.agreementRate() < minAgreement) {
      throw new FerException(String.format(Locale.ROOT,
          "%s: the float16-weight model agrees with the float model on %d of %d check faces (%.1f%%), below the "
              + "required %.1f%%; nothing written (keep this model in float32, or lower --min-agreement)", in,
          agreement.argmaxAgree(), agreement.samples(), 100 * r.agreementRate(), 100 * minAgreement));
    }
    if (out != null) {
      AtomicOutput.write(out, o -> o.write(bytes));
    }
    return r;
  }
}
