package org.fertk.model.layers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import org.fertk.model.Dims;
import org.fertk.model.GraphContext;
import org.fertk.model.Initializer;
import org.fertk.model.Layer;
import org.fertk.model.LayerConfig;
import org.fertk.model.Weight;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras BatchNormalization over the last axis. Training: normalise with the batch mean and
 * (biased) variance and move the moving statistics by {@code momentum}, as Keras 3 does (on
 * images through TF's fused kernel, otherwise with plain ops); the
 * moving statistics are not trainable and never receive gradients. Inference: an affine map
 * {@code x * scale + shift} whose scale and shift are computed from the moving statistics, gamma
 * and beta only (so an exporter can fold them into the preceding convolution).
 */
public final class BatchNormalization extends Layer {
  private final double momentum;
  private final double epsilon;
  private final boolean center;
  private final boolean scale;
  private final Initializer betaInit;
  private final Initializer gammaInit;
  private final Initializer meanInit;
  private final Initializer varInit;
  /** -1, or the positive index Keras 2 writes for the last axis (batch included). */
  private int axisValue = -1;
  private Weight gamma;
  private Weight beta;
  private Weight movingMean;
  private Weight movingVar;

  public BatchNormalization(LayerConfig c) {
    super(c.layerName());
    JsonNode axis = c.raw("axis");
    if (axis != null && !axis.isNull()) {
      if (axis.isInt()) {
        axisValue = axis.intValue();
      } else if (axis.isArray() && axis.size() == 1 && axis.get(0).isInt()) {
        axisValue = axis.get(0).intValue();
      } else {
        throw c.invalid("axis", "-1 (the channels axis)", axis);
      }
    }
    momentum = c.getDouble("momentum", 0.99);
    if (!(momentum >= 0 && momentum < 1)) {
      throw c.invalid("momentum", "0 <= momentum < 1", momentum);
    }
    epsilon = c.getDouble("epsilon", 0.001);
    if (!(epsilon > 0)) {
      throw c.invalid("epsilon", "a positive number", epsilon);
    }
    center = c.getBool("center", true);
    scale = c.getBool("scale", true);
    betaInit = Initializer.parse(c, "beta_initializer", Initializer.ZEROS);
    gammaInit = Initializer.parse(c, "gamma_initializer", Initializer.ONES);
    meanInit = Initializer.parse(c, "moving_mean_initializer", Initializer.ZEROS);
    varInit = Initializer.parse(c, "moving_variance_initializer", Initializer.ONES);
    c.requireAbsent("beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint",
        "renorm_clipping", "virtual_batch_size", "adjustment");
    c.requireDefault("renorm", BooleanNode.FALSE);
    c.requireDefault("synchronized", BooleanNode.FALSE);
    c.raw("renorm_momentum");
    c.raw("fused");
    c.rejectUnknown();
  }

  @Override
  public String className() {
    return "BatchNormalization";
  }

  @Override
  protected Dims computeOutput(Dims in) {
    if (axisValue != -1 && axisValue != in.rank()) {
      throw incompatible(in, "only the last axis (-1) can be normalised, got axis " + axisValue);
    }
    int ch = in.last();
    gamma = scale ? addWeight("gamma", new int[] {ch}, gammaInit, true, 0) : null;
    beta = center ? addWeight("beta", new int[] {ch}, betaInit, true, 0) : null;
    movingMean = addWeight("moving_mean", new int[] {ch}, meanInit, false, 0);
    movingVar = addWeight("moving_variance", new int[] {ch}, varInit, false, 0);
    return in;
  }

  @Override
  public Operand<TFloat32> call(GraphContext ctx, Operand<TFloat32> x, boolean training) {
    if (training && inputDims().rank() == 3) {
      return fusedTraining(ctx, x);
    }
    Ops tf = ctx.tf.withSubScope(name);
    int rank = inputDims().rank() + 1;
    int[] reduce = new int[rank - 1];
    for (int i = 0; i < reduce.length; i++) {
      reduce[i] = i;
    }
    Operand<TFloat32> mean;
    Operand<TFloat32> variance;
    if (training) {
      Operand<TInt32> axes = tf.constant(reduce);
      mean = tf.math.mean(x, axes);
      variance = tf.math.mean(tf.math.squaredDifference(x, tf.stopGradient(mean)), axes);
      Operand<TFloat32> m = tf.constant((float) momentum);
      Operand<TFloat32> oneMinus = tf.constant((float) (1 - momentum));
      var mm = ctx.variable(movingMean);
      var mv = ctx.variable(movingVar);
      ctx.addUpdate(tf.withName("update_moving_mean").assign(mm,
          tf.math.add(tf.math.mul(mm, m), tf.math.mul(tf.stopGradient(mean), oneMinus))));
      ctx.addUpdate(tf.withName("update_moving_variance").assign(mv,
          tf.math.add(tf.math.mul(mv, m), tf.math.mul(tf.stopGradient(variance), oneMinus))));
    } else {
      mean = ctx.variable(movingMean);
      variance = ctx.variable(movingVar);
    }
    // scale = gamma / sqrt(var + eps); shift = beta - mean * scale
    Operand<TFloat32> inv = tf.math.rsqrt(tf.math.add(variance, tf.constant((float) epsilon)));
    Operand<TFloat32> s = gamma == null ? inv : tf.math.mul(inv, ctx.variable(gamma));
    Operand<TFloat32> shift = tf.math.neg(tf.math.mul(mean, s));
    if (beta != null) {
      shift = tf.math.add(shift, ctx.variable(beta));
    }
    return tf.math.add(tf.math.mul(x, s), shift);
  }

  /**
   * Training on images with TF's fused kernel (one pass instead of several, with its own
   * gradient). It normalises with the biased batch variance, as Keras 3 does, but returns the
   * unbiased one; the moving variance is updated with the biased value, n / (n - 1) undone.
   */
  private Operand<TFloat32> fusedTraining(GraphContext ctx, Operand<TFloat32> x) {
    Ops tf = ctx.tf.withSubScope(name);
    int ch = inputDims().last();
    Operand<TFloat32> g = gamma == null ? tf.constant(ones(ch)) : ctx.variable(gamma);
    Operand<TFloat32> b = beta == null ? tf.constant(new float[ch]) : ctx.variable(beta);
    Operand<TFloat32> empty = tf.constant(new float[0]);
    var bn = tf.nn.fusedBatchNorm(x, g, b, empty, empty, FusedBatchNorm.epsilon((float) epsilon),
        FusedBatchNorm.isTraining(true), FusedBatchNorm.dataFormat("NHWC"));
    Operand<TFloat32> n = tf.dtypes.cast(tf.math.div(tf.size(x), tf.constant(ch)), TFloat32.class);
    Operand<TFloat32> biasedVar = tf.math.mul(tf.stopGradient(bn.batchVariance()),
        tf.math.div(tf.math.sub(n, tf.constant(1f)), n));
    Operand<TFloat32> m = tf.constant((float) momentum);
    Operand<TFloat32> oneMinus = tf.constant((float) (1 - momentum));
    var mm = ctx.variable(movingMean);
    var mv = ctx.variable(movingVar);
    ctx.addUpdate(tf.withName("update_moving_mean").assign(mm,
        tf.math.add(tf.math.mul(mm, m), tf.math.mul(tf.stopGradient(bn.batchMean()), oneMinus))));
    ctx.addUpdate(tf.withName("update_moving_variance").assign(mv,
        tf.math.add(tf.math.mul(mv, m), tf.math.mul(biasedVar, oneMinus))));
    return bn.y();
  }

  private static float[] ones(int n) {
    float[] v = new float[n];
    Arrays.fill(v, 1f);
    return v;
  }

  @Override
  public ObjectNode config() {
    ObjectNode o = baseConfig();
    o.put("axis", -1);
    o.put("momentum", momentum);
    o.put("epsilon", epsilon);
    o.put("center", center);
    o.put("scale", scale);
    o.set("beta_initializer", betaInit.toJson());
    o.set("gamma_initializer", gammaInit.toJson());
    o.set("moving_mean_initializer", meanInit.toJson());
    o.set("moving_variance_initializer", varInit.toJson());
    return o;
  }
}
