package org.fertk.model.layers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.fertk.model.Dims;
import org.fertk.model.GraphContext;
import org.fertk.model.Layer;
import org.fertk.model.LayerConfig;
import org.fertk.model.SpecException;
import org.fertk.model.Weight;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * Keras TimeDistributed wrapping a Dense: the same Dense applied to every time step. The wrapped
 * layer's weights live under the wrapper's name, as in Keras.
 */
public final class TimeDistributed extends Layer {
  private final Dense inner;

  public TimeDistributed(LayerConfig c, double defaultL2) {
    super(c.layerName());
    JsonNode layer = c.nested("layer");
    String cls = layer.path("class_name").asText("");
    if (!cls.equals("Dense")) {
      throw new SpecException("Unsupported layer '" + cls + "' inside TimeDistributed '" + name
          + "': only Dense is supported");
    }
    // Weights are named after the wrapper ("time_distributed/kernel").
    inner = new Dense(new LayerConfig("Dense", name, layer.get("config")), defaultL2);
    c.rejectUnknown();
  }

  @Override
  public String className() {
    return "TimeDistributed";
  }

  @Override
  protected Dims computeOutput(Dims in) {
    if (in.rank() != 2) {
      throw incompatible(in, "expected a 2-D input (time, features)");
    }
    return inner.build(in);
  }

  @Override
  public List<Weight> weights() {
    return inner.weights();
  }

  @Override
  public long paramCount() {
    return inner.paramCount();
  }

  @Override
  public long trainableCount() {
    return inner.trainableCount();
  }

  @Override
  public long flops() {
    return inner.flops();
  }

  @Override
  public Operand<TFloat32> call(GraphContext ctx, Operand<TFloat32> x, boolean training) {
    return inner.call(ctx, x, training);
  }

  @Override
  public ObjectNode config() {
    ObjectNode o = baseConfig();
    ObjectNode l = o.putObject("layer");
    l.put("class_name", "Dense");
    ObjectNode cfg = inner.config();
    cfg.put("name", name + "_dense");
    l.set("config", cfg);
    return o;
  }
}
