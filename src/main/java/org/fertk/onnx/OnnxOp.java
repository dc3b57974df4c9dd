package org.fertk.onnx;

import java.util.Map;
import java.util.Set;

/**
 * The ONNX operators this exporter emits, with the rules a node must satisfy (input and output
 * arity, allowed attributes, first opset with the semantics we rely on). Checked when a node is
 * created, so a converter bug fails at once with a clear message instead of in the checker.
 */
public enum OnnxOp {
  CONV("Conv", 2, 3, 1, 1, 11, "kernel_shape", "pads", "strides", "dilations", "group"),
  GEMM("Gemm", 2, 3, 1, 1, 11, "alpha", "beta", "transA", "transB"),
  MAT_MUL("MatMul", 2, 2, 1, 1, 9),
  ADD("Add", 2, 2, 1, 1, 7),
  SUB("Sub", 2, 2, 1, 1, 7),
  MUL("Mul", 2, 2, 1, 1, 7),
  DIV("Div", 2, 2, 1, 1, 7),
  MAX("Max", 1, Integer.MAX_VALUE, 1, 1, 8),
  MIN("Min", 1, Integer.MAX_VALUE, 1, 1, 8),
  RELU("Relu", 1, 1, 1, 1, 6),
  ELU("Elu", 1, 1, 1, 1, 6, "alpha"),
  SIGMOID("Sigmoid", 1, 1, 1, 1, 6),
  TANH("Tanh", 1, 1, 1, 1, 6),
  SOFTMAX("Softmax", 1, 1, 1, 1, 11, "axis"),
  SELU("Selu", 1, 1, 1, 1, 6, "alpha", "gamma"),
  LEAKY_RELU("LeakyRelu", 1, 1, 1, 1, 6, "alpha"),
  SOFTPLUS("Softplus", 1, 1, 1, 1, 1),
  ERF("Erf", 1, 1, 1, 1, 13),
  SQRT("Sqrt", 1, 1, 1, 1, 6),
  CLIP("Clip", 1, 3, 1, 1, 11),
  MAX_POOL("MaxPool", 1, 1, 1, 1, 11, "kernel_shape", "pads", "strides"),
  AVERAGE_POOL("AveragePool", 1, 1, 1, 1, 11, "kernel_shape", "pads", "strides", "count_include_pad"),
  REDUCE_MEAN("ReduceMean", 1, 1, 1, 1, 11, "axes", "keepdims"),
  REDUCE_MAX("ReduceMax", 1, 1, 1, 1, 11, "axes", "keepdims"),
  PAD("Pad", 2, 3, 1, 1, 11, "mode"),
  RESIZE("Resize", 1, 4, 1, 1, 13, "mode", "coordinate_transformation_mode", "nearest_mode"),
  RESHAPE("Reshape", 2, 2, 1, 1, 5),
  FLATTEN("Flatten", 1, 1, 1, 1, 11, "axis"),
  TRANSPOSE("Transpose", 1, 1, 1, 1, 1, "perm"),
  SQUEEZE("Squeeze", 2, 2, 1, 1, 13),
  GATHER("Gather", 2, 2, 1, 1, 11, "axis"),
  SLICE("Slice", 3, 5, 1, 1, 13),
  LSTM("LSTM", 3, 8, 1, 3, 7, "hidden_size", "direction"),
  CONCAT("Concat", 1, Integer.MAX_VALUE, 1, 1, 11, "axis"),
  // the passes over exported models: float16 weight storage and int8 quantization
  CAST("Cast", 1, 1, 1, 1, 6, "to"),
  QUANTIZE_LINEAR("QuantizeLinear", 2, 3, 1, 1, 13, "axis"),
  DEQUANTIZE_LINEAR("DequantizeLinear", 2, 3, 1, 1, 13, "axis");

  private final String type;
  private final int minInputs;
  private final int maxInputs;
  private final int minOutputs;
  private final int maxOutputs;
  private final int minOpset;
  private final Set<String> attributes;

  OnnxOp(String type, int minIn, int maxIn, int minOut, int maxOut, int minOpset, String... attrs) {
    this.type = type;
    this.minInputs = minIn;
    this.maxInputs = maxIn;
    this.minOutputs = minOut;
    this.maxOutputs = maxOut;
    this.minOpset = minOpset;
    this.attributes = Set.of(attrs);
  }

  /** The operator of an ONNX op type, or null when this toolkit does not emit it. */
  public static OnnxOp of(String type) {
    for (OnnxOp op : values()) {
      if (op.type.equals(type)) {
        return op;
      }
    }
    return null;
  }

  public String type() {
    return type;
  }

  /**
   * The lowest opset in which this operator means what the exporter emits (e.g. Squeeze takes its
   * axes as an input from 13; ReduceMean takes them as an attribute up to 17).
   */
  public int minOpset() {
    return minOpset;
  }

  /** Highest opset the exporter writes (ReduceMean's axes attribute became an input in 18). */
  public static final int MAX_OPSET = 17;

  void validate(int inputs, int outputs, Map<String, Object> attrs) {
    if (inputs < minInputs || inputs > maxInputs) {
      throw new IllegalArgumentException(type + " takes " + minInputs + ".." + maxInputs + " inputs, got " + inputs);
    }
    if (outputs < minOutputs || outputs > maxOutputs) {
      throw new IllegalArgumentException(type + " has " + minOutputs + ".." + maxOutputs + " outputs, got " + outputs);
    }
    for (String a : attrs.keySet()) {
      if (!attributes.contains(a)) {
        throw new IllegalArgumentException(type + " has no attribute '" + a + "'");
      }
    }
  }
}
