package org.fertk.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fertk.onnx.proto.OnnxIr;
import org.fertk.FerException;

/**
 * An ONNX graph under construction: nodes in topological order, named initializers, graph inputs
 * and outputs. Nodes are created through {@link #add}, which validates them against
 * {@link OnnxOp}; {@link #toModel} writes the standard protobuf.
 */
public final class OnnxGraph {
  /**
   * A graph input or output: float32 with dims, -1 meaning the symbolic batch size "N"; null dims
   * for an output of unknown shape (a calibration probe's intermediate tensors).
   */
  public record Io(String name, long[] dims) {}

  private final List<OnnxNode> nodes = new ArrayList<>();
  private final Map<String, ConstTensor> initializers = new LinkedHashMap<>();
  private final List<Io> inputs = new ArrayList<>();
  private final List<Io> outputs = new ArrayList<>();
  private final Set<String> names = new HashSet<>();
  private final String name;

  public OnnxGraph(String name) {
    this.name = name;
  }

  /** A name not used yet, derived from the hint. */
  public String unique(String hint) {
    String base = hint.replaceAll("[^A-Za-z0-9_./:-]", "_");
    String n = base;
    int k = 1;
    while (names.contains(n)) {
      n = base + "_" + k++;
    }
    names.add(n);
    return n;
  }

  public void addInput(String n, long... dims) {
    names.add(n);
    inputs.add(new Io(n, dims));
  }

  public void addOutput(String n, long... dims) {
    outputs.add(new Io(n, dims));
  }

  /** A graph output whose shape the runtime infers. */
  public void addOutput(String n) {
    outputs.add(new Io(n, null));
  }

  /**
   * Adds a node under exactly these names (a pass copying or rewiring an existing graph, whose
   * names consumers already use); validated as {@link #add} validates.
   *
   * @throws IllegalArgumentException when a name is already taken in this graph
   */
  public void node(OnnxOp op, String nodeName, List<String> in, List<String> outs, Map<String, Object> attrs) {
    OnnxNode n = new OnnxNode(op, nodeName, in, outs, attrs);
    claim(nodeName);
    for (String o : outs) {
      if (!o.equals(nodeName)) {
        claim(o);
      }
    }
    nodes.add(n);
  }

  private void claim(String name) {
    if (!names.add(name)) {
      throw new IllegalArgumentException("name '" + name + "' is already used in graph " + this.name);
    }
  }

  /** The graph's name. */
  public String name() {
    return name;
  }

  /** Adds an initializer under a unique name derived from the hint; returns the name. */
  public String constant(String hint, ConstTensor t) {
    String n = unique(hint);
    initializers.put(n, t);
    return n;
  }

  public ConstTensor initializer(String n) {
    return initializers.get(n);
  }

  /** Adds a node with one output named after the hint; returns that output's name. */
  public String add(OnnxOp op, String hint, List<String> in, Map<String, Object> attrs) {
    return add(op, hint, in, 1, attrs).get(0);
  }

  public List<String> add(OnnxOp op, String hint, List<String> in, int outputs, Map<String, Object> attrs) {
    List<String> outs = new ArrayList<>();
    String nodeName = unique(hint);
    for (int i = 0; i < outputs; i++) {
      outs.add(outputs == 1 ? nodeName : unique(nodeName + ":" + i));
    }
    nodes.add(new OnnxNode(op, nodeName, in, outs, attrs));
    return outs;
  }

  public List<OnnxNode> nodes() {
    return nodes;
  }

  public Map<String, ConstTensor> initializers() {
    return initializers;
  }

  public List<Io> inputs() {
    return inputs;
  }

  public List<Io> outputs() {
    return outputs;
  }

  /** The node producing a value, or null for inputs and initializers. */
  public OnnxNode producer(String value) {
    for (OnnxNode n : nodes) {
      if (n.outputs.contains(value)) {
        return n;
      }
    }
    return null;
  }

  /** The nodes reading a value (graph outputs are not nodes; see {@link #isGraphOutput}). */
  public List<OnnxNode> consumers(String value) {
    List<OnnxNode> c = new ArrayList<>();
    for (OnnxNode n : nodes) {
      if (n.inputs.contains(value)) {
        c.add(n);
      }
    }
    return c;
  }

  public boolean isGraphOutput(String value) {
    return outputs.stream().anyMatch(o -> o.name().equals(value));
  }

  /** Replaces every use of one value by another (after a node was folded away). */
  public void rename(String from, String to) {
    for (OnnxNode n : nodes) {
      n.inputs.replaceAll(v -> v.equals(from) ? to : v);
    }
  }

  public void remove(OnnxNode n) {
    nodes.remove(n);
  }

  /** Drops initializers no node uses any more. */
  public void pruneInitializers() {
    Set<String> used = new HashSet<>();
    nodes.forEach(n -> used.addAll(n.inputs));
    initializers.keySet().retainAll(used);
  }

  public long count(OnnxOp op) {
    return nodes.stream().filter(n -> n.op == op).count();
  }

