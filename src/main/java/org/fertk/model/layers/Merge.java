package org.fertk.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.fertk.model.Dims;
import org.fertk.model.GraphContext;
import org.fertk.model.Layer;
import org.fertk.model.LayerConfig;
import org.fertk.model.SpecException;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Keras' element-wise merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum) and
 * Concatenate. Element-wise inputs have the same rank and broadcast where a size is 1, as in
 * Keras (a squeeze-and-excitation block multiplies (h, w, c) by (1, 1, c)).
 */
public final class Merge extends Layer {
  /** The merge operation, named by its Keras class. */
  public enum Kind {
    ADD("Add"), SUBTRACT("Subtract"), MULTIPLY("Multiply"), AVERAGE("Average"), MAXIMUM("Maximum"),
    MINIMUM("Minimum"), CONCATENATE("Concatenate");

    final String keras;

    Kind(String keras) {
      this.keras = keras;
    }

    /** The Keras class name. */
    public String keras() {
      return keras;
    }
  }

  private final Kind kind;
  private final int axis;

  public Merge(LayerConfig c, Kind kind) {
    super(c.layerName());
    this.kind = kind;
    axis = kind == Kind.CONCATENATE ? c.getInt("axis", -1) : 0;
    if (kind == Kind.CONCATENATE && axis == 0) {
      throw c.invalid("axis", "an axis after the batch axis (-1 for channels)", 0);
    }
    c.rejectUnknown();
  }

  @Override
  public String className() {
    return kind.keras;
  }

  @Override
  protected Dims computeOutput(Dims input) {
    throw new SpecException(kind.keras + " '" + name + "' merges several inputs, got one");
  }

  @Override
  protected Dims computeOutput(List<Dims> in) {
    if (in.size() < 2 || (kind == Kind.SUBTRACT && in.size() != 2)) {
      throw new SpecException(kind.keras + " '" + name + "' needs "
          + (kind == Kind.SUBTRACT ? "exactly 2" : "at least 2") + " inputs, got " + in.size());
    }
    return kind == Kind.CONCATENATE ? concatenated(in) : broadcast(in);
  }

  private Dims broadcast(List<Dims> in) {
    int[] out = in.get(0).toArray();
    for (Dims d : in.subList(1, in.size())) {
      if (d.rank() != out.length) {
        throw mismatch(in, "the inputs have different ranks");
      }
      for (int i = 0; i < out.length; i++) {
        int v = d.get(i);
        if (v != out[i] && v != 1 && out[i] != 1) {
          throw mismatch(in, "axis " + (i + 1) + " differs (" + out[i] + " vs " + v + ")");
        }
        out[i] = Math.max(out[i], v);
      }
    }
    return Dims.of(out);
  }

  private Dims concatenated(List<Dims> in) {
    int rank = in.get(0).rank();
    int ax = normalizedAxis(rank);
    if (ax < 0 || ax >= rank) {
      throw mismatch(in, "axis " + axis + " is outside the inputs' " + rank + " axes");
    }
    int[] out = in.get(0).toArray();
    for (Dims d : in.subList(1, in.size())) {
      if (d.rank() != rank) {
        throw mismatch(in, "the inputs have different ranks");
      }
      for (int i = 0; i < rank; i++) {
        if (i != ax && d.get(i) != out[i]) {
          throw mismatch(in, "sizes must agree on every axis but the concatenation axis " + axis);
        }
      }
      out[ax] += d.get(ax);
    }
    return Dims.of(out);
  }

  /** The concatenation axis counted within the per-example shape (Keras counts the batch axis). */
  private int normalizedAxis(int rank) {
    return axis < 0 ? rank + axis : axis - 1;
  }

  private SpecException mismatch(List<Dims> in, String why) {
    List<String> shapes = new ArrayList<>();
    in.forEach(d -> shapes.add(d.toString()));
    return new SpecException("Incompatible input shapes " + String.join(", ", shapes) + " for "
        + kind.keras + " '" + name + "': " + why);
  }

  @Override
  public Operand<TFloat32> call(GraphContext ctx, Operand<TFloat32> x, boolean training) {
    throw new IllegalStateException(kind.keras + " '" + name + "' merges several inputs");
  }

  @Override
  public Operand<TFloat32> call(GraphContext ctx, List<Operand<TFloat32>> xs, boolean training) {
    var tf = ctx.tf.withSubScope(name);
    if (kind == Kind.CONCATENATE) {
      return tf.concat(xs, tf.constant(normalizedAxis(inputDims().rank()) + 1));
    }
    Operand<TFloat32> y = xs.get(0);
    for (Operand<TFloat32> x : xs.subList(1, xs.size())) {
      y = switch (kind) {
        case ADD, AVERAGE -> tf.math.add(y, x);
        case SUBTRACT -> tf.math.sub(y, x);
        case MULTIPLY -> tf.math.mul(y, x);
        case MAXIMUM -> tf.math.maximum(y, x);
        case MINIMUM -> tf.math.minimum(y, x);
        case CONCATENATE -> throw new IllegalStateException();
      };
    }
    return kind == Kind.AVERAGE ? tf.math.mul(y, tf.constant(1f / xs.size())) : y;
  }

  @Override
  public ObjectNode config() {
    ObjectNode o = baseConfig();
    if (kind == Kind.CONCATENATE) {
      o.put("axis", axis);
    }
    return o;
  }
}
