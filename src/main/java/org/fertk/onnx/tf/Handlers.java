package org.fertk.onnx.tf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.fertk.onnx.ConstTensor;
import org.fertk.onnx.OnnxOp;
import org.tensorflow.proto.NodeDef;

/**
 * The registry of TF op handlers, keyed by TF op type, each with the lowest ONNX opset its
 * output needs. Small handlers are written inline; the LSTM has its own class.
 */
final class Handlers {
  private static final Map<String, OpHandler> REGISTRY = new LinkedHashMap<>();

  private Handlers() {}

  public static OpHandler get(String tfOp) {
    return REGISTRY.get(tfOp);
  }

  public static Set<String> supported() {
    return REGISTRY.keySet();
  }

  private static void register(int minOpset, BiConsumer<NodeDef, ConversionContext> body, String... ops) {
    OpHandler h = new OpHandler() {
      @Override
      public int minOpset() {
        return minOpset;
      }

      @Override
      public void convert(NodeDef node, ConversionContext ctx) {
        body.accept(node, ctx);
      }
    };
    for (String op : ops) {
      REGISTRY.put(op, h);
    }
  }

  static {
    register(1, Handlers::placeholder, "Placeholder");
    register(1, (n, c) -> c.define(n, 0, c.input(n, 0)), "Identity", "StopGradient", "Snapshot");
    register(OnnxOp.RELU.minOpset(), (n, c) -> unary(n, c, OnnxOp.RELU, Map.of()), "Relu");
    register(OnnxOp.ELU.minOpset(), (n, c) -> unary(n, c, OnnxOp.ELU, Map.of("alpha", 1.0f)), "Elu");
    register(OnnxOp.SIGMOID.minOpset(), (n, c) -> unary(n, c, OnnxOp.SIGMOID, Map.of()), "Sigmoid");
    register(OnnxOp.TANH.minOpset(), (n, c) -> unary(n, c, OnnxOp.TANH, Map.of()), "Tanh");
    register(OnnxOp.SOFTMAX.minOpset(), Handlers::softmax, "Softmax");
    // TF's Selu constants, the same as ONNX's defaults, written out
    register(OnnxOp.SELU.minOpset(), (n, c) -> unary(n, c, OnnxOp.SELU,
        Map.of("alpha", 1.6732632423543772f, "gamma", 1.0507009873554805f)), "Selu");
    register(OnnxOp.LEAKY_RELU.minOpset(), (n, c) -> unary(n, c, OnnxOp.LEAKY_RELU,
        Map.of("alpha", n.getAttrMap().get("alpha").getF())), "LeakyRelu");
    register(OnnxOp.SOFTPLUS.minOpset(), (n, c) -> unary(n, c, OnnxOp.SOFTPLUS, Map.of()), "Softplus");
    register(OnnxOp.ERF.minOpset(), (n, c) -> unary(n, c, OnnxOp.ERF, Map.of()), "Erf");
    register(OnnxOp.SQRT.minOpset(), (n, c) -> unary(n, c, OnnxOp.SQRT, Map.of()), "Sqrt");
    register(OnnxOp.CLIP.minOpset(), Handlers::relu6, "Relu6");
    register(OnnxOp.ADD.minOpset(), (n, c) -> binary(n, c, OnnxOp.ADD), "Add", "AddV2", "BiasAdd");
    register(OnnxOp.SUB.minOpset(), (n, c) -> binary(n, c, OnnxOp.SUB), "Sub");
    register(OnnxOp.MUL.minOpset(), (n, c) -> binary(n, c, OnnxOp.MUL), "Mul");
    register(OnnxOp.DIV.minOpset(), (n, c) -> binary(n, c, OnnxOp.DIV), "RealDiv", "Div");
    register(OnnxOp.MAX.minOpset(), (n, c) -> binary(n, c, OnnxOp.MAX), "Maximum");
    register(OnnxOp.MIN.minOpset(), (n, c) -> binary(n, c, OnnxOp.MIN), "Minimum");
    register(OnnxOp.CONCAT.minOpset(), Handlers::concat, "ConcatV2");
    register(OnnxOp.CONV.minOpset(), (n, c) -> conv2d(n, c, false), "Conv2D");
    // a depthwise convolution is an ONNX Conv with one group per input channel
    register(OnnxOp.CONV.minOpset(), (n, c) -> conv2d(n, c, true), "DepthwiseConv2dNative");
    register(OnnxOp.MAX_POOL.minOpset(), (n, c) -> pool(n, c, true), "MaxPool", "MaxPoolV2");
    register(OnnxOp.AVERAGE_POOL.minOpset(), (n, c) -> pool(n, c, false), "AvgPool");
    register(OnnxOp.REDUCE_MEAN.minOpset(), (n, c) -> reduce(n, c, OnnxOp.REDUCE_MEAN), "Mean");
    register(OnnxOp.REDUCE_MAX.minOpset(), (n, c) -> reduce(n, c, OnnxOp.REDUCE_MAX), "Max");
    register(OnnxOp.PAD.minOpset(), Handlers::pad, "Pad", "PadV2");
    register(OnnxOp.RESIZE.minOpset(), Handlers::resizeBilinear, "ResizeBilinear");
    register(OnnxOp.GEMM.minOpset(), Handlers::matMul, "MatMul");
    register(OnnxOp.MAT_MUL.minOpset(), Handlers::batchMatMul, "BatchMatMulV2", "BatchMatMulV3");
    register(OnnxOp.RESHAPE.minOpset(), Handlers::reshape, "Reshape");
    register(OnnxOp.TRANSPOSE.minOpset(), Handlers::transpose, "Transpose");
    register(OnnxOp.GATHER.minOpset(), Handlers::gather, "GatherV2");
    register(OnnxOp.SLICE.minOpset(), Handlers::slice, "Slice");
    REGISTRY.put("BlockLSTMV2", new LstmHandler());
  }

