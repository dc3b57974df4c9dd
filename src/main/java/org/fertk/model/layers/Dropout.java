package org.fertk.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fertk.model.Dims;
import org.fertk.model.GraphContext;
import org.fertk.model.Layer;
import org.fertk.model.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Keras Dropout (inverted): in training, zero each value with probability {@code rate} and scale
 * the rest by 1/(1-rate); at inference, the identity (no op at all). The mask comes from a
 * stateless generator keyed by the step seed, so a resumed run draws the same masks.
 */
public final class Dropout extends Layer {
  private final double rate;

  public Dropout(LayerConfig c) {
    super(c.layerName());
    rate = c.getDouble("rate", Double.NaN);
    if (!(rate >= 0 && rate < 1)) {
      throw c.invalid("rate", "0 <= rate < 1", Double.isNaN(rate) ? "nothing" : fmt(rate));
    }
    c.requireAbsent("noise_shape");
    c.rejectUnknown();
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf(v) : String.valueOf(v);
  }

  @Override
  public String className() {
    return "Dropout";
  }

  @Override
  protected Dims computeOutput(Dims in) {
    return in;
  }

  @Override
  public Operand<TFloat32> call(GraphContext ctx, Operand<TFloat32> x, boolean training) {
    if (!training || rate == 0) {
      return x;
    }
    Ops tf = ctx.tf.withSubScope(name);
    return masked(tf, x, tf.shape(x), rate, ctx.nextSeed());
  }

  /**
   * Inverted dropout with a mask of the given shape (broadcast over x): each mask value is 0 with
   * probability rate, else 1/(1-rate); drawn statelessly from the seed.
   */
  public static Operand<TFloat32> masked(Ops tf, Operand<TFloat32> x, Operand<TInt32> maskShape,
      double rate, Operand<TInt64> seed) {
    Operand<TFloat32> u = tf.random.statelessRandomUniform(maskShape, seed);
    Operand<TFloat32> keep = tf.dtypes.cast(tf.math.greaterEqual(u, tf.constant((float) rate)), TFloat32.class);
    return tf.math.mul(x, tf.math.mul(keep, tf.constant((float) (1.0 / (1.0 - rate)))));
  }

  public double rate() {
    return rate;
  }

  @Override
  public ObjectNode config() {
    return baseConfig().put("rate", rate);
  }
}
