package org.fertk.model.layers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import org.fertk.model.Dims;
import org.fertk.model.GraphContext;
import org.fertk.model.Layer;
import org.fertk.model.LayerConfig;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** Keras Permute: reorders the axes after the batch axis; {@code dims} is 1-based, e.g. [2, 1]. */
public final class Permute extends Layer {
  private final int[] dims;

  public Permute(LayerConfig c) {
    super(c.layerName());
    JsonNode v = c.raw("dims");
    if (v == null || !v.isArray() || v.isEmpty()) {
      throw c.invalid("dims", "a permutation of 1..rank, e.g. [2, 1]", v);
    }
    dims = new int[v.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = v.get(i).asInt(-1);
    }
    int[] sorted = dims.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i] != i + 1) {
        throw c.invalid("dims", "a permutation of 1.." + dims.length, v);
      }
    }
    c.rejectUnknown();
  }

  @Override
  public String className() {
    return "Permute";
  }

  @Override
  protected Dims computeOutput(Dims in) {
    if (in.rank() != dims.length) {
      throw incompatible(in, "dims " + Arrays.toString(dims) + " permute " + dims.length + " axes");
    }
    int[] out = new int[dims.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = in.get(dims[i] - 1);
    }
    return Dims.of(out);
  }

  @Override
  public Operand<TFloat32> call(GraphContext ctx, Operand<TFloat32> x, boolean training) {
    var tf = ctx.tf.withSubScope(name);
    int[] perm = new int[dims.length + 1];
    for (int i = 0; i < dims.length; i++) {
      perm[i + 1] = dims[i];
    }
    return tf.linalg.transpose(x, tf.constant(perm));
  }

  @Override
  public ObjectNode config() {
    ObjectNode o = baseConfig();
    Arrays.stream(dims).forEach(o.putArray("dims")::add);
    return o;
  }
}