  private static ConversionException unsupported(NodeDef n, String why) {
    return new ConversionException("cannot export TF op " + n.getOp() + " '" + n.getName() + "': " + why);
  }

  // ------------------------------------------------------------------ sources and element-wise

  private static void placeholder(NodeDef n, ConversionContext c) {
    long[] dims = c.tf.shape(n.getName() + ":0");
    c.onnx.addInput(n.getName(), dims);
    c.define(n, 0, Value.of(n.getName(), Layout.NATIVE, dims));
  }

  private static void unary(NodeDef n, ConversionContext c, OnnxOp op, Map<String, Object> attrs) {
    Value x = c.input(n, 0);
    if (x.layout() == Layout.FLAT_CHW) {
      // element-wise ops commute with the feature permutation
      c.define(n, 0, new Value(c.onnx.add(op, n.getName(), List.of(x.name()), attrs), x.layout(), x.dims(), x.flatFrom()));
      return;
    }
    c.define(n, 0, Value.of(c.onnx.add(op, n.getName(), List.of(x.name()), attrs), x.layout(), x.dims()));
  }

  /** Relu6 is Clip(x, 0, 6), its bounds given as inputs (opset 11 on). */
  private static void relu6(NodeDef n, ConversionContext c) {
    Value x = c.input(n, 0);
    String lo = c.constant(n.getName() + "/min", ConstTensor.scalar(0f));
    String hi = c.constant(n.getName() + "/max", ConstTensor.scalar(6f));
    String out = c.onnx.add(OnnxOp.CLIP, n.getName(), List.of(x.name(), lo, hi), Map.of());
    c.define(n, 0, x.layout() == Layout.FLAT_CHW ? new Value(out, x.layout(), x.dims(), x.flatFrom())
        : Value.of(out, x.layout(), x.dims()));
  }

  private static void softmax(NodeDef n, ConversionContext c) {
    Value x = c.input(n, 0, Layout.NATIVE);
    c.define(n, 0, Value.of(c.onnx.add(OnnxOp.SOFTMAX, n.getName(), List.of(x.name()), Map.of("axis", -1L)),
        Layout.NATIVE, x.dims()));
  }

