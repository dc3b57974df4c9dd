package org.fertk.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fertk.data.FaceDataset;
import org.fertk.onnx.proto.OnnxIr;
import org.fertk.score.OrtEngine;
import org.fertk.util.FerException;

/**
 * Static int8 quantisation of an exported float model, written in the QDQ form that ONNX Runtime
 * turns into integer kernels (QLinearConv): every convolution gets per-output-channel symmetric
 * int8 weights and an int32 bias, and the activations that enter and leave it pass through a
 * QuantizeLinear / DequantizeLinear pair (uint8, ranges calibrated on sample faces by their
 * observed minimum and maximum). Everything else (pooling of the last map, the dense head,
 * softmax) stays float. The result is an ordinary ONNX model that any runtime can execute; only
 * runtimes that fuse QDQ patterns get the speed.
 */
public final class Int8Quantizer {
  /** The calibrated range of one activation tensor and its uint8 encoding. */
  public record Range(String tensor, float min, float max, float scale, int zeroPoint) {}

  /** The quantised model and what was done to it. */
  public record Result(OnnxIr.Model model, List<Range> ranges, int convolutions, int calibrationFaces) {}

  private static final OrtEnvironment ENV = OrtEngine.environment();
  private static final int CALIBRATION_BATCH = 64;

  private final OnnxIr.Graph graph;
  private final Map<String, OnnxIr.Tensor> initializers = new HashMap<>();
  private final Map<String, OnnxIr.Node> producers = new HashMap<>();
  private final String input;

  private Int8Quantizer(OnnxIr.Model model, String what) {
    this.graph = model.getGraph();
    graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
    for (OnnxIr.Node n : graph.getNodeList()) {
      n.getOutputList().forEach(o -> producers.put(o, n));
    }
    if (graph.getInputCount() != 1) {
      throw new FerException(what + ": a model to quantise has one input, this one has " + graph.getInputCount());
    }
    this.input = graph.getInput(0).getName();
  }

  /**
   * Quantises every convolution of the model, calibrating activation ranges on the faces.
   *
   * @param what the model's name for messages (its file)
   */
  public static Result quantize(OnnxIr.Model model, FaceDataset calibration, int threads, String what) {
    if (calibration.size() == 0) {
      throw new FerException(what + ": no calibration faces");
    }
    Int8Quantizer q = new Int8Quantizer(model, what);
    List<OnnxIr.Node> convs = q.convolutions(what);
    List<String> tensors = q.activationsToQuantize(convs);
    Map<String, float[]> observed = q.calibrate(model, tensors, calibration, threads, what);
    Map<String, Range> ranges = q.ranges(tensors, observed);
    OnnxIr.Model out = q.rewrite(model, convs, ranges, calibration.size());
    return new Result(out, List.copyOf(ranges.values()), convs.size(), calibration.size());
  }

  /** The Conv nodes, each with constant float weights and bias (as the exporter writes them). */
  private List<OnnxIr.Node> convolutions(String what) {
    List<OnnxIr.Node> convs = new ArrayList<>();
    for (OnnxIr.Node n : graph.getNodeList()) {
      if (n.getOpType().equals("QuantizeLinear") || n.getOpType().equals("DequantizeLinear")) {
        throw new FerException(what + ": already quantised (node '" + n.getName() + "' is " + n.getOpType() + ")");
      }
      if (!n.getOpType().equals("Conv")) {
        continue;
      }
      if (n.getInputCount() < 2 || !isFloatConstant(n.getInput(1))
          || (n.getInputCount() > 2 && !isFloatConstant(n.getInput(2)))) {
        throw new FerException(what + ": Conv '" + n.getName() + "' has no constant float weights; "
            + "only models exported by `fer export` can be quantised");
      }
      convs.add(n);
    }
    if (convs.isEmpty()) {
      throw new FerException(what + ": no convolution to quantise (int8 quantisation speeds up Conv layers only)");
    }
    return convs;
  }

  private boolean isFloatConstant(String name) {
    OnnxIr.Tensor t = initializers.get(name);
    return t != null && t.getDataType() == OnnxIr.Tensor.DataType.FLOAT_VALUE;
  }

