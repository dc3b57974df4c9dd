package org.fertk.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import org.fertk.model.Dims;
import org.fertk.model.GraphContext;
import org.fertk.model.Layer;
import org.fertk.model.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** Keras Reshape to target_shape (batch excluded); one entry may be -1. */
public final class Reshape extends Layer {
  private final int[] target;

  public Reshape(LayerConfig c) {
    super(c.layerName());
    target = c.getIntList("target_shape");
    int unknown = 0;
    for (int t : target) {
      if (t == -1) {
        unknown++;
      } else if (t < 1) {
        throw c.invalid("target_shape", "positive sizes (one may be -1)", Arrays.toString(target));
      }
    }
    if (unknown > 1 || target.length == 0) {
      throw c.invalid("target_shape", "at most one -1", Arrays.toString(target));
    }
    c.rejectUnknown();
  }

  @Override
  public String className() {
    return "Reshape";
  }

  @Override
  protected Dims computeOutput(Dims in) {
    long known = 1;
    int free = -1;
    for (int i = 0; i < target.length; i++) {
      if (target[i] == -1) {
        free = i;
      } else {
        known *= target[i];
      }
    }
    int[] out = target.clone();
    if (free >= 0) {
      if (in.size() % known != 0) {
        throw incompatible(in, "cannot reshape " + in.size() + " values to " + Arrays.toString(target));
      }
      out[free] = (int) (in.size() / known);
    } else if (known != in.size()) {
      throw incompatible(in, "cannot reshape " + in.size() + " values to " + Arrays.toString(target));
    }
    return Dims.of(out);
  }

  @Override
  public Operand<TFloat32> call(GraphContext ctx, Operand<TFloat32> x, boolean training) {
    int[] s = new int[target.length + 1];
    s[0] = -1;
    int[] out = outputDims().toArray();
    System.arraycopy(out, 0, s, 1, out.length);
    var tf = ctx.tf.withSubScope(name);
    return tf.reshape(x, tf.constant(s));
  }

  @Override
  public ObjectNode config() {
    ObjectNode o = baseConfig();
    var a = o.putArray("target_shape");
    for (int t : target) {
      a.add(t);
    }
    return o;
  }
}
