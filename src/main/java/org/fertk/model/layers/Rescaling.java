package org.fertk.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fertk.model.Dims;
import org.fertk.model.GraphContext;
import org.fertk.model.Layer;
import org.fertk.model.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** Keras Rescaling: x * scale + offset (a model's own input preprocessing, e.g. scale 1/255 or 2 and offset -1). */
public final class Rescaling extends Layer {
  private final double scale;
  private final double offset;

  public Rescaling(LayerConfig c) {
    super(c.layerName());
    scale = c.getDouble("scale", Double.NaN);
    offset = c.getDouble("offset", 0);
    if (!Double.isFinite(scale)) {
      throw c.invalid("scale", "a finite number", Double.isNaN(scale) ? "nothing" : String.valueOf(scale));
    }
    if (!Double.isFinite(offset)) {
      throw c.invalid("offset", "a finite number", String.valueOf(offset));
    }
    c.rejectUnknown();
  }

  @Override
  public String className() {
    return "Rescaling";
  }

  @Override
  protected Dims computeOutput(Dims in) {
    return in;
  }

  @Override
  public Operand<TFloat32> call(GraphContext ctx, Operand<TFloat32> x, boolean training) {
    var tf = ctx.tf.withSubScope(name);
    Operand<TFloat32> y = tf.math.mul(x, tf.constant((float) scale));
    return offset == 0 ? y : tf.math.add(y, tf.constant((float) offset));
  }

  @Override
  public ObjectNode config() {
    return baseConfig().put("scale", scale).put("offset", offset);
  }
}
