package org.fertk.model.layers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import org.fertk.model.Dims;
import org.fertk.model.GraphContext;
import org.fertk.model.Initializer;
import org.fertk.model.Layer;
import org.fertk.model.LayerConfig;
import org.fertk.model.Regularizer;
import org.fertk.model.SpecException;
import org.fertk.model.Weight;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras MultiHeadAttention over a sequence (time, features), or over the cells of a feature map
 * (h, w, channels: every cell attends to every cell, as Keras does with the default
 * {@code attention_axes}). Called with (query, value) or (query, value, key); self-attention
 * passes the same tensor twice. Weights in Keras' order and shapes: query, key and value kernels
 * (features, heads, key_dim or value_dim) with biases (heads, dim), then the output kernel
 * (heads, value_dim, features of the query) and bias. The query is scaled by 1/sqrt(key_dim).
 */
public final class MultiHeadAttention extends Layer {
  private final int heads;
  private final int keyDim;
  private final int valueDim;
  private final double dropout;
  private final boolean useBias;
  private final Initializer kernelInit;
  private final Initializer biasInit;
  private final double l2;
  private Weight[] kernels;
  private Weight[] biases;
  private final int[] attentionAxes;
  private int queryLen;
  private int keyLen;

  public MultiHeadAttention(LayerConfig c, double defaultL2) {
    super(c.layerName());
    heads = c.getInt("num_heads", null);
    keyDim = c.getInt("key_dim", null);
    valueDim = c.has("value_dim") ? c.getInt("value_dim", null) : keyDim;
    c.raw("value_dim");
    dropout = c.getDouble("dropout", 0);
    useBias = c.getBool("use_bias", true);
    if (heads < 1 || keyDim < 1 || valueDim < 1) {
      throw c.invalid(heads < 1 ? "num_heads" : keyDim < 1 ? "key_dim" : "value_dim", "a positive integer",
          heads < 1 ? heads : keyDim < 1 ? keyDim : valueDim);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw c.invalid("dropout", "0 <= dropout < 1", dropout);
    }
    JsonNode axes = c.raw("attention_axes");
    attentionAxes = axes == null || axes.isNull() ? null : c.getIntList("attention_axes");
    JsonNode shape = c.raw("output_shape");
    if (shape != null && !shape.isNull()) {
      throw c.invalid("output_shape", "null (the query's feature size)", shape);
    }
    kernelInit = Initializer.parse(c, "kernel_initializer", Initializer.GLOROT_UNIFORM);
    biasInit = Initializer.parse(c, "bias_initializer", Initializer.ZEROS);
    double own = Regularizer.parseL2(c, "kernel_regularizer");
    l2 = c.has("kernel_regularizer") ? own : defaultL2;
    c.requireAbsent("bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint");
    c.raw("flash_attention"); // a kernel choice, not a different computation
    if (c.getBool("use_gate", false)) {
      throw c.invalid("use_gate", "false (gated attention is not supported)", true);
    }
    JsonNode window = c.raw("sliding_window");
    if (window != null && !window.isNull()) {
      throw c.invalid("sliding_window", "null (every position attends to every position)", window);
    }
    c.rejectUnknown();
  }

  @Override
  public String className() {
    return "MultiHeadAttention";
  }

  @Override
  protected Dims computeOutput(Dims in) {
    return computeOutput(List.of(in, in));
  }

  @Override
  protected Dims computeOutput(List<Dims> in) {
    if (in.size() < 2 || in.size() > 3) {
      throw new SpecException("MultiHeadAttention '" + name + "' takes (query, value) or (query, value, key), got "
          + in.size() + " inputs");
    }
    Dims q = in.get(0);
    Dims v = in.get(1);
    Dims k = in.size() == 3 ? in.get(2) : v;
    for (Dims d : List.of(q, v, k)) {
      if (d.rank() != 2 && d.rank() != 3) {
        throw incompatible(d, "expected a sequence (time, features) or a feature map (h, w, channels)");
      }
    }
    // Keras writes the axes it attends over once built: every axis but the batch and the features
    if (attentionAxes != null && !Arrays.equals(attentionAxes, q.rank() == 2 ? new int[] {1} : new int[] {1, 2})) {
      throw incompatible(q, "attention_axes " + Arrays.toString(attentionAxes)
          + " must be every axis between the batch and the features (or null)");
    }
    queryLen = (int) (q.size() / q.last());
    keyLen = (int) (k.size() / k.last());
    if (keyLen != v.size() / v.last()) {
      throw new SpecException("MultiHeadAttention '" + name + "': key " + k + " and value " + v
          + " must have the same number of positions");
    }
    int[][] kernelShapes = {{q.last(), heads, keyDim}, {k.last(), heads, keyDim}, {v.last(), heads, valueDim},
        {heads, valueDim, q.last()}};
    int[][] biasShapes = {{heads, keyDim}, {heads, keyDim}, {heads, valueDim}, {q.last()}};
    String[] parts = {"query", "key", "value", "attention_output"};
    kernels = new Weight[4];
    biases = new Weight[4];
    for (int i = 0; i < 4; i++) {
      kernels[i] = addWeight(parts[i] + "/kernel", kernelShapes[i], kernelInit, true, l2);
      biases[i] = useBias ? addWeight(parts[i] + "/bias", biasShapes[i], biasInit, true, 0) : null;
    }
    return q;
  }

