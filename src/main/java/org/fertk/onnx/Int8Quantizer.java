package org.fertk.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.fertk.data.FaceDataset;
import org.fertk.onnx.proto.OnnxIr;
import org.fertk.score.OrtEngine;
import org.fertk.FerException;

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

  private final OnnxModel model;
  private final OnnxGraph graph;
  private final String input;

  private Int8Quantizer(OnnxIr.Model proto, String what) {
    this.model = OnnxModel.read(proto, what);
    this.graph = model.graph();
    if (graph.inputs().size() != 1) {
      throw new FerException(what + ": a model to quantise has one input, this one has " + graph.inputs().size());
    }
    this.input = graph.inputs().get(0).name();
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
    List<OnnxNode> convs = q.convolutions(what);
    List<String> tensors = q.activationsToQuantize(convs);
    Map<String, float[]> observed = q.calibrate(tensors, calibration, threads, what);
    Map<String, Range> ranges = q.ranges(tensors, observed);
    OnnxIr.Model out = q.rewrite(convs, ranges, calibration.size());
    return new Result(out, List.copyOf(ranges.values()), convs.size(), calibration.size());
  }

  /** The Conv nodes, each with constant float weights and bias (as the exporter writes them). */
  private List<OnnxNode> convolutions(String what) {
    List<OnnxNode> convs = new ArrayList<>();
    for (OnnxNode n : graph.nodes()) {
      if (n.op() == OnnxOp.QUANTIZE_LINEAR || n.op() == OnnxOp.DEQUANTIZE_LINEAR) {
        throw new FerException(what + ": already quantised (node '" + n.name() + "' is " + n.op().type() + ")");
      }
      if (n.op() != OnnxOp.CONV) {
        continue;
      }
      if (n.inputs().size() < 2 || !isFloatConstant(n.inputs().get(1))
          || (n.inputs().size() > 2 && !isFloatConstant(n.inputs().get(2)))) {
        throw new FerException(what + ": Conv '" + n.name() + "' has no constant float weights; "
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
    ConstTensor t = graph.initializer(name);
    return t != null && t.isFloat();
  }

  /**
   * Every convolution's input and its output after the Relu that follows it (QLinearConv needs
   * both ends quantised; the runtime drops a Relu whose output is quantised from zero), plus the
   * inputs of MaxPools feeding a convolution, so that pooling runs on the integers too.
   */
  private List<String> activationsToQuantize(List<OnnxNode> convs) {
    Set<String> out = new LinkedHashSet<>();
    for (OnnxNode c : convs) {
      String x = c.inputs().get(0);
      OnnxNode p = graph.producer(x);
      if (p != null && p.op() == OnnxOp.MAX_POOL) {
        out.add(p.inputs().get(0));
      }
      out.add(x);
      List<OnnxNode> next = graph.consumers(c.output());
      if (next.size() == 1 && next.get(0).op() == OnnxOp.RELU) {
        out.add(next.get(0).output());
      }
    }
    return new ArrayList<>(out);
  }

  /** Runs the float model with the tensors as extra outputs; returns {min, max} of each. */
  private Map<String, float[]> calibrate(List<String> tensors, FaceDataset faces, int threads, String what) {
    OnnxGraph probeGraph = copy(graph);
    for (String t : tensors) {
      if (!t.equals(input)) {
        probeGraph.addOutput(t);
      }
    }
    byte[] probe = model.with(probeGraph, "fer.probe", "calibration").toProto().toByteArray();
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
      OnnxNode p = graph.producer(t);
      if (p != null && p.op() == OnnxOp.MAX_POOL && out.containsKey(p.inputs().get(0))) {
        Range r = out.get(p.inputs().get(0));
        out.put(t, new Range(t, mm[0], mm[1], r.scale(), r.zeroPoint()));
        continue;
      }
      boolean isInput = t.equals(input) || (p != null && p.op() == OnnxOp.RESHAPE && p.inputs().get(0).equals(input));
      float lo = isInput ? 0f : Math.min(0f, mm[0]);
      float hi = isInput ? 1f : Math.max(0f, mm[1]);
      float scale = hi > lo ? (hi - lo) / 255f : 1f;
      int zp = Math.max(0, Math.min(255, Math.round(-lo / scale)));
      out.put(t, new Range(t, mm[0], mm[1], scale, zp));
    }
    return out;
  }

  /** A copy of a graph (nodes, initializers, inputs and outputs) to extend. */
  private static OnnxGraph copy(OnnxGraph g) {
    OnnxGraph c = new OnnxGraph(g.name());
    g.inputs().forEach(io -> c.addInput(io.name(), io.dims()));
    g.outputs().forEach(io -> c.outputs().add(io));
    g.initializers().forEach(c::constant);
    g.nodes().forEach(n -> c.node(n.op(), n.name(), n.inputs(), n.outputs(), n.attributes()));
    return c;
  }

  /**
   * The quantised graph, built anew through the builder: Q/DQ pairs right after the node producing
   * each calibrated tensor (before every node for the graph input), each convolution reading
   * dequantized int8 weights and int32 bias, and the nodes after it reading dequantized values.
   */
  private OnnxIr.Model rewrite(List<OnnxNode> convs, Map<String, Range> ranges, int faces) {
    OnnxGraph out = new OnnxGraph(graph.name());
    graph.inputs().forEach(io -> out.addInput(io.name(), io.dims()));
    graph.outputs().forEach(io -> out.addOutput(io.name(), io.dims()));
    Set<String> floatWeights = new LinkedHashSet<>();
    for (OnnxNode c : convs) {
      floatWeights.addAll(c.inputs().subList(1, c.inputs().size()));
    }
    graph.initializers().forEach((name, t) -> {
      if (!floatWeights.contains(name)) {
        out.constant(name, t);
      }
    });
    Map<String, String> dequantized = new HashMap<>();
    Set<String> convNames = new HashSet<>();
    convs.forEach(c -> convNames.add(c.name()));
    for (Range r : ranges.values()) {
      if (graph.producer(r.tensor()) == null) {
        dequantized.put(r.tensor(), quantizeActivation(out, r));
      }
    }
    for (OnnxNode n : graph.nodes()) {
      List<String> in = new ArrayList<>(n.inputs());
      List<String> weights = convNames.contains(n.name()) ? quantizeWeights(out, n, ranges.get(in.get(0))) : List.of();
      for (int i = 0; i < in.size(); i++) {
        String dq = i == 0 || weights.isEmpty() ? dequantized.get(in.get(i)) : weights.get(i - 1);
        if (dq != null) {
          in.set(i, dq);
        }
      }
      out.node(n.op(), n.name(), in, n.outputs(), n.attributes());
      for (String o : n.outputs()) {
        Range r = ranges.get(o);
        if (r != null) {
          dequantized.put(o, quantizeActivation(out, r));
        }
      }
    }
    return model.with(out, "fer.quantization", String.format(Locale.ROOT, "int8 static QDQ: %d "
        + "convolutions with per-channel symmetric int8 weights (7-bit range, safe from int16 saturation) and int32 "
        + "bias, %d uint8 activation tensors calibrated by min/max on %d faces", convs.size(), ranges.size(), faces))
        .toProto();
  }

  /** tensor -> QuantizeLinear -> DequantizeLinear with the range's scale and zero point; returns the DQ output. */
  private static String quantizeActivation(OnnxGraph g, Range r) {
    String t = r.tensor();
    String scale = g.constant(t + "/scale", ConstTensor.scalar(r.scale()));
    String zero = g.constant(t + "/zero_point", ConstTensor.uint8Scalar(r.zeroPoint()));
    String q = g.add(OnnxOp.QUANTIZE_LINEAR, t + "/quantized", List.of(t, scale, zero), Map.of());
    return g.add(OnnxOp.DEQUANTIZE_LINEAR, t + "/dequantized", List.of(q, scale, zero), Map.of());
  }

  /** DequantizeLinear nodes giving the convolution its weights (and bias) from int8 (int32) constants; their outputs. */
  private List<String> quantizeWeights(OnnxGraph g, OnnxNode conv, Range input) {
    ConstTensor kernel = graph.initializer(conv.inputs().get(1));
    boolean hasBias = conv.inputs().size() > 2;
    List<Long> kernelDims = Arrays.stream(kernel.dims()).boxed().toList();
    QuantizedWeights w = QuantizedWeights.of(kernel.floats(), kernelDims,
        hasBias ? graph.initializer(conv.inputs().get(2)).floats() : null, input.scale());
    long[] perChannel = {w.channels()};
    Map<String, Object> axis0 = Map.of("axis", 0L);
    String k = conv.inputs().get(1);
    List<String> dqs = new ArrayList<>();
    dqs.add(g.add(OnnxOp.DEQUANTIZE_LINEAR, k + "/dequantized", List.of(
        g.constant(k + "/quantized", ConstTensor.int8(w.dims(), w.weights())),
        g.constant(k + "/scale", ConstTensor.floats(perChannel, w.weightScales())),
        g.constant(k + "/zero_point", ConstTensor.int8(perChannel, new byte[w.channels()]))), axis0));
    if (hasBias) {
      String b = conv.inputs().get(2);
      dqs.add(g.add(OnnxOp.DEQUANTIZE_LINEAR, b + "/dequantized", List.of(
          g.constant(b + "/quantized", ConstTensor.int32(perChannel, w.bias())),
          g.constant(b + "/scale", ConstTensor.floats(perChannel, w.biasScales())),
          g.constant(b + "/zero_point", ConstTensor.int32(perChannel, new int[w.channels()]))), axis0));
    }
    return dqs;
  }
}
