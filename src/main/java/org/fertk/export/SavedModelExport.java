package org.fertk.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.fertk.onnx.OnnxGraph;
import org.fertk.onnx.OnnxNode;
import org.fertk.onnx.proto.OnnxIr;
import org.fertk.onnx.tf.ConversionException;
import org.fertk.onnx.tf.TfToOnnxConverter;
import org.fertk.score.OrtEngine;
import org.fertk.util.AtomicOutput;
import org.fertk.FerException;
import org.fertk.util.ProtectedInputs;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;

/**
 * `fer export --saved-model`: any SavedModel whose serving signature has one float input and one
 * float output and whose ops the converter handles (not only the toolkit's own models). The
 * signature names the tensors; the parity check feeds random inputs in [0, 1] of the input's shape
 * to TF and to ONNX Runtime and compares every output value.
 */
public final class SavedModelExport {
  /** The graph, its bytes, the largest TF-vs-ORT difference, and the op counts. */
  public record Result(OnnxGraph graph, byte[] model, String input, String output, long[] inputShape,
      double maxAbsDiff, Map<String, Long> opCounts) {}

  private SavedModelExport() {}

  public static Result export(Path dir, Path out, TfToOnnxConverter.Options options, double tolerance, String signature) {
    if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      throw new FerException(dir + ": not a SavedModel folder (no saved_model.pb)");
    }
    ProtectedInputs.readingFolder(dir);
    try (SavedModelBundle b = SavedModelBundle.load(dir.toString(), "serve")) {
      SignatureDef sig = b.metaGraphDef().getSignatureDefMap().get(signature);
      if (sig == null) {
        throw new FerException(dir + ": no signature '" + signature + "' (it has: "
            + String.join(", ", new TreeMap<>(b.metaGraphDef().getSignatureDefMap()).keySet()) + ")");
      }
      if (sig.getInputsCount() != 1 || sig.getOutputsCount() != 1) {
        throw new FerException(dir + ": signature '" + signature + "' has " + sig.getInputsCount() + " inputs and "
            + sig.getOutputsCount() + " outputs; one of each is supported");
      }
      TensorInfo in = sig.getInputsMap().values().iterator().next();
      TensorInfo outInfo = sig.getOutputsMap().values().iterator().next();
      String inputOp = opName(in.getName());
      String outputOp = opName(outInfo.getName());
      long[] shape = shape(in.getTensorShape(), dir);
      TfToOnnxConverter converter = new TfToOnnxConverter(options);
      OnnxGraph g = converter.convert(b.graph(), b.session(), inputOp, outputOp, "saved_model");
      OnnxIr.Model model = converter.toModel(g, Map.of("fer.source", "SavedModel signature " + signature
          + ": " + in.getName() + " -> " + outInfo.getName()));
      byte[] bytes = model.toByteArray();
      double diff = parity(b, in.getName(), outInfo.getName(), shape, bytes);
      if (!(diff <= tolerance)) {
        throw new ConversionException(String.format(Locale.ROOT,
            "parity check failed, nothing written: largest difference %.3g > tolerance %.0e", diff, tolerance));
      }
      if (out != null) {
        AtomicOutput.write(out, o -> o.write(bytes));
      }
      Map<String, Long> counts = new TreeMap<>();
      for (OnnxNode n : g.nodes()) {
        counts.merge(n.op().type(), 1L, Long::sum);
      }
      return new Result(g, bytes, inputOp, outputOp, shape, diff, counts);
    }
  }

  private static String opName(String tensor) {
    int colon = tensor.lastIndexOf(':');
    return colon < 0 ? tensor : tensor.substring(0, colon);
  }

  /** The input's shape with a batch of 16 for the unknown batch size; other sizes must be known. */
  private static long[] shape(TensorShapeProto proto, Path dir) {
    long[] s = new long[proto.getDimCount()];
    for (int i = 0; i < s.length; i++) {
      s[i] = proto.getDim(i).getSize();
      if (s[i] < 0 && i > 0) {
        throw new FerException(dir + ": the input's axis " + i + " has no fixed size; the exporter needs every size but the batch's");
      }
    }
    if (s.length > 0 && s[0] < 0) {
      s[0] = 16;
    }
    return s;
  }

  private static double parity(SavedModelBundle b, String input, String output, long[] shape, byte[] onnx) {
    int n = (int) Arrays.stream(shape).reduce(1, (x, y) -> x * y);
    float[] x = new float[n];
    SplittableRandom r = new SplittableRandom(17);
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.nextDouble();
    }
    float[] expected;
    try (TFloat32 t = TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(x, true, false));
        org.tensorflow.Result res = b.session().runner().feed(input, t).fetch(output).run()) {
      TFloat32 y = (TFloat32) res.get(0);
      expected = new float[(int) y.size()];
      y.copyTo(DataBuffers.of(expected, false, false));
    }
    OrtEnvironment env = OrtEngine.environment();
    try (OrtSession s = env.createSession(onnx, new OrtSession.SessionOptions());
        OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
        OrtSession.Result res = s.run(Map.of(s.getInputNames().iterator().next(), t))) {
      float[] got = new float[expected.length];
      ((OnnxTensor) res.get(0)).getFloatBuffer().get(got);
      double worst = 0;
      for (int i = 0; i < got.length; i++) {
        worst = Math.max(worst, Math.abs(got[i] - expected[i]));
      }
      return worst;
    } catch (OrtException e) {
      throw new ConversionException("ONNX Runtime cannot run the exported model: " + e.getMessage());
    }
  }
}
