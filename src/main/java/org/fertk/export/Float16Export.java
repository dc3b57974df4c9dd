package org.fertk.export;

import org.fertk.FerException;
import org.fertk.onnx.Float16Weights;

import java.nio.file.Path;
import org.fertk.data.FaceDataset;
import org.fertk.onnx.proto.OnnxIr;

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

  private Float16Export() {}

  public static Result run(Path in, Path out, FaceDataset check, double minAgreement, int threads) {
    OnnxIr.Model model = QuantizedExport.read(in);
    Float16Weights.Result c = Float16Weights.convert(model, in.toString());
    byte[] bytes = c.model().toByteArray();
    QuantizedExport.Checked k = QuantizedExport.checkAndWrite(in, bytes, "float16-weight model", check, minAgreement,
        threads, out, "keep this model in float32, or lower " + FerException.setting("min_agreement"));
    return new Result(c, bytes, k.agreement(), minAgreement, k.floatImagesPerSecond(), k.otherImagesPerSecond());
  }
}
