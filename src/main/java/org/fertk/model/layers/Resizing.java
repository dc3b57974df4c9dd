package org.fertk.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fertk.model.Dims;
import org.fertk.model.GraphContext;
import org.fertk.model.Layer;
import org.fertk.model.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;

/**
 * Keras Resizing with bilinear interpolation and Keras' pixel-centre convention (a source
 * coordinate is (x + 0.5) / scale - 0.5, TF's half_pixel_centers), no antialiasing. Imported
 * models whose input is not 48x48 get one in front of their first layer.
 */
public final class Resizing extends Layer {
  private final int height;
  private final int width;

  public Resizing(LayerConfig c) {
    super(c.layerName());
    height = c.getInt("height", null);
    width = c.getInt("width", null);
    if (height < 1 || width < 1) {
      throw c.invalid(height < 1 ? "height" : "width", "a positive integer", height < 1 ? height : width);
    }
    c.getChoice("interpolation", "bilinear", "bilinear");
    if (c.getBool("crop_to_aspect_ratio", false) || c.getBool("pad_to_aspect_ratio", false)) {
      throw c.invalid("crop_to_aspect_ratio", "false (the image is stretched to the new size)", true);
    }
    if (c.getBool("antialias", false)) {
      throw c.invalid("antialias", "false", true);
    }
    c.raw("fill_mode"); // only used when padding to the aspect ratio
    c.raw("fill_value");
    c.rejectUnknown();
  }

  @Override
  public String className() {
    return "Resizing";
  }

  @Override
  protected Dims computeOutput(Dims in) {
    if (in.rank() != 3) {
      throw incompatible(in, "expected an image (height, width, channels)");
    }
    return Dims.of(height, width, in.get(2));
  }

  @Override
  public Operand<TFloat32> call(GraphContext ctx, Operand<TFloat32> x, boolean training) {
    var tf = ctx.tf.withSubScope(name);
    if (inputDims().get(0) == height && inputDims().get(1) == width) {
      return x;
    }
    return tf.image.resizeBilinear(x, tf.constant(new int[] {height, width}), ResizeBilinear.halfPixelCenters(true));
  }

  @Override
  public ObjectNode config() {
    return baseConfig().put("height", height).put("width", width).put("interpolation", "bilinear");
  }
}
