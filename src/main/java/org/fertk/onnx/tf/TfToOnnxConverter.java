package org.fertk.onnx.tf;

import org.fertk.FerException;
import org.fertk.onnx.OnnxGraph;
import org.fertk.onnx.OnnxOptimizer;
import org.fertk.onnx.OnnxOp;
import org.fertk.onnx.OnnxNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.fertk.onnx.proto.OnnxIr;
import org.fertk.onnx.tf.ConversionContext;
import org.fertk.onnx.tf.ConversionException;
import org.fertk.onnx.tf.Handlers;
import org.fertk.onnx.tf.Layout;
import org.fertk.onnx.tf.OpHandler;
import org.fertk.onnx.tf.TfGraph;
import org.fertk.onnx.tf.Value;
import org.fertk.util.Versions;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.NodeDef;

/**
 * Converts the inference part of a TF graph (from the output back to the input) to ONNX, op by
 * op, through the handler registry. Tensors that do not depend on the input are evaluated by TF
 * and become initializers; layout (NHWC to NCHW) is handled lazily by the conversion context.
 */
public final class TfToOnnxConverter {
  public static final int IR_VERSION = 8;
  public static final int DEFAULT_OPSET = 17;

  /** @param layouts the layout helper (tests substitute faulty ones as negative controls) */
  public record Options(int opset, Layouts layouts) {
    public static Options defaults() {
      return new Options(DEFAULT_OPSET, new Layouts());
    }
  }

  private final Options options;

  public TfToOnnxConverter(Options options) {
    this.options = options;
  }

  /** Converts the subgraph from input to output into an optimized ONNX graph. */
  public OnnxGraph convert(Graph graph, Session session, String input, String output, String name) {
    TfGraph tf = new TfGraph(graph, session);
    if (!tf.has(output)) {
      throw new ConversionException("the TF graph has no output node '" + output + "'");
    }
    if (!tf.has(input)) {
      throw new ConversionException("the TF graph has no input node '" + input + "'");
    }
    List<NodeDef> order = new ArrayList<>();
    Map<String, Integer> unsupported = new TreeMap<>();
    collect(tf, output, new HashSet<>(), order, unsupported);
    if (!unsupported.isEmpty()) {
      StringBuilder sb = new StringBuilder("unsupported TF ops: ");
      unsupported.forEach((op, n) -> sb.append(op).append(" x").append(n).append(", "));
      sb.setLength(sb.length() - 2);
      throw new ConversionException(sb + " (supported: " + String.join(", ", Handlers.supported()) + ")");
    }
    int need = 0;
    for (NodeDef n : order) {
      need = Math.max(need, Handlers.get(n.getOp()).minOpset());
    }
    if (options.opset() < need || options.opset() > OnnxOp.MAX_OPSET) {
      throw new ConversionException(FerException.setting("opset") + " " + options.opset() + " is not possible for "
          + "this model: its ops need opset " + need + " to " + OnnxOp.MAX_OPSET);
    }
    Set<String> reachable = new LinkedHashSet<>();
    order.forEach(n -> reachable.add(n.getName()));
    if (!reachable.contains(input)) {
      throw new ConversionException("the output '" + output + "' does not depend on the input '" + input + "'");
    }
    OnnxGraph onnx = new OnnxGraph(name);
    ConversionContext ctx = new ConversionContext(tf, onnx, options.layouts(), reachable);
    for (NodeDef n : order) {
      Handlers.get(n.getOp()).convert(n, ctx);
    }
    Value out = ctx.as(ctx.value(output + ":0"), Layout.NATIVE);
    nameOutput(onnx, out.name(), output);
    onnx.addOutput(output, out.dims());
    OnnxOptimizer.optimize(onnx);
    return onnx;
  }

  /**
   * Post-order walk from the output: constant tensors are leaves (they become initializers), and
   * a handler may read only some inputs (the LSTM only inspects its zero states).
   */
  private static void collect(TfGraph tf, String name, Set<String> seen, List<NodeDef> order,
      Map<String, Integer> unsupported) {
    if (!seen.add(name)) {
      return;
    }
    NodeDef n = tf.node(name);
    if (tf.isConstant(name + ":0") && !n.getOp().equals("Placeholder")) {
      return;
    }
    OpHandler h = Handlers.get(n.getOp());
    List<String> inputs = tf.dataInputs(n);
    List<Integer> follow = new ArrayList<>();
    if (h == null) {
      unsupported.merge(n.getOp(), 1, Integer::sum);
      for (int i = 0; i < inputs.size(); i++) {
        follow.add(i);
      }
    } else {
      follow.addAll(h.convertedInputs(n, tf));
    }
    for (int i : follow) {
      String in = inputs.get(i);
      if (!tf.isConstant(in)) {
        collect(tf, TfGraph.nodeName(in), seen, order, unsupported);
      }
    }
    order.add(n);
  }

  /** Makes the value producing the model output carry the output's name. */
  private static void nameOutput(OnnxGraph g, String value, String output) {
    if (value.equals(output)) {
      return;
    }
    OnnxNode p = g.producer(value);
    if (p == null) {
      throw new ConversionException("the output '" + output + "' is not computed by any op");
    }
    p.outputs().set(p.outputs().indexOf(value), output);
    g.rename(value, output);
  }

  /** Serialises to the standard ONNX protobuf with provenance in metadata_props. */
  public OnnxIr.Model toModel(OnnxGraph g, Map<String, String> metadata) {
    Map<String, String> meta = new LinkedHashMap<>(metadata);
    meta.putIfAbsent("fer.toolkit_version", Versions.toolkit());
    return g.toModel(IR_VERSION, options.opset(), "fer-toolkit", Versions.toolkit(), meta);
  }
}