  /**
   * Element-wise binary op with numpy broadcasting. A constant operand follows the layout of the
   * other one (a per-channel vector becomes [C,1,1] next to an NCHW tensor); two computed
   * operands meet in the NATIVE layout unless both are NCHW.
   */
  private static void binary(NodeDef n, ConversionContext c, OnnxOp op) {
    String a = c.tf.input(n, 0);
    String b = c.tf.input(n, 1);
    boolean ca = c.tf.isConstant(a);
    boolean cb = c.tf.isConstant(b);
    long[] outDims = c.tf.shape(n.getName() + ":0");
    if (ca != cb) {
      Value v = c.value(ca ? b : a);
      ConstTensor k = c.tf.evaluate(ca ? a : b);
      Layout layout = v.layout();
      String kName;
      if (layout == Layout.NCHW && (k.rank() == 0 || isChannelVector(k, v.dims()[3]))) {
        kName = k.rank() == 0 ? c.constant(ca ? a : b)
            : c.constant(n.getName() + "/channels", c.layouts.channelVectorForNchw(k.reshaped(k.size())));
      } else if (layout == Layout.FLAT_CHW && k.rank() == 0) {
        kName = c.constant(ca ? a : b);
      } else {
        v = c.as(v, Layout.NATIVE);
        layout = Layout.NATIVE;
        kName = c.constant(ca ? a : b);
      }
      List<String> in = ca ? List.of(kName, v.name()) : List.of(v.name(), kName);
      c.define(n, 0, new Value(c.onnx.add(op, n.getName(), in, Map.of()), layout, outDims,
          layout == Layout.FLAT_CHW ? v.flatFrom() : null));
      return;
    }
    Value va = c.value(a);
    Value vb = c.value(b);
    Layout layout = va.layout() == Layout.NCHW && vb.layout() == Layout.NCHW ? Layout.NCHW : Layout.NATIVE;
    va = c.as(va, layout);
    vb = c.as(vb, layout);
    c.define(n, 0, Value.of(c.onnx.add(op, n.getName(), List.of(va.name(), vb.name()), Map.of()), layout, outDims));
  }

  /**
   * ResizeBilinear with half-pixel centres is ONNX Resize, linear, half_pixel. Given by scales
   * (the batch size is dynamic, so sizes would need a Shape op); the output size is floor(in *
   * scale), so each scale is nudged up by a float's width to avoid landing just below an integer.
   */
  private static void resizeBilinear(NodeDef n, ConversionContext c) {
    if (c.tf.attrBool(n, "align_corners", false) || !c.tf.attrBool(n, "half_pixel_centers", false)) {
      throw unsupported(n, "only half_pixel_centers=true, align_corners=false (Keras' convention)");
    }
    Value x = c.input(n, 0);
    Layout layout = x.layout() == Layout.NCHW ? Layout.NCHW : Layout.NATIVE;
    x = c.as(x, layout);
    long[] out = c.tf.shape(n.getName() + ":0");
    long[] in = c.tf.shape(c.tf.input(n, 0));
    float sh = Math.nextUp((float) out[1] / in[1]);
    float sw = Math.nextUp((float) out[2] / in[2]);
    float[] scales = layout == Layout.NCHW ? new float[] {1, 1, sh, sw} : new float[] {1, sh, sw, 1};
    String roi = c.constant(n.getName() + "/roi", ConstTensor.floats(new long[] {0}, new float[0]));
    String s = c.constant(n.getName() + "/scales", ConstTensor.floats(new long[] {4}, scales));
    c.define(n, 0, Value.of(c.onnx.add(OnnxOp.RESIZE, n.getName(), List.of(x.name(), roi, s),
        Map.of("mode", "linear", "coordinate_transformation_mode", "half_pixel")), layout, out));
  }