  /** The standard ONNX protobuf (IR version and opset as given). */
  public OnnxIr.Model toModel(int irVersion, int opset, String producer, String version,
      Map<String, String> metadata) {
    for (OnnxNode n : nodes) {
      if (n.op.minOpset() > opset) {
        throw new IllegalArgumentException(n.op.type() + " as exported needs opset >= " + n.op.minOpset());
      }
    }
    OnnxIr.Graph.Builder g = OnnxIr.Graph.newBuilder().setName(name);
    for (Io in : inputs) {
      g.addInput(valueInfo(in));
    }
    for (Io out : outputs) {
      g.addOutput(valueInfo(out));
    }
    for (Map.Entry<String, ConstTensor> e : initializers.entrySet()) {
      g.addInitializer(tensor(e.getKey(), e.getValue()));
    }
    for (OnnxNode n : nodes) {
      OnnxIr.Node.Builder nb = OnnxIr.Node.newBuilder().setOpType(n.op.type()).setName(n.name)
          .addAllInput(n.inputs).addAllOutput(n.outputs);
      n.attributes.forEach((k, v) -> nb.addAttribute(attribute(k, v)));
      g.addNode(nb);
    }
    OnnxIr.Model.Builder m = OnnxIr.Model.newBuilder().setIrVersion(irVersion).setProducerName(producer)
        .setProducerVersion(version).setModelVersion(1).setGraph(g)
        .addOpsetImport(OnnxIr.OperatorSetId.newBuilder().setDomain("").setVersion(opset));
    metadata.forEach((k, v) -> m.addMetadataProps(OnnxIr.StringStringEntry.newBuilder().setKey(k).setValue(v)));
    return m.build();
  }

  private static OnnxIr.ValueInfo valueInfo(Io io) {
    if (io.dims() == null) {
      return OnnxIr.ValueInfo.newBuilder().setName(io.name()).setType(OnnxIr.TypeInfo.newBuilder()
          .setTensorType(OnnxIr.TypeInfo.TensorType.newBuilder().setElemType(OnnxIr.Tensor.DataType.FLOAT_VALUE)))
          .build();
    }
    OnnxIr.Shape.Builder s = OnnxIr.Shape.newBuilder();
    for (long d : io.dims()) {
      s.addDim(d < 0 ? OnnxIr.Shape.Dimension.newBuilder().setDimParam("N")
          : OnnxIr.Shape.Dimension.newBuilder().setDimValue(d));
    }
    return OnnxIr.ValueInfo.newBuilder().setName(io.name()).setType(OnnxIr.TypeInfo.newBuilder()
        .setTensorType(OnnxIr.TypeInfo.TensorType.newBuilder()
            .setElemType(OnnxIr.Tensor.DataType.FLOAT_VALUE).setShape(s))).build();
  }

  static OnnxIr.Tensor tensor(String name, ConstTensor t) {
    OnnxIr.Tensor.Builder b = OnnxIr.Tensor.newBuilder().setName(name);
    for (long d : t.dims()) {
      b.addDims(d);
    }
    ByteBuffer raw;
    if (t.packed() != null) {
      return b.setDataType(t.dataType()).setRawData(ByteString.copyFrom(t.packed())).build();
    }
    if (t.isFloat()) {
      b.setDataType(OnnxIr.Tensor.DataType.FLOAT_VALUE);
      raw = ByteBuffer.allocate(4 * t.floats().length).order(ByteOrder.LITTLE_ENDIAN);
      raw.asFloatBuffer().put(t.floats());
    } else {
      b.setDataType(OnnxIr.Tensor.DataType.INT64_VALUE);
      raw = ByteBuffer.allocate(8 * t.longs().length).order(ByteOrder.LITTLE_ENDIAN);
      raw.asLongBuffer().put(t.longs());
    }
    return b.setRawData(ByteString.copyFrom(raw.array())).build();
  }

  private static OnnxIr.Attribute attribute(String name, Object v) {
    OnnxIr.Attribute.Builder a = OnnxIr.Attribute.newBuilder().setName(name);
    if (v instanceof Integer || v instanceof Long) {
      a.setType(OnnxIr.Attribute.Type.INT).setI(((Number) v).longValue());
    } else if (v instanceof Float || v instanceof Double) {
      a.setType(OnnxIr.Attribute.Type.FLOAT).setF(((Number) v).floatValue());
    } else if (v instanceof String s) {
      a.setType(OnnxIr.Attribute.Type.STRING).setS(ByteString.copyFromUtf8(s));
    } else if (v instanceof long[] ints) {
      a.setType(OnnxIr.Attribute.Type.INTS);
      for (long i : ints) {
        a.addInts(i);
      }
    } else if (v instanceof float[] fs) {
      a.setType(OnnxIr.Attribute.Type.FLOATS);
      for (float f : fs) {
        a.addFloats(f);
      }
    } else if (v instanceof ConstTensor t) {
      a.setType(OnnxIr.Attribute.Type.TENSOR).setT(tensor(name, t));
    } else {
      throw new IllegalArgumentException("unsupported attribute value for " + name + ": " + v);
    }
    return a.build();
  }

  // ---------------------------------------------------------------- reading a model file

