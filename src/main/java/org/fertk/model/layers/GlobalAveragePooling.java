package org.fertk.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fertk.model.Dims;
import org.fertk.model.GraphContext;
import org.fertk.model.Layer;
import org.fertk.model.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Keras GlobalAveragePooling2D / GlobalMaxPooling2D (mean or maximum over height and width) and
 * their 1D forms (over time).
 */
public final class GlobalAveragePooling extends Layer {
  private final int spatialDims;
  private final boolean max;

  public GlobalAveragePooling(LayerConfig c, int spatialDims) {
    this(c, spatialDims, false);
  }

  public GlobalAveragePooling(LayerConfig c, int spatialDims, boolean max) {
    super(c.layerName());
    this.spatialDims = spatialDims;
    this.max = max;
    if (c.getBool("keepdims", false)) {
      throw c.invalid("keepdims", "false", true);
    }
    Pooling2D.checkChannelsLast(c);
    c.rejectUnknown();
  }

  @Override
  public String className() {
    return (max ? "GlobalMaxPooling" : "GlobalAveragePooling") + spatialDims + "D";
  }

  @Override
  protected Dims computeOutput(Dims in) {
    if (in.rank() != spatialDims + 1) {
      throw incompatible(in, "expected a " + (spatialDims + 1) + "-D input");
    }
    return Dims.of(in.last());
  }

  @Override
  public Operand<TFloat32> call(GraphContext ctx, Operand<TFloat32> x, boolean training) {
    var tf = ctx.tf.withSubScope(name);
    var axes = tf.constant(spatialDims == 2 ? new int[] {1, 2} : new int[] {1});
    return max ? tf.max(x, axes) : tf.math.mean(x, axes);
  }

  @Override
  public ObjectNode config() {
    return baseConfig();
  }
}
