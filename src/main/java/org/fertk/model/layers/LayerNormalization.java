package org.fertk.model.layers;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fertk.model.Dims;
import org.fertk.model.GraphContext;
import org.fertk.model.Initializer;
import org.fertk.model.Layer;
import org.fertk.model.LayerConfig;
import org.fertk.model.Weight;
import org.tensorflow.Operand;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

/**
 * Keras LayerNormalization over the last axis: (x - mean) / sqrt(variance + epsilon), then
 * gamma and beta per feature (Keras' defaults: epsilon 1e-3, center and scale on). The same in
 * training and inference, so no moving statistics.
 */
public final class LayerNormalization extends Layer {
  private final double epsilon;
  private final boolean center;
  private final boolean scale;
  private final Initializer betaInit;
  private final Initializer gammaInit;
  private Weight gamma;
  private Weight beta;

  public LayerNormalization(LayerConfig c) {
    super(c.layerName());
    epsilon = c.getDouble("epsilon", 1e-3);
    if (!(epsilon > 0)) {
      throw c.invalid("epsilon", "a positive number", String.valueOf(epsilon));
    }
    center = c.getBool("center", true);
    scale = c.getBool("scale", true);
    betaInit = Initializer.parse(c, "beta_initializer", Initializer.ZEROS);
    gammaInit = Initializer.parse(c, "gamma_initializer", Initializer.ONES);
    if (c.has("axis")) {
      var a = c.raw("axis");
      boolean last = a.isInt() && a.asInt() == -1 || a.isArray() && a.size() == 1 && a.get(0).asInt() == -1;
      if (!last) {
        throw c.invalid("axis", "-1 (the last axis; other axes are not supported)", a);
      }
    }
    c.requireDefault("rms_scaling", BooleanNode.FALSE);
    c.requireAbsent("beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint");
    c.rejectUnknown();
  }

  @Override
  public String className() {
    return "LayerNormalization";
  }

  @Override
  protected Dims computeOutput(Dims in) {
    gamma = scale ? addWeight("gamma", new int[] {in.last()}, gammaInit, true, 0) : null;
    beta = center ? addWeight("beta", new int[] {in.last()}, betaInit, true, 0) : null;
    return in;
  }

  @Override
  public Operand<TFloat32> call(GraphContext ctx, Operand<TFloat32> x, boolean training) {
    var tf = ctx.tf.withSubScope(name);
    var axis = tf.constant(new int[] {-1});
    Operand<TFloat32> mean = tf.math.mean(x, axis, Mean.keepDims(true));
    Operand<TFloat32> d = tf.math.sub(x, mean);
    Operand<TFloat32> var = tf.math.mean(tf.math.mul(d, d), axis, Mean.keepDims(true));
    Operand<TFloat32> y = tf.math.div(d, tf.math.sqrt(tf.math.add(var, tf.constant((float) epsilon))));
    if (gamma != null) {
      y = tf.math.mul(y, ctx.variable(gamma));
    }
    return beta == null ? y : tf.math.add(y, ctx.variable(beta));
  }

  @Override
  public ObjectNode config() {
    ObjectNode o = baseConfig();
    o.put("axis", -1).put("epsilon", epsilon).put("center", center).put("scale", scale);
    o.set("beta_initializer", betaInit.toJson());
    o.set("gamma_initializer", gammaInit.toJson());
    return o;
  }
}
