package org.fertk.onnx.tf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fertk.onnx.ConstTensor;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Read access to a loaded TF graph for the converter: node definitions, static shapes, and the
 * value of any tensor that does not depend on the graph input (variables, constants and what is
 * computed from them only), which the converter turns into ONNX initializers.
 */
final class TfGraph {
  private static final Set<String> SOURCES = Set.of("Placeholder", "PlaceholderWithDefault");
  private static final Set<String> RANDOM = Set.of("RandomUniform", "RandomStandardNormal",
      "StatelessRandomUniform", "StatelessRandomNormal", "TruncatedNormal");

  private final Graph graph;
  private final Session session;
  private final Map<String, NodeDef> nodes = new LinkedHashMap<>();
  private final Map<String, Boolean> constant = new HashMap<>();
  private final Map<String, ConstTensor> values = new HashMap<>();

  public TfGraph(Graph graph, Session session) {
    this.graph = graph;
    this.session = session;
    for (NodeDef n : graph.toGraphDef().getNodeList()) {
      nodes.put(n.getName(), n);
    }
  }

  public NodeDef node(String name) {
    NodeDef n = nodes.get(name);
    if (n == null) {
      throw new IllegalArgumentException("no node '" + name + "' in the TF graph");
    }
    return n;
  }

  public boolean has(String name) {
    return nodes.containsKey(name);
  }

  /** "name:1" -> "name"; "name" -> "name". */
  public static String nodeName(String tensor) {
    String t = tensor.startsWith("^") ? tensor.substring(1) : tensor;
    int colon = t.lastIndexOf(':');
    return colon < 0 ? t : t.substring(0, colon);
  }

  public static int outputIndex(String tensor) {
    int colon = tensor.lastIndexOf(':');
    return colon < 0 ? 0 : Integer.parseInt(tensor.substring(colon + 1));
  }

  /** Canonical "name:index" form. */
  public static String canonical(String tensor) {
    return nodeName(tensor) + ":" + outputIndex(tensor);
  }

  /** Data inputs (control dependencies dropped), canonical names. */
  public List<String> dataInputs(NodeDef n) {
    List<String> in = new ArrayList<>();
    for (String s : n.getInputList()) {
      if (!s.startsWith("^")) {
        in.add(canonical(s));
      }
    }
    return in;
  }

  public String input(NodeDef n, int i) {
    return dataInputs(n).get(i);
  }

  /** Static shape of a tensor, -1 for unknown dimensions. */
  public long[] shape(String tensor) {
    GraphOperation op = graph.operation(nodeName(tensor));
    return op.output(outputIndex(tensor)).shape().asArray();
  }

  /** True when the tensor's value does not depend on any placeholder. */
  public boolean isConstant(String tensor) {
    return isConstantNode(nodeName(tensor));
  }

  private boolean isConstantNode(String name) {
    Boolean c = constant.get(name);
    if (c != null) {
      return c;
    }
    NodeDef n = node(name);
    boolean result;
    if (SOURCES.contains(n.getOp()) || RANDOM.contains(n.getOp())) {
      result = false;
    } else {
      result = true;
      for (String in : dataInputs(n)) {
        if (!isConstantNode(nodeName(in))) {
          result = false;
          break;
        }
      }
    }
    constant.put(name, result);
    return result;
  }

  /** The value of a constant tensor, computed by TF itself (cached). */
  public ConstTensor evaluate(String tensor) {
    String key = canonical(tensor);
    ConstTensor v = values.get(key);
    if (v != null) {
      return v;
    }
    if (!isConstant(key)) {
      throw new IllegalArgumentException(key + " depends on the input and has no constant value");
    }
    try (Result r = session.runner().fetch(nodeName(key), outputIndex(key)).run()) {
      Tensor t = r.get(0);
      long[] dims = t.shape().asArray();
      if (t.dataType() == DataType.DT_FLOAT) {
        float[] f = new float[(int) t.shape().size()];
        ((TFloat32) t).copyTo(DataBuffers.of(f, false, false));
        v = ConstTensor.floats(dims, f);
      } else if (t.dataType() == DataType.DT_INT32) {
        int[] i = new int[(int) t.shape().size()];
        ((TInt32) t).copyTo(DataBuffers.of(i, false, false));
        long[] l = new long[i.length];
        for (int k = 0; k < i.length; k++) {
          l[k] = i[k];
        }
        v = ConstTensor.longs(dims, l);
      } else if (t.dataType() == DataType.DT_INT64) {
        long[] l = new long[(int) t.shape().size()];
        ((TInt64) t).copyTo(DataBuffers.of(l, false, false));
        v = ConstTensor.longs(dims, l);
      } else {
        throw new IllegalArgumentException(key + ": constant of type " + t.dataType() + " is not supported");
      }
    }
    values.put(key, v);
    return v;
  }

  public String attrString(NodeDef n, String key, String dflt) {
    return n.containsAttr(key) ? n.getAttrOrThrow(key).getS().toStringUtf8() : dflt;
  }

  public long[] attrInts(NodeDef n, String key) {
    if (!n.containsAttr(key)) {
      return new long[0];
    }
    List<Long> l = n.getAttrOrThrow(key).getList().getIList();
    long[] out = new long[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = l.get(i);
    }
    return out;
  }

  public boolean attrBool(NodeDef n, String key, boolean dflt) {
    return n.containsAttr(key) ? n.getAttrOrThrow(key).getB() : dflt;
  }

  public float attrFloat(NodeDef n, String key, float dflt) {
    return n.containsAttr(key) ? n.getAttrOrThrow(key).getF() : dflt;
  }

  /** Nodes whose data inputs include the given tensor. */
  public List<NodeDef> consumers(String tensor) {
    String key = canonical(tensor);
    List<NodeDef> out = new ArrayList<>();
    for (NodeDef n : nodes.values()) {
      if (dataInputs(n).contains(key)) {
        out.add(n);
      }
    }
    return out;
  }
}