  /** ConcatV2: N tensors and a constant axis; image tensors stay NCHW (axis moved) when all are. */
  private static void concat(NodeDef n, ConversionContext c) {
    int count = (int) n.getAttrMap().get("N").getI();
    String axisIn = c.tf.input(n, count);
    if (!c.tf.isConstant(axisIn)) {
      throw unsupported(n, "the axis is not constant");
    }
    long[] out = c.tf.shape(n.getName() + ":0");
    long axis = c.tf.evaluate(axisIn).longs()[0];
    axis = axis < 0 ? axis + out.length : axis;
    List<Value> in = new ArrayList<>();
    boolean allNchw = true;
    for (int i = 0; i < count; i++) {
      Value v = c.value(c.tf.input(n, i));
      if (c.tf.isConstant(c.tf.input(n, i)) || v.layout() != Layout.NCHW) {
        allNchw = false;
      }
      in.add(v);
    }
    Layout layout = allNchw ? Layout.NCHW : Layout.NATIVE;
    long onnxAxis = allNchw ? new long[] {0, 2, 3, 1}[(int) axis] : axis;
    List<String> names = new ArrayList<>();
    for (Value v : in) {
      names.add(c.as(v, layout).name());
    }
    c.define(n, 0, Value.of(c.onnx.add(OnnxOp.CONCAT, n.getName(), names, Map.of("axis", onnxAxis)), layout, out));
  }

