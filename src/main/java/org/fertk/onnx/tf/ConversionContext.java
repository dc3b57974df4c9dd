package org.fertk.onnx.tf;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fertk.onnx.ConstTensor;
import org.fertk.onnx.tf.Layouts;
import org.fertk.onnx.OnnxGraph;
import org.fertk.onnx.OnnxOp;
import org.tensorflow.proto.NodeDef;

/**
 * State of one conversion: the TF graph, the ONNX graph being built, and the ONNX value standing
 * for each converted TF tensor. Handlers ask for their inputs in the layout they need; the
 * context inserts (and caches) the Transpose or Reshape that gets them there.
 */
final class ConversionContext {
  public final TfGraph tf;
  public final OnnxGraph onnx;
  public final Layouts layouts;
  private final Set<String> reachable;
  private final Map<String, Value> values = new HashMap<>();
  private final Map<String, Value> adapted = new HashMap<>();
  private final Map<String, String> constants = new HashMap<>();

  public ConversionContext(TfGraph tf, OnnxGraph onnx, Layouts layouts, Set<String> reachable) {
    this.tf = tf;
    this.onnx = onnx;
    this.layouts = layouts;
    this.reachable = reachable;
  }

  /** The converted value of a TF tensor, in whatever layout it was produced. */
  public Value value(String tfTensor) {
    String key = TfGraph.canonical(tfTensor);
    Value v = values.get(key);
    if (v != null) {
      return v;
    }
    if (tf.isConstant(key)) {
      ConstTensor c = tf.evaluate(key);
      return Value.of(constant(key), Layout.NATIVE, c.dims());
    }
    throw new IllegalStateException("TF tensor " + key + " used before it was converted");
  }

  /** The value of input i of a node, in the wanted layout. */
  public Value input(NodeDef node, int i, Layout want) {
    return as(value(tf.input(node, i)), want);
  }

  public Value input(NodeDef node, int i) {
    return value(tf.input(node, i));
  }

  /** Converts a value to another layout (cached per value and layout). */
  public Value as(Value v, Layout want) {
    if (v.layout() == want) {
      return v;
    }
    String key = v.name() + "->" + want;
    Value done = adapted.get(key);
    if (done != null) {
      return done;
    }
    Value out;
    long[] d = v.dims();
    if (v.layout() == Layout.NATIVE && want == Layout.NCHW && d.length == 4) {
      // NHWC with one channel has the same memory order as NCHW: a reshape, not a transpose.
      out = Value.of(d[3] == 1 ? reshape(v.name(), -1, 1, d[1], d[2])
          : transpose(v.name(), Layouts.NHWC_TO_NCHW), Layout.NCHW, d);
    } else if (v.layout() == Layout.NCHW && want == Layout.NATIVE) {
      out = Value.of(d[3] == 1 ? reshape(v.name(), -1, d[1], d[2], 1)
          : transpose(v.name(), Layouts.NCHW_TO_NHWC), Layout.NATIVE, d);
    } else if (v.layout() == Layout.FLAT_CHW && want == Layout.NATIVE) {
      long[] hwc = v.flatFrom();
      String nchw = reshape(v.name(), -1, hwc[2], hwc[0], hwc[1]);
      String nhwc = transpose(nchw, Layouts.NCHW_TO_NHWC);
      out = Value.of(reshape(nhwc, -1, hwc[0] * hwc[1] * hwc[2]), Layout.NATIVE, d);
    } else {
      throw new IllegalStateException("cannot convert " + v.layout() + " to " + want + " for rank " + d.length);
    }
    adapted.put(key, out);
    return out;
  }

  private String transpose(String in, long[] perm) {
    return onnx.add(OnnxOp.TRANSPOSE, in + "/transpose", List.of(in), Map.of("perm", perm));
  }

  public String reshape(String in, long... shape) {
    return onnx.add(OnnxOp.RESHAPE, in + "/reshape",
        List.of(in, constant(in + "/shape", ConstTensor.longVector(shape))), Map.of());
  }

  /** An initializer for the value of a constant TF tensor (once per tensor). */
  public String constant(String tfTensor) {
    String key = TfGraph.canonical(tfTensor);
    return constants.computeIfAbsent(key, k -> onnx.constant(TfGraph.nodeName(k), tf.evaluate(k)));
  }

  public String constant(String hint, ConstTensor t) {
    return onnx.constant(hint, t);
  }

  public void define(NodeDef node, int output, Value v) {
    values.put(node.getName() + ":" + output, v);
  }

  /** Consumers of a tensor inside the part of the graph being exported. */
  public List<NodeDef> consumers(String tfTensor) {
    return tf.consumers(tfTensor).stream().filter(n -> reachable.contains(n.getName())).toList();
  }
}
