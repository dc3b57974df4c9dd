package org.fertk.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.fertk.model.Dims;
import org.fertk.model.GraphContext;
import org.fertk.model.Layer;
import org.fertk.model.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras SpatialDropout2D: in training, whole feature maps are dropped (one draw per image and
 * channel, the rest scaled by 1/(1-rate)), since neighbouring pixels of a map are too correlated
 * for per-pixel dropout to regularise; at inference, the identity. Stateless draws keyed by the
 * step seed, as Dropout's.
 */
public final class SpatialDropout2D extends Layer {
  private final double rate;

  public SpatialDropout2D(LayerConfig c) {
    super(c.layerName());
    rate = c.getDouble("rate", Double.NaN);
    if (!(rate >= 0 && rate < 1)) {
      throw c.invalid("rate", "0 <= rate < 1", Double.isNaN(rate) ? "nothing" : String.valueOf(rate));
    }
    Pooling2D.checkChannelsLast(c);
    c.rejectUnknown();
  }

  @Override
  public String className() {
    return "SpatialDropout2D";
  }

  @Override
  protected Dims computeOutput(Dims in) {
    if (in.rank() != 3) {
      throw incompatible(in, "expected a 3-D input (height, width, channels)");
    }
    return in;
  }

  @Override
  public Operand<TFloat32> call(GraphContext ctx, Operand<TFloat32> x, boolean training) {
    if (!training || rate == 0) {
      return x;
    }
    Ops tf = ctx.tf.withSubScope(name);
    // [batch, 1, 1, channels]: one draw per feature map
    Operand<TInt32> shape = tf.stack(List.of(
        tf.gather(tf.shape(x), tf.constant(0), tf.constant(0)), tf.constant(1), tf.constant(1),
        tf.constant(outputDims().get(2))));
    return Dropout.masked(tf, x, shape, rate, ctx.nextSeed());
  }

  @Override
  public ObjectNode config() {
    return baseConfig().put("rate", rate);
  }
}
