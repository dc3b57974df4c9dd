package org.fertk.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fertk.model.Activation;
import org.fertk.model.Dims;
import org.fertk.model.GraphContext;
import org.fertk.model.Initializer;
import org.fertk.model.LayerConfig;
import org.fertk.model.Regularizer;
import org.fertk.model.Weight;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras Dense: kernel (in, units) on the last axis. On inputs of higher rank it applies to every
 * position of the other axes (a step of a sequence, a cell of a feature map), which is also what
 * TimeDistributed(Dense) computes.
 */
public final class Dense extends ActivatedLayer {
  private final int units;
  private final Activation activation;
  private final boolean useBias;
  private final Initializer kernelInit;
  private final Initializer biasInit;
  private final double l2;
  private Weight kernelW;
  private Weight biasW;

  public Dense(LayerConfig c, double defaultL2) {
    super(c.layerName());
    units = c.getInt("units", null);
    if (units < 1) {
      throw c.invalid("units", "a positive integer", units);
    }
    activation = Activation.parse(c, "activation");
    useBias = c.getBool("use_bias", true);
    kernelInit = Initializer.parse(c, "kernel_initializer", Initializer.GLOROT_UNIFORM);
    biasInit = Initializer.parse(c, "bias_initializer", Initializer.ZEROS);
    double own = Regularizer.parseL2(c, "kernel_regularizer");
    l2 = c.has("kernel_regularizer") ? own : defaultL2;
    c.requireAbsent("bias_regularizer", "activity_regularizer", "kernel_constraint",
        "bias_constraint", "lora_rank", "lora_alpha", "quantization_config");
    c.rejectUnknown();
  }

  @Override
  public String className() {
    return "Dense";
  }

  @Override
  protected Dims computeOutput(Dims in) {
    if (in.rank() < 1) {
      throw incompatible(in, "expected at least one axis of features");
    }
    kernelW = addWeight("kernel", new int[] {in.last(), units}, kernelInit, true, l2);
    biasW = useBias ? addWeight("bias", new int[] {units}, biasInit, true, 0) : null;
    int[] out = in.toArray();
    out[out.length - 1] = units;
    return Dims.of(out);
  }

  @Override
  Activation activation() {
    return activation;
  }

  @Override
  Operand<TFloat32> linear(GraphContext ctx, Operand<TFloat32> x) {
    Ops tf = ctx.tf.withSubScope(name);
    Dims in = inputDims();
    Operand<TFloat32> flat = in.rank() == 1 ? x : tf.reshape(x, tf.constant(new int[] {-1, in.last()}));
    Operand<TFloat32> y = tf.linalg.matMul(flat, ctx.variable(kernelW));
    if (biasW != null) {
      y = tf.nn.biasAdd(y, ctx.variable(biasW));
    }
    if (in.rank() == 1) {
      return y;
    }
    int[] back = new int[in.rank() + 1];
    back[0] = -1;
    for (int i = 0; i < in.rank(); i++) {
      back[i + 1] = i == in.rank() - 1 ? units : in.get(i);
    }
    return tf.reshape(y, tf.constant(back));
  }




  @Override
  public long flops() {
    Dims in = inputDims();
    return 2L * in.size() * units;
  }

  @Override
  public ObjectNode config() {
    ObjectNode o = baseConfig();
    o.put("units", units);
    o.put("activation", activation.keras());
    o.put("use_bias", useBias);
    o.set("kernel_initializer", kernelInit.toJson());
    o.set("bias_initializer", biasInit.toJson());
    o.set("kernel_regularizer", Regularizer.toJson(l2));
    return o;
  }
}
