package org.fertk.model.layers;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.fertk.model.Dims;
import org.fertk.model.GraphContext;
import org.fertk.model.Initializer;
import org.fertk.model.Layer;
import org.fertk.model.LayerConfig;
import org.fertk.model.Regularizer;
import org.fertk.model.Weight;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Split;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.op.nn.BlockLSTM;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras LSTM (tanh / sigmoid, gates in the order i, f, c, o; kernel (features, 4u), recurrent
 * kernel (u, 4u), bias (4u) with the forget part initialised to one when unit_forget_bias).
 *
 * <p>Training unrolls the recurrence into plain ops, which all have gradients. Inference uses one
 * fused {@code BlockLSTMV2} op over the whole (time-major) sequence, which shares Keras's i, f, c, o
 * gate layout, so the exported graph holds a single LSTM node.
 */
public final class LSTM extends Layer {
  private final int units;
  private final boolean returnSequences;
  private final boolean unitForgetBias;
  private final Initializer kernelInit;
  private final Initializer recurrentInit;
  private final Initializer biasInit;
  private final double l2;
  private Weight kernel;
  private Weight recurrent;
  private Weight bias;

  public LSTM(LayerConfig c, double defaultL2) {
    super(c.layerName());
    units = c.getInt("units", null);
    if (units < 1) {
      throw c.invalid("units", "a positive integer", units);
    }
    String act = c.getString("activation", "tanh");
    if (!act.equals("tanh")) {
      throw c.invalid("activation", "'tanh' (the only LSTM activation supported)", "'" + act + "'");
    }
    String rec = c.getString("recurrent_activation", "sigmoid");
    if (!rec.equals("sigmoid")) {
      throw c.invalid("recurrent_activation", "'sigmoid'", "'" + rec + "'");
    }
    if (!c.getBool("use_bias", true)) {
      throw c.invalid("use_bias", "true", false);
    }
    returnSequences = c.getBool("return_sequences", false);
    unitForgetBias = c.getBool("unit_forget_bias", true);
    kernelInit = Initializer.parse(c, "kernel_initializer", Initializer.GLOROT_UNIFORM);
    recurrentInit = Initializer.parse(c, "recurrent_initializer", Initializer.ORTHOGONAL);
    biasInit = Initializer.parse(c, "bias_initializer", Initializer.ZEROS);
    if (unitForgetBias && !biasInit.equals(Initializer.ZEROS)) {
      throw c.invalid("bias_initializer", "Zeros when unit_forget_bias is true", biasInit.kind());
    }
    double own = Regularizer.parseL2(c, "kernel_regularizer");
    l2 = c.has("kernel_regularizer") ? own : defaultL2;
    c.requireAbsent("recurrent_regularizer", "bias_regularizer", "activity_regularizer",
        "kernel_constraint", "recurrent_constraint", "bias_constraint");
    c.requireDefault("dropout", DoubleNode.valueOf(0.0));
    c.requireDefault("recurrent_dropout", DoubleNode.valueOf(0.0));
    c.requireDefault("return_state", BooleanNode.FALSE);
    c.requireDefault("go_backwards", BooleanNode.FALSE);
    c.requireDefault("stateful", BooleanNode.FALSE);
    c.requireDefault("time_major", BooleanNode.FALSE);
    c.raw("unroll");
    c.raw("implementation");
    c.raw("use_cudnn");
    c.raw("zero_output_for_mask");
    c.rejectUnknown();
  }

  @Override
  public String className() {
    return "LSTM";
  }

  @Override
  protected Dims computeOutput(Dims in) {
    if (in.rank() != 2) {
      throw incompatible(in, "expected a 2-D input (time steps, features); add a Reshape");
    }
    kernel = addWeight("kernel", new int[] {in.get(1), 4 * units}, kernelInit, true, l2);
    recurrent = addWeight("recurrent_kernel", new int[] {units, 4 * units}, recurrentInit, true, 0);
    Initializer b = unitForgetBias ? new Initializer("UnitForgetBias", units, 0) : biasInit;
    bias = addWeight("bias", new int[] {4 * units}, b, true, 0);
    return returnSequences ? Dims.of(in.get(0), units) : Dims.of(units);
  }

  public int units() {
    return units;
  }

  @Override
  public Operand<TFloat32> call(GraphContext ctx, Operand<TFloat32> x, boolean training) {
    return training ? unrolled(ctx, x) : fused(ctx, x);
  }