  /**
   * The graph of an ONNX model this toolkit wrote (so that passes rewrite it through the same
   * validated builder): every node must be an operator of {@link OnnxOp} with its allowed
   * attributes, every initializer a type {@link ConstTensor} holds.
   *
   * @param what the model's name for messages (its file)
   * @throws FerException naming the first node or tensor this toolkit cannot represent
   */
  public static OnnxGraph read(OnnxIr.Graph proto, String what) {
    OnnxGraph g = new OnnxGraph(proto.getName());
    Set<String> initNames = new HashSet<>();
    for (OnnxIr.Tensor t : proto.getInitializerList()) {
      g.names.add(t.getName());
      g.initializers.put(t.getName(), constTensor(t, what));
      initNames.add(t.getName());
    }
    for (OnnxIr.ValueInfo v : proto.getInputList()) {
      if (!initNames.contains(v.getName())) {
        g.addInput(v.getName(), dims(v));
      }
    }
    for (OnnxIr.ValueInfo v : proto.getOutputList()) {
      g.outputs.add(new Io(v.getName(), dims(v)));
    }
    for (OnnxIr.Node n : proto.getNodeList()) {
      OnnxOp op = OnnxOp.of(n.getOpType());
      if (op == null || !n.getDomain().isEmpty()) {
        throw new FerException(what + ": node '" + n.getName() + "' is a " + n.getOpType()
            + ", not an operator this toolkit writes; only models exported by `fer export` can be rewritten");
      }
      Map<String, Object> attrs = new LinkedHashMap<>();
      for (OnnxIr.Attribute a : n.getAttributeList()) {
        attrs.put(a.getName(), attributeValue(a, what));
      }
      try {
        g.node(op, n.getName(), n.getInputList(), n.getOutputList(), attrs);
      } catch (IllegalArgumentException e) {
        throw new FerException(what + ": node '" + n.getName() + "': " + e.getMessage());
      }
    }
    return g;
  }

  private static long[] dims(OnnxIr.ValueInfo v) {
    if (!v.getType().getTensorType().hasShape()) {
      return null;
    }
    List<OnnxIr.Shape.Dimension> ds = v.getType().getTensorType().getShape().getDimList();
    long[] d = new long[ds.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = ds.get(i).hasDimValue() ? ds.get(i).getDimValue() : -1;
    }
    return d;
  }

  static ConstTensor constTensor(OnnxIr.Tensor t, String what) {
    long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    switch (t.getDataType()) {
      case OnnxIr.Tensor.DataType.FLOAT_VALUE: {
        float[] f;
        if (t.getFloatDataCount() > 0) {
          f = new float[t.getFloatDataCount()];
          for (int i = 0; i < f.length; i++) {
            f[i] = t.getFloatData(i);
          }
        } else {
          f = new float[raw.remaining() / 4];
          raw.asFloatBuffer().get(f);
        }
        return ConstTensor.floats(dims, f);
      }
      case OnnxIr.Tensor.DataType.INT64_VALUE: {
        long[] l;
        if (t.getInt64DataCount() > 0) {
          l = t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
        } else {
          l = new long[raw.remaining() / 8];
          raw.asLongBuffer().get(l);
        }
        return ConstTensor.longs(dims, l);
      }
      case OnnxIr.Tensor.DataType.UINT8_VALUE:
      case OnnxIr.Tensor.DataType.INT8_VALUE:
      case OnnxIr.Tensor.DataType.INT32_VALUE:
      case OnnxIr.Tensor.DataType.FLOAT16_VALUE: {
        if (raw.remaining() == 0 && t.getInt32DataCount() > 0) { // ONNX's other spelling: one int32 per value
          int width = ConstTensor.width(t.getDataType());
          ByteBuffer b = ByteBuffer.allocate(width * t.getInt32DataCount()).order(ByteOrder.LITTLE_ENDIAN);
          for (int v : t.getInt32DataList()) {
            if (width == 1) {
              b.put((byte) v);
            } else if (width == 2) {
              b.putShort((short) v);
            } else {
              b.putInt(v);
            }
          }
          return ConstTensor.packed(dims, t.getDataType(), b.array());
        }
        return ConstTensor.packed(dims, t.getDataType(), t.getRawData().toByteArray());
      }
      default:
        throw new FerException(what + ": initializer '" + t.getName() + "' has ONNX element type " + t.getDataType()
            + ", which this toolkit does not write");
    }
  }

  private static Object attributeValue(OnnxIr.Attribute a, String what) {
    switch (a.getType()) {
      case INT:
        return a.getI();
      case FLOAT:
        return a.getF();
      case STRING:
        return a.getS().toStringUtf8();
      case INTS:
        return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
      case FLOATS: {
        float[] f = new float[a.getFloatsCount()];
        for (int i = 0; i < f.length; i++) {
          f[i] = a.getFloats(i);
        }
        return f;
      }
      case TENSOR:
        return constTensor(a.getT(), what);
      default:
        throw new FerException(what + ": attribute '" + a.getName() + "' of type " + a.getType() + " is not supported");
    }
  }
}