  /**
   * Every convolution's input and its output after the Relu that follows it (QLinearConv needs
   * both ends quantised; the runtime drops a Relu whose output is quantised from zero), plus the
   * inputs of MaxPools feeding a convolution, so that pooling runs on the integers too.
   */
  private List<String> activationsToQuantize(List<OnnxIr.Node> convs) {
    Set<String> out = new LinkedHashSet<>();
    for (OnnxIr.Node c : convs) {
      String x = c.getInput(0);
      OnnxIr.Node p = producers.get(x);
      if (p != null && p.getOpType().equals("MaxPool")) {
        out.add(p.getInput(0));
      }
      out.add(x);
      List<OnnxIr.Node> next = consumers(c.getOutput(0));
      if (next.size() == 1 && next.get(0).getOpType().equals("Relu")) {
        out.add(next.get(0).getOutput(0));
      }
    }
    return new ArrayList<>(out);
  }

  private List<OnnxIr.Node> consumers(String value) {
    List<OnnxIr.Node> c = new ArrayList<>();
    for (OnnxIr.Node n : graph.getNodeList()) {
      if (n.getInputList().contains(value)) {
        c.add(n);
      }
    }
    return c;
  }

  /** Runs the float model with the tensors as extra outputs; returns {min, max} of each. */
  private Map<String, float[]> calibrate(OnnxIr.Model model, List<String> tensors, FaceDataset faces, int threads,
      String what) {
    OnnxIr.Graph.Builder g = model.getGraph().toBuilder();
    for (String t : tensors) {
      if (!t.equals(input)) {
        g.addOutput(OnnxIr.ValueInfo.newBuilder().setName(t).setType(OnnxIr.TypeInfo.newBuilder()
            .setTensorType(OnnxIr.TypeInfo.TensorType.newBuilder().setElemType(OnnxIr.Tensor.DataType.FLOAT_VALUE))));
      }
    }
    byte[] probe = model.toBuilder().setGraph(g).build().toByteArray();
    Map<String, float[]> ranges = new LinkedHashMap<>();
    tensors.forEach(t -> ranges.put(t, new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}));
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setIntraOpNumThreads(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
      // Basic optimisations only: fusions would remove the intermediate tensors being observed.
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
      try (OrtSession s = ENV.createSession(probe, o)) {
        FloatBuffer all = faces.toDirectUnitFloats();
        for (int start = 0; start < faces.size(); start += CALIBRATION_BATCH) {
          int n = Math.min(CALIBRATION_BATCH, faces.size() - start);
          all.position(start * FaceDataset.PIXELS);
          FloatBuffer batch = all.slice().limit(n * FaceDataset.PIXELS);
          long[] shape = {n, FaceDataset.SIDE, FaceDataset.SIDE, 1};
          try (OnnxTensor x = OnnxTensor.createTensor(ENV, batch, shape);
              OrtSession.Result r = s.run(Map.of(input, x))) {
            for (String t : tensors) {
              FloatBuffer v = t.equals(input) ? batch.duplicate().rewind() : floats(r.get(t).orElseThrow());
              float[] mm = ranges.get(t);
              while (v.hasRemaining()) {
                float f = v.get();
                mm[0] = Math.min(mm[0], f);
                mm[1] = Math.max(mm[1], f);
              }
            }
          }
        }
      }
    } catch (OrtException e) {
      throw new FerException(what + ": calibration run failed in ONNX Runtime: " + e.getMessage());
    }
    return ranges;
  }

  private static FloatBuffer floats(OnnxValue v) {
    return ((OnnxTensor) v).getFloatBuffer();
  }

  /**
   * uint8 encodings: the range always contains zero (so zero is exact and a Relu output gets
   * zero point 0); the model input is [0,1] by contract, so its scale is exactly 1/255 and
   * 8-bit faces pass unchanged; a MaxPool's output keeps its input's encoding.
   */
  private Map<String, Range> ranges(List<String> tensors, Map<String, float[]> observed) {
    Map<String, Range> out = new LinkedHashMap<>();
    for (String t : tensors) {
      float[] mm = observed.get(t);
      OnnxIr.Node p = producers.get(t);
      if (p != null && p.getOpType().equals("MaxPool") && out.containsKey(p.getInput(0))) {
        Range r = out.get(p.getInput(0));
        out.put(t, new Range(t, mm[0], mm[1], r.scale(), r.zeroPoint()));
        continue;
      }
      boolean isInput = t.equals(input) || (p != null && p.getOpType().equals("Reshape") && p.getInput(0).equals(input));
      float lo = isInput ? 0f : Math.min(0f, mm[0]);
      float hi = isInput ? 1f : Math.max(0f, mm[1]);
      float scale = hi > lo ? (hi - lo) / 255f : 1f;
      int zp = Math.max(0, Math.min(255, Math.round(-lo / scale)));
      out.put(t, new Range(t, mm[0], mm[1], scale, zp));
    }
    return out;
  }

  private OnnxIr.Model rewrite(OnnxIr.Model model, List<OnnxIr.Node> convs, Map<String, Range> ranges,
      int faces) {
    Map<String, OnnxIr.Tensor> newInits = new LinkedHashMap<>();
    // Q/DQ pairs go right after the node producing the tensor (before every node for graph inputs).
    Map<String, List<OnnxIr.Node>> after = new HashMap<>();
    List<OnnxIr.Node> first = new ArrayList<>();
    Map<String, String> dequantized = new HashMap<>();
    for (Range r : ranges.values()) {
      List<OnnxIr.Node> pair = quantizeActivation(r, newInits);
      OnnxIr.Node p = producers.get(r.tensor());
      (p == null ? first : after.computeIfAbsent(p.getName(), k -> new ArrayList<>())).addAll(pair);
      dequantized.put(r.tensor(), pair.get(1).getOutput(0));
    }
    Map<String, List<OnnxIr.Node>> weightDequantizers = new HashMap<>();
    Set<String> floatWeights = new LinkedHashSet<>();
    for (OnnxIr.Node c : convs) {
      weightDequantizers.put(c.getName(), quantizeWeights(c, ranges.get(c.getInput(0)), newInits));
      floatWeights.addAll(c.getInputList().subList(1, c.getInputCount()));
    }
    OnnxIr.Graph.Builder g = graph.toBuilder().clearNode();
    first.forEach(g::addNode);
    for (OnnxIr.Node n : graph.getNodeList()) {
      OnnxIr.Node.Builder nb = n.toBuilder();
      List<OnnxIr.Node> dqs = weightDequantizers.getOrDefault(n.getName(), List.of());
      dqs.forEach(g::addNode);
      for (int i = 0; i < nb.getInputCount(); i++) {
        String dq = i == 0 || dqs.isEmpty() ? dequantized.get(nb.getInput(i)) : dqs.get(i - 1).getOutput(0);
        if (dq != null) {
          nb.setInput(i, dq);
        }
      }
      g.addNode(nb);
      after.getOrDefault(n.getName(), List.of()).forEach(g::addNode);
    }
    List<OnnxIr.Tensor> inits = new ArrayList<>(graph.getInitializerList());
    inits.removeIf(t -> floatWeights.contains(t.getName()));
    inits.addAll(newInits.values());
    g.clearInitializer().addAllInitializer(inits);
    return model.toBuilder().setGraph(g).addMetadataProps(OnnxIr.StringStringEntry.newBuilder()
        .setKey("fer.quantization").setValue(String.format(java.util.Locale.ROOT, "int8 static QDQ: %d convolutions "
            + "with per-channel symmetric int8 weights (7-bit range, safe from int16 saturation) and int32 bias, %d uint8 "
            + "activation tensors calibrated by "
            + "min/max on %d faces", convs.size(), ranges.size(), faces))).build();
  }

  /** tensor -> QuantizeLinear -> DequantizeLinear, with the range's scale and zero point. */
  private static List<OnnxIr.Node> quantizeActivation(Range r, Map<String, OnnxIr.Tensor> inits) {
    String t = r.tensor();
    inits.put(t + "/scale", floatTensor(t + "/scale", new long[0], new float[] {r.scale()}));
    inits.put(t + "/zero_point", uint8Scalar(t + "/zero_point", r.zeroPoint()));
    return List.of(node("QuantizeLinear", t + "/quantized", List.of(t, t + "/scale", t + "/zero_point"), -1),
        node("DequantizeLinear", t + "/dequantized", List.of(t + "/quantized", t + "/scale", t + "/zero_point"), -1));
  }

  /** The DequantizeLinear nodes giving the convolution its weights (and bias) from int8 (int32) constants. */
  private List<OnnxIr.Node> quantizeWeights(OnnxIr.Node conv, Range input, Map<String, OnnxIr.Tensor> inits) {
    OnnxIr.Tensor kernel = initializers.get(conv.getInput(1));
    boolean hasBias = conv.getInputCount() > 2;
    QuantizedWeights w = QuantizedWeights.of(floatsOf(kernel), kernel.getDimsList(),
        hasBias ? floatsOf(initializers.get(conv.getInput(2))) : null, input.scale());
    long[] perChannel = {w.channels()};
    String k = conv.getInput(1);
    inits.put(k + "/quantized", int8Tensor(k + "/quantized", w.dims(), w.weights()));
    inits.put(k + "/scale", floatTensor(k + "/scale", perChannel, w.weightScales()));
    inits.put(k + "/zero_point", int8Tensor(k + "/zero_point", perChannel, new byte[w.channels()]));
    List<OnnxIr.Node> dqs = new ArrayList<>();
    dqs.add(node("DequantizeLinear", k + "/dequantized", List.of(k + "/quantized", k + "/scale", k + "/zero_point"), 0));
    if (hasBias) {
      String b = conv.getInput(2);
      inits.put(b + "/quantized", int32Tensor(b + "/quantized", w.bias()));
      inits.put(b + "/scale", floatTensor(b + "/scale", perChannel, w.biasScales()));
      inits.put(b + "/zero_point", int32Tensor(b + "/zero_point", new int[w.channels()]));
      dqs.add(node("DequantizeLinear", b + "/dequantized", List.of(b + "/quantized", b + "/scale", b + "/zero_point"), 0));
    }
    return dqs;
  }

  /** A node whose one output is named like the node; axis < 0 means no axis attribute. */
  private static OnnxIr.Node node(String op, String name, List<String> in, int axis) {
    OnnxIr.Node.Builder n = OnnxIr.Node.newBuilder().setOpType(op).setName(name).addAllInput(in).addOutput(name);
    if (axis >= 0) {
      n.addAttribute(OnnxIr.Attribute.newBuilder().setName("axis").setType(OnnxIr.Attribute.Type.INT).setI(axis));
    }
    return n.build();
  }

  static float[] floatsOf(OnnxIr.Tensor t) {
    if (t.getFloatDataCount() > 0) {
      float[] f = new float[t.getFloatDataCount()];
      for (int i = 0; i < f.length; i++) {
        f[i] = t.getFloatData(i);
      }
      return f;
    }
    FloatBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] f = new float[b.remaining()];
    b.get(f);
    return f;
  }

  private static OnnxIr.Tensor floatTensor(String name, long[] dims, float[] v) {
    ByteBuffer raw = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(v);
    return tensor(name, dims, OnnxIr.Tensor.DataType.FLOAT_VALUE, raw.array());
  }

  private static OnnxIr.Tensor int8Tensor(String name, long[] dims, byte[] v) {
    return tensor(name, dims, OnnxIr.Tensor.DataType.INT8_VALUE, v);
  }

  private static OnnxIr.Tensor uint8Scalar(String name, int v) {
    return tensor(name, new long[0], OnnxIr.Tensor.DataType.UINT8_VALUE, new byte[] {(byte) v});
  }

  private static OnnxIr.Tensor int32Tensor(String name, int[] v) {
    ByteBuffer raw = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asIntBuffer().put(v);
    return tensor(name, new long[] {v.length}, OnnxIr.Tensor.DataType.INT32_VALUE, raw.array());
  }

  private static OnnxIr.Tensor tensor(String name, long[] dims, int type, byte[] raw) {
    OnnxIr.Tensor.Builder b = OnnxIr.Tensor.newBuilder().setName(name).setDataType(type).setRawData(ByteString.copyFrom(raw));
    for (long d : dims) {
      b.addDims(d);
    }
    return b.build();
  }
}
