package org.fertk.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fertk.model.Dims;
import org.fertk.model.GraphContext;
import org.fertk.model.Layer;
import org.fertk.model.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Keras ZeroPadding2D: rows and columns of zeros at the borders; {@code padding} as Cropping2D's
 * {@code cropping}: an int, [rows, cols] or [[top, bottom], [left, right]] (default 1).
 */
public final class ZeroPadding2D extends Layer {
  private final int top;
  private final int bottom;
  private final int left;
  private final int right;

  public ZeroPadding2D(LayerConfig c) {
    super(c.layerName());
    int[] tblr = c.raw("padding") == null ? new int[] {1, 1, 1, 1} : Cropping2D.borders(c, "padding");
    top = tblr[0];
    bottom = tblr[1];
    left = tblr[2];
    right = tblr[3];
    Pooling2D.checkChannelsLast(c);
    c.rejectUnknown();
  }

  @Override
  public String className() {
    return "ZeroPadding2D";
  }

  @Override
  protected Dims computeOutput(Dims in) {
    if (in.rank() != 3) {
      throw incompatible(in, "expected a 3-D input (height, width, channels)");
    }
    return Dims.of(in.get(0) + top + bottom, in.get(1) + left + right, in.get(2));
  }

  @Override
  public Operand<TFloat32> call(GraphContext ctx, Operand<TFloat32> x, boolean training) {
    var tf = ctx.tf.withSubScope(name);
    return tf.pad(x, tf.constant(new int[][] {{0, 0}, {top, bottom}, {left, right}, {0, 0}}), tf.constant(0f));
  }

  @Override
  public ObjectNode config() {
    return Cropping2D.putBorders(baseConfig(), "padding", top, bottom, left, right);
  }
}