  private static boolean isChannelVector(ConstTensor k, long channels) {
    long size = k.size();
    if (size != channels) {
      return false;
    }
    long[] d = k.dims();
    for (int i = 0; i < d.length - 1; i++) {
      if (d[i] != 1) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ convolution and pooling

  /** TF SAME/VALID padding as explicit ONNX pads {top, left, bottom, right}. */
  static long[] pads(String padding, long h, long w, long kh, long kw, long sh, long sw) {
    if (padding.equals("VALID")) {
      return new long[] {0, 0, 0, 0};
    }
    long ph = Math.max((ceilDiv(h, sh) - 1) * sh + kh - h, 0);
    long pw = Math.max((ceilDiv(w, sw) - 1) * sw + kw - w, 0);
    return new long[] {ph / 2, pw / 2, ph - ph / 2, pw - pw / 2};
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  private static void requireNhwc(NodeDef n, ConversionContext c) {
    String df = c.tf.attrString(n, "data_format", "NHWC");
    if (!df.equals("NHWC")) {
      throw unsupported(n, "data_format " + df);
    }
  }

  private static void conv2d(NodeDef n, ConversionContext c, boolean depthwise) {
    requireNhwc(n, c);
    long[] dil = c.tf.attrInts(n, "dilations");
    if (dil.length == 4 && (dil[1] != 1 || dil[2] != 1)) {
      throw unsupported(n, "dilated convolution");
    }
    String filter = c.tf.input(n, 1);
    if (!c.tf.isConstant(filter)) {
      throw unsupported(n, "the filter is not a constant");
    }
    Value x = c.input(n, 0, Layout.NCHW);
    ConstTensor k = c.tf.evaluate(filter);
    long[] s = c.tf.attrInts(n, "strides");
    long[] p = pads(c.tf.attrString(n, "padding", "VALID"), x.dims()[1], x.dims()[2], k.dims()[0], k.dims()[1], s[1], s[2]);
    String w = c.constant(n.getName() + "/W", depthwise ? c.layouts.depthwiseToOihw(k) : c.layouts.hwioToOihw(k));
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("kernel_shape", new long[] {k.dims()[0], k.dims()[1]});
    attrs.put("strides", new long[] {s[1], s[2]});
    attrs.put("pads", p);
    attrs.put("dilations", new long[] {1, 1});
    attrs.put("group", depthwise ? k.dims()[2] : 1L);
    c.define(n, 0, Value.of(c.onnx.add(OnnxOp.CONV, n.getName(), List.of(x.name(), w), attrs), Layout.NCHW,
        c.tf.shape(n.getName() + ":0")));
  }

  private static void pool(NodeDef n, ConversionContext c, boolean max) {
    requireNhwc(n, c);
    long[] k;
    long[] s;
    if (n.getOp().equals("MaxPoolV2")) {
      k = c.tf.evaluate(c.tf.input(n, 1)).longs();
      s = c.tf.evaluate(c.tf.input(n, 2)).longs();
    } else {
      k = c.tf.attrInts(n, "ksize");
      s = c.tf.attrInts(n, "strides");
    }
    if (k[0] != 1 || k[3] != 1 || s[0] != 1 || s[3] != 1) {
      throw unsupported(n, "pooling over the batch or channel axis");
    }
    Value x = c.input(n, 0, Layout.NCHW);
    Map<String, Object> attrs = new LinkedHashMap<>();
    attrs.put("kernel_shape", new long[] {k[1], k[2]});
    attrs.put("strides", new long[] {s[1], s[2]});
    attrs.put("pads", pads(c.tf.attrString(n, "padding", "VALID"), x.dims()[1], x.dims()[2], k[1], k[2], s[1], s[2]));
    if (!max) {
      attrs.put("count_include_pad", 0L); // TF averages over the valid part of a window only
    }
    c.define(n, 0, Value.of(c.onnx.add(max ? OnnxOp.MAX_POOL : OnnxOp.AVERAGE_POOL, n.getName(),
        List.of(x.name()), attrs), Layout.NCHW, c.tf.shape(n.getName() + ":0")));
  }

  /**
   * Pad with constant zeros (ZeroPadding2D): the TF paddings, per NHWC axis, reordered to the
   * layout the input is in (NCHW keeps the image channels-first, no transpose).
   */
  private static void pad(NodeDef n, ConversionContext c) {
    String paddingsIn = c.tf.input(n, 1);
    if (!c.tf.isConstant(paddingsIn)) {
      throw unsupported(n, "paddings are not constant");
    }
    if (n.getInputCount() > 2 && c.tf.evaluate(c.tf.input(n, 2)).floats()[0] != 0f) {
      throw unsupported(n, "only zero padding is supported");
    }
    long[] p = c.tf.evaluate(paddingsIn).longs();
    Value x = c.input(n, 0);
    if (x.layout() == Layout.FLAT_CHW) {
      x = c.as(x, Layout.NATIVE);
    }
    int rank = p.length / 2;
    int[] order = new int[rank];
    for (int i = 0; i < rank; i++) {
      order[i] = i;
    }
    if (x.layout() == Layout.NCHW && rank == 4) {
      order = new int[] {0, 3, 1, 2}; // the NCHW axes, as NHWC axes
    }
    long[] pads = new long[2 * rank];
    for (int i = 0; i < rank; i++) {
      pads[i] = p[2 * order[i]];
      pads[rank + i] = p[2 * order[i] + 1];
    }
    String padsName = c.constant(n.getName() + "/pads", ConstTensor.longVector(pads));
    String out = c.onnx.add(OnnxOp.PAD, n.getName(), List.of(x.name(), padsName), Map.of("mode", "constant"));
    c.define(n, 0, Value.of(out, x.layout(), c.tf.shape(n.getName() + ":0")));
  }

  private static void reduce(NodeDef n, ConversionContext c, OnnxOp op) {
    String axesIn = c.tf.input(n, 1);
    if (!c.tf.isConstant(axesIn)) {
      throw unsupported(n, "axes are not constant");
    }
    Value x = c.input(n, 0);
    long[] axes = c.tf.evaluate(axesIn).longs().clone();
    int rank = x.rank();
    for (int i = 0; i < axes.length; i++) {
      axes[i] = axes[i] < 0 ? axes[i] + rank : axes[i];
    }
    Arrays.sort(axes);
    boolean keep = c.tf.attrBool(n, "keep_dims", false);
    long[] out = c.tf.shape(n.getName() + ":0");
    if (x.layout() == Layout.NCHW && !keep && Arrays.equals(axes, new long[] {1, 2})) {
      // global average pooling: spatial axes are 2, 3 in NCHW
      c.define(n, 0, Value.of(c.onnx.add(op, n.getName(), List.of(x.name()),
          Map.of("axes", new long[] {2, 3}, "keepdims", 0L)), Layout.NATIVE, out));
      return;
    }
    x = c.as(x, Layout.NATIVE);
    c.define(n, 0, Value.of(c.onnx.add(op, n.getName(), List.of(x.name()),
        Map.of("axes", axes, "keepdims", keep ? 1L : 0L)), Layout.NATIVE, out));
  }

  // ------------------------------------------------------------------ dense

  /**
   * MatMul with a constant right operand becomes Gemm. When the left operand is a flatten of an
   * NCHW tensor, the kernel rows are permuted instead of transposing the activations.
   */
  private static void matMul(NodeDef n, ConversionContext c) {
    if (c.tf.attrBool(n, "transpose_a", false) || c.tf.attrBool(n, "transpose_b", false)) {
      throw unsupported(n, "transposed operands");
    }
    String b = c.tf.input(n, 1);
    Value a = c.input(n, 0);
    long[] out = c.tf.shape(n.getName() + ":0");
    if (!c.tf.isConstant(b)) {
      a = c.as(a, Layout.NATIVE);
      c.define(n, 0, Value.of(c.onnx.add(OnnxOp.MAT_MUL, n.getName(), List.of(a.name(), c.value(b).name()), Map.of()),
          Layout.NATIVE, out));
      return;
    }
    ConstTensor k = c.tf.evaluate(b);
    String kName;
    if (a.layout() == Layout.FLAT_CHW) {
      long[] hwc = a.flatFrom();
      kName = c.constant(n.getName() + "/B", c.layouts.flattenRowsHwcToChw(k, (int) hwc[0], (int) hwc[1], (int) hwc[2]));
    } else {
      a = c.as(a, Layout.NATIVE);
      kName = c.constant(b);
    }
    c.define(n, 0, Value.of(c.onnx.add(OnnxOp.GEMM, n.getName(), List.of(a.name(), kName), Map.of()), Layout.NATIVE, out));
  }

  /** Batched products (attention scores and mixing): ONNX MatMul broadcasts the same way. */
  private static void batchMatMul(NodeDef n, ConversionContext c) {
    if (c.tf.attrBool(n, "adj_x", false) || c.tf.attrBool(n, "adj_y", false)) {
      throw unsupported(n, "adjoint operands");
    }
    Value a = c.input(n, 0, Layout.NATIVE);
    Value b = c.input(n, 1, Layout.NATIVE);
    c.define(n, 0, Value.of(c.onnx.add(OnnxOp.MAT_MUL, n.getName(), List.of(a.name(), b.name()), Map.of()),
        Layout.NATIVE, c.tf.shape(n.getName() + ":0")));
  }

  // ------------------------------------------------------------------ shapes

  private static void reshape(NodeDef n, ConversionContext c) {
    String shapeIn = c.tf.input(n, 1);
    if (!c.tf.isConstant(shapeIn)) {
      throw unsupported(n, "the target shape is not constant");
    }
    Value x = c.input(n, 0);
    long[] out = c.tf.shape(n.getName() + ":0");
    boolean flatten = out.length == 2 && x.rank() == 4 && out[1] == x.dims()[1] * x.dims()[2] * x.dims()[3];
    if (x.layout() == Layout.NCHW && flatten && feedsOnlyConstantMatMuls(n, c)) {
      // Flatten straight from NCHW; the following dense kernels absorb the (c,h,w) order.
      String f = c.onnx.add(OnnxOp.FLATTEN, n.getName(), List.of(x.name()), Map.of("axis", 1L));
      c.define(n, 0, new Value(f, Layout.FLAT_CHW, out, new long[] {x.dims()[1], x.dims()[2], x.dims()[3]}));
      return;
    }
    x = c.as(x, Layout.NATIVE);
    ConstTensor shape = c.tf.evaluate(shapeIn);
    String s = c.constant(n.getName() + "/shape", ConstTensor.longVector(shape.longs()));
    c.define(n, 0, Value.of(c.onnx.add(OnnxOp.RESHAPE, n.getName(), List.of(x.name(), s), Map.of()), Layout.NATIVE, out));
  }

  private static boolean feedsOnlyConstantMatMuls(NodeDef n, ConversionContext c) {
    List<NodeDef> users = c.consumers(n.getName() + ":0");
    if (users.isEmpty()) {
      return false;
    }
    for (NodeDef u : users) {
      if (!u.getOp().equals("MatMul") || !c.tf.input(u, 0).equals(n.getName() + ":0")
          || !c.tf.isConstant(c.tf.input(u, 1)) || c.tf.attrBool(u, "transpose_a", false)
          || c.tf.attrBool(u, "transpose_b", false)) {
        return false;
      }
    }
    return true;
  }

  private static void transpose(NodeDef n, ConversionContext c) {
    String permIn = c.tf.input(n, 1);
    if (!c.tf.isConstant(permIn)) {
      throw unsupported(n, "the permutation is not constant");
    }
    Value x = c.input(n, 0, Layout.NATIVE);
    c.define(n, 0, Value.of(c.onnx.add(OnnxOp.TRANSPOSE, n.getName(), List.of(x.name()),
        Map.of("perm", c.tf.evaluate(permIn).longs())), Layout.NATIVE, c.tf.shape(n.getName() + ":0")));
  }

  private static void gather(NodeDef n, ConversionContext c) {
    String idx = c.tf.input(n, 1);
    String axisIn = c.tf.input(n, 2);
    if (!c.tf.isConstant(idx) || !c.tf.isConstant(axisIn) || n.containsAttr("batch_dims")
        && n.getAttrOrThrow("batch_dims").getI() != 0) {
      throw unsupported(n, "only constant indices and axis are supported");
    }
    Value x = c.input(n, 0, Layout.NATIVE);
    ConstTensor i = c.tf.evaluate(idx);
    String iName = c.constant(n.getName() + "/indices", ConstTensor.longs(i.dims(), i.longs()));
    long axis = c.tf.evaluate(axisIn).longs()[0];
    c.define(n, 0, Value.of(c.onnx.add(OnnxOp.GATHER, n.getName(), List.of(x.name(), iName), Map.of("axis", axis)),
        Layout.NATIVE, c.tf.shape(n.getName() + ":0")));
  }

  /**
   * TF Slice(begin, size) with constant bounds becomes ONNX Slice over the axes that are cut. An
   * NCHW image stays NCHW: the TF axes are renumbered instead of transposing back.
   */
  private static void slice(NodeDef n, ConversionContext c) {
    String beginIn = c.tf.input(n, 1);
    String sizeIn = c.tf.input(n, 2);
    if (!c.tf.isConstant(beginIn) || !c.tf.isConstant(sizeIn)) {
      throw unsupported(n, "begin and size are not constant");
    }
    Value x = c.input(n, 0);
    if (x.layout() == Layout.FLAT_CHW) {
      x = c.as(x, Layout.NATIVE);
    }
    long[] begin = c.tf.evaluate(beginIn).longs();
    long[] size = c.tf.evaluate(sizeIn).longs();
    long[] nchwAxis = {0, 2, 3, 1};
    List<Long> starts = new ArrayList<>();
    List<Long> ends = new ArrayList<>();
    List<Long> axes = new ArrayList<>();
    for (int a = 0; a < begin.length; a++) {
      if (begin[a] == 0 && size[a] == -1) {
        continue;
      }
      starts.add(begin[a]);
      ends.add(size[a] == -1 ? Long.MAX_VALUE : begin[a] + size[a]);
      axes.add(x.layout() == Layout.NCHW ? nchwAxis[a] : a);
    }
    if (axes.isEmpty()) {
      c.define(n, 0, x);
      return;
    }
    String st = c.constant(n.getName() + "/starts", ConstTensor.longVector(toArray(starts)));
    String en = c.constant(n.getName() + "/ends", ConstTensor.longVector(toArray(ends)));
    String ax = c.constant(n.getName() + "/axes", ConstTensor.longVector(toArray(axes)));
    c.define(n, 0, Value.of(c.onnx.add(OnnxOp.SLICE, n.getName(), List.of(x.name(), st, en, ax), Map.of()),
        x.layout(), c.tf.shape(n.getName() + ":0")));
  }

  private static long[] toArray(List<Long> v) {
    return v.stream().mapToLong(Long::longValue).toArray();
  }

  static List<String> list(String... s) {
    return new ArrayList<>(List.of(s));
  }
}
