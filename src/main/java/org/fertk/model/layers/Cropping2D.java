package org.fertk.model.layers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fertk.model.Dims;
import org.fertk.model.GraphContext;
import org.fertk.model.Layer;
import org.fertk.model.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Keras Cropping2D: removes rows and columns at the image borders. As the first layer it makes a
 * model see the central crop of each face; the training shift augmentation then acts as random
 * cropping, and shifted copies at scoring time act as multi-crop test-time augmentation.
 * {@code cropping} is an int (all sides), [rows, cols] (symmetric) or [[top, bottom], [left, right]].
 */
public final class Cropping2D extends Layer {
  private final int top;
  private final int bottom;
  private final int left;
  private final int right;

  public Cropping2D(LayerConfig c) {
    super(c.layerName());
    int[] tblr = borders(c, "cropping");
    top = tblr[0];
    bottom = tblr[1];
    left = tblr[2];
    right = tblr[3];
    Pooling2D.checkChannelsLast(c);
    c.rejectUnknown();
  }

  /** An int (all sides), [rows, cols] or [[top, bottom], [left, right]] as {top, bottom, left, right}. */
  static int[] borders(LayerConfig c, String key) {
    JsonNode v = c.raw(key);
    int[] out;
    if (v == null || v.isNull()) {
      out = new int[4];
    } else if (v.isIntegralNumber()) {
      out = new int[] {v.intValue(), v.intValue(), v.intValue(), v.intValue()};
    } else if (isIntPair(v)) {
      out = new int[] {v.get(0).intValue(), v.get(0).intValue(), v.get(1).intValue(), v.get(1).intValue()};
    } else if (v.isArray() && v.size() == 2 && isIntPair(v.get(0)) && isIntPair(v.get(1))) {
      out = new int[] {v.get(0).get(0).intValue(), v.get(0).get(1).intValue(), v.get(1).get(0).intValue(),
          v.get(1).get(1).intValue()};
    } else {
      throw c.invalid(key, "an integer, [rows, cols] or [[top, bottom], [left, right]]", v);
    }
    for (int k : out) {
      if (k < 0) {
        throw c.invalid(key, "non-negative sizes", v);
      }
    }
    return out;
  }

  private static boolean isIntPair(JsonNode n) {
    return n.isArray() && n.size() == 2 && n.get(0).isIntegralNumber() && n.get(1).isIntegralNumber();
  }

  @Override
  public String className() {
    return "Cropping2D";
  }

  @Override
  protected Dims computeOutput(Dims in) {
    if (in.rank() != 3) {
      throw incompatible(in, "expected a 3-D input (height, width, channels)");
    }
    int h = in.get(0) - top - bottom;
    int w = in.get(1) - left - right;
    if (h < 1 || w < 1) {
      throw incompatible(in, "cropping " + top + "+" + bottom + " rows and " + left + "+" + right
          + " columns leaves nothing");
    }
    return Dims.of(h, w, in.get(2));
  }

  @Override
  public Operand<TFloat32> call(GraphContext ctx, Operand<TFloat32> x, boolean training) {
    var tf = ctx.tf.withSubScope(name);
    Dims out = outputDims();
    return tf.slice(x, tf.constant(new int[] {0, top, left, 0}), tf.constant(new int[] {-1, out.get(0), out.get(1), -1}));
  }

  @Override
  public ObjectNode config() {
    return putBorders(baseConfig(), "cropping", top, bottom, left, right);
  }

  /** Writes borders as Keras does: [[top, bottom], [left, right]]. */
  static ObjectNode putBorders(ObjectNode o, String key, int top, int bottom, int left, int right) {
    var rows = o.putArray(key);
    rows.addArray().add(top).add(bottom);
    rows.addArray().add(left).add(right);
    return o;
  }
}