  /** Step by step with MatMul/Split/Sigmoid/Tanh: differentiable. */
  Operand<TFloat32> unrolled(GraphContext ctx, Operand<TFloat32> x) {
    Ops tf = ctx.tf.withSubScope(name);
    int steps = inputDims().get(0);
    int feat = inputDims().get(1);
    Operand<TFloat32> w = ctx.variable(kernel);
    Operand<TFloat32> u = ctx.variable(recurrent);
    Operand<TFloat32> b = ctx.variable(bias);
    // All input projections at once: (N*T, F) x (F, 4u) -> (N, T, 4u)
    Operand<TFloat32> xw = tf.nn.biasAdd(
        tf.linalg.matMul(tf.reshape(x, tf.constant(new int[] {-1, feat})), w), b);
    xw = tf.reshape(xw, tf.constant(new int[] {-1, steps, 4 * units}));
    List<Output<TFloat32>> xs = tf.unstack(xw, (long) steps, Unstack.axis(1L)).output();
    Operand<TFloat32> h = null;
    Operand<TFloat32> c = null;
    List<Operand<TFloat32>> hs = new ArrayList<>();
    for (int t = 0; t < steps; t++) {
      Operand<TFloat32> z = xs.get(t);
      if (h != null) {
        z = tf.math.add(z, tf.linalg.matMul(h, u));
      }
      Split<TFloat32> g = tf.split(tf.constant(1), z, 4L);
      Operand<TFloat32> i = tf.math.sigmoid(g.output().get(0));
      Operand<TFloat32> f = tf.math.sigmoid(g.output().get(1));
      Operand<TFloat32> cand = tf.math.tanh(g.output().get(2));
      Operand<TFloat32> o = tf.math.sigmoid(g.output().get(3));
      c = c == null ? tf.math.mul(i, cand) : tf.math.add(tf.math.mul(f, c), tf.math.mul(i, cand));
      h = tf.math.mul(o, tf.math.tanh(c));
      hs.add(h);
    }
    return returnSequences ? tf.stack(hs, Stack.axis(1L)) : h;
  }

  /** One BlockLSTMV2 op over the whole (time-major) sequence: the inference form. */
  Operand<TFloat32> fused(GraphContext ctx, Operand<TFloat32> x) {
    Ops tf = ctx.tf.withSubScope(name);
    int steps = inputDims().get(0);
    // BlockLSTMV2 uses Keras's gate layout (i, f, c, o) with w = [kernel; recurrent_kernel].
    Operand<TFloat32> w = tf.concat(List.of(ctx.variable(kernel), ctx.variable(recurrent)), tf.constant(0));
    Operand<TFloat32> b = ctx.variable(bias);
    Operand<TFloat32> timeMajor = tf.linalg.transpose(x, tf.constant(new int[] {1, 0, 2}));
    // zero initial state of shape (batch, units)
    Operand<TInt32> batch = tf.stridedSlice(tf.shape(x), tf.constant(new int[] {0}),
        tf.constant(new int[] {1}), tf.constant(new int[] {1}));
    Operand<TFloat32> zeros = tf.fill(tf.concat(List.of(batch, tf.constant(new int[] {units})), tf.constant(0)),
        tf.constant(0f));
    Operand<TFloat32> peephole = tf.constant(new float[units]);
    BlockLSTM<TFloat32> cell = tf.nn.blockLSTM(tf.constant((long) steps), timeMajor, zeros, zeros, w,
        peephole, peephole, peephole, b, BlockLSTM.cellClip(0f), BlockLSTM.usePeephole(false));
    Operand<TFloat32> hSeq = cell.h(); // (T, N, u)
    if (returnSequences) {
      return tf.linalg.transpose(hSeq, tf.constant(new int[] {1, 0, 2}));
    }
    return tf.gather(hSeq, tf.constant(steps - 1), tf.constant(0));
  }

  @Override
  public long flops() {
    int steps = inputDims().get(0);
    return 2L * steps * 4 * units * (inputDims().get(1) + units);
  }

  @Override
  public ObjectNode config() {
    ObjectNode o = baseConfig();
    o.put("units", units);
    o.put("activation", "tanh");
    o.put("recurrent_activation", "sigmoid");
    o.put("use_bias", true);
    o.put("return_sequences", returnSequences);
    o.put("unit_forget_bias", unitForgetBias);
    o.set("kernel_initializer", kernelInit.toJson());
    o.set("recurrent_initializer", recurrentInit.toJson());
    o.set("bias_initializer", biasInit.toJson());
    o.set("kernel_regularizer", Regularizer.toJson(l2));
    return o;
  }
}