  @Override
  public Operand<TFloat32> call(GraphContext ctx, Operand<TFloat32> x, boolean training) {
    return call(ctx, List.of(x, x), training);
  }

  @Override
  public Operand<TFloat32> call(GraphContext ctx, List<Operand<TFloat32>> in, boolean training) {
    Ops tf = ctx.tf.withSubScope(name);
    Operand<TFloat32> query = in.get(0);
    Operand<TFloat32> value = in.get(1);
    Operand<TFloat32> key = in.size() == 3 ? in.get(2) : value;
    // each projection: (batch * positions, features) x (features, heads * dim), then heads split off
    Operand<TFloat32> q = tf.math.mul(project(ctx, tf, query, 0, queryLen, keyDim), tf.constant((float) (1 / Math.sqrt(keyDim))));
    Operand<TFloat32> k = project(ctx, tf, key, 1, keyLen, keyDim);
    Operand<TFloat32> v = project(ctx, tf, value, 2, keyLen, valueDim);
    Operand<TFloat32> qh = tf.linalg.transpose(q, tf.constant(new int[] {0, 2, 1, 3})); // (b, heads, tq, key_dim)
    Operand<TFloat32> kt = tf.linalg.transpose(k, tf.constant(new int[] {0, 2, 3, 1})); // (b, heads, key_dim, tk)
    Operand<TFloat32> vh = tf.linalg.transpose(v, tf.constant(new int[] {0, 2, 1, 3})); // (b, heads, tk, value_dim)
    Operand<TFloat32> scores = tf.train.batchMatMul(qh, kt, TFloat32.class);
    Operand<TFloat32> probs = tf.nn.softmax(scores);
    if (training && dropout > 0) {
      probs = Dropout.masked(tf, probs, tf.shape(probs), dropout, ctx.nextSeed());
    }
    Operand<TFloat32> mixed = tf.train.batchMatMul(probs, vh, TFloat32.class); // (b, heads, tq, value_dim)
    Operand<TFloat32> rows = tf.reshape(tf.linalg.transpose(mixed, tf.constant(new int[] {0, 2, 1, 3})),
        tf.constant(new int[] {-1, heads * valueDim}));
    int features = inputDims().last();
    Operand<TFloat32> out = tf.linalg.matMul(rows, tf.reshape(ctx.variable(kernels[3]), tf.constant(new int[] {heads * valueDim, features})));
    if (useBias) {
      out = tf.nn.biasAdd(out, ctx.variable(biases[3]));
    }
    int[] shape = inputDims().rank() == 2 ? new int[] {-1, inputDims().get(0), features}
        : new int[] {-1, inputDims().get(0), inputDims().get(1), features};
    return tf.reshape(out, tf.constant(shape));
  }

  /** One input's projection as (batch, positions, heads, dim). */
  private Operand<TFloat32> project(GraphContext ctx, Ops tf, Operand<TFloat32> x, int part, int positions, int dim) {
    int features = kernels[part].shape()[0];
    Operand<TFloat32> rows = tf.reshape(x, tf.constant(new int[] {-1, features}));
    Operand<TFloat32> y = tf.linalg.matMul(rows, tf.reshape(ctx.variable(kernels[part]), tf.constant(new int[] {features, heads * dim})));
    if (useBias) {
      y = tf.nn.biasAdd(y, tf.reshape(ctx.variable(biases[part]), tf.constant(new int[] {heads * dim})));
    }
    return tf.reshape(y, tf.constant(new int[] {-1, positions, heads, dim}));
  }

  @Override
  public long flops() {
    Dims q = inputDims();
    long f = q.last();
    long projections = 2L * queryLen * f * heads * keyDim + 2L * keyLen * f * heads * (keyDim + valueDim)
        + 2L * queryLen * heads * valueDim * f;
    long attention = 2L * heads * queryLen * keyLen * (keyDim + valueDim);
    return projections + attention;
  }

  @Override
  public ObjectNode config() {
    ObjectNode o = baseConfig();
    o.put("num_heads", heads);
    o.put("key_dim", keyDim);
    o.put("value_dim", valueDim);
    o.put("dropout", dropout);
    o.put("use_bias", useBias);
    o.set("kernel_initializer", kernelInit.toJson());
    o.set("bias_initializer", biasInit.toJson());
    o.set("kernel_regularizer", Regularizer.toJson(l2));
    return o;
  }
}
