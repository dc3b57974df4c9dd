package org.fertk.model.layers;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.fertk.model.Activation;
import org.fertk.model.Dims;
import org.fertk.model.GraphContext;
import org.fertk.model.Initializer;
import org.fertk.model.LayerConfig;
import org.fertk.model.Regularizer;
import org.fertk.model.Weight;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** Keras Conv2D, channels_last: kernel (kh, kw, in, filters), optional bias and activation. */
public final class Conv2D extends ActivatedLayer {
  private final int filters;
  private final int[] kernel;
  private final int[] strides;
  private final String padding;
  private final Activation activation;
  private final boolean useBias;
  private final Initializer kernelInit;
  private final Initializer biasInit;
  private final double l2;
  private Weight kernelW;
  private Weight biasW;

  public Conv2D(LayerConfig c, double defaultL2) {
    super(c.layerName());
    filters = c.getInt("filters", null);
    if (filters < 1) {
      throw c.invalid("filters", "a positive integer", filters);
    }
    kernel = c.getPair("kernel_size", null);
    if (kernel[0] < 1 || kernel[1] < 1) {
      throw c.invalid("kernel_size", "positive sizes", kernel[0] + "x" + kernel[1]);
    }
    strides = c.getPair("strides", new int[] {1, 1});
    if (strides[0] < 1 || strides[1] < 1) {
      throw c.invalid("strides", "positive strides", strides[0] + "x" + strides[1]);
    }
    padding = c.getChoice("padding", "valid", "valid", "same");
    activation = Activation.parse(c, "activation");
    useBias = c.getBool("use_bias", true);
    kernelInit = Initializer.parse(c, "kernel_initializer", Initializer.GLOROT_UNIFORM);
    biasInit = Initializer.parse(c, "bias_initializer", Initializer.ZEROS);
    double own = Regularizer.parseL2(c, "kernel_regularizer");
    l2 = c.has("kernel_regularizer") ? own : defaultL2;
    Pooling2D.checkChannelsLast(c);
    int[] dilation = c.getPair("dilation_rate", new int[] {1, 1});
    if (dilation[0] != 1 || dilation[1] != 1) {
      throw c.invalid("dilation_rate", "1 (dilated convolutions are not supported)", dilation[0] + "x" + dilation[1]);
    }
    c.requireDefault("groups", IntNode.valueOf(1));
    c.requireAbsent("bias_regularizer", "activity_regularizer", "kernel_constraint",
        "bias_constraint", "lora_rank", "lora_alpha");
    c.rejectUnknown();
  }

  @Override
  public String className() {
    return "Conv2D";
  }

  @Override
  protected Dims computeOutput(Dims in) {
    if (in.rank() != 3) {
      throw incompatible(in, "expected a 3-D input (height, width, channels)");
    }
    int h = Pooling2D.outSize(in.get(0), kernel[0], strides[0], padding);
    int w = Pooling2D.outSize(in.get(1), kernel[1], strides[1], padding);
    if (h < 1 || w < 1) {
      throw incompatible(in, "kernel " + kernel[0] + "x" + kernel[1] + " does not fit with padding '"
          + padding + "'");
    }
    kernelW = addWeight("kernel", new int[] {kernel[0], kernel[1], in.get(2), filters}, kernelInit, true, l2);
    biasW = useBias ? addWeight("bias", new int[] {filters}, biasInit, true, 0) : null;
    return Dims.of(h, w, filters);
  }

  @Override
  Activation activation() {
    return activation;
  }

  @Override
  Operand<TFloat32> linear(GraphContext ctx, Operand<TFloat32> x) {
    Operand<TFloat32> y = ctx.tf.withSubScope(name).nn.conv2d(x, ctx.variable(kernelW),
        List.of(1L, (long) strides[0], (long) strides[1], 1L), padding.toUpperCase());
    return biasW == null ? y : ctx.tf.withSubScope(name).nn.biasAdd(y, ctx.variable(biasW));
  }




  @Override
  public long flops() {
    Dims out = outputDims();
    return 2L * kernel[0] * kernel[1] * inputDims().get(2) * filters * out.get(0) * out.get(1);
  }

  @Override
  public ObjectNode config() {
    ObjectNode o = baseConfig();
    o.put("filters", filters);
    o.putArray("kernel_size").add(kernel[0]).add(kernel[1]);
    o.putArray("strides").add(strides[0]).add(strides[1]);
    o.put("padding", padding);
    o.put("activation", activation.keras());
    o.put("use_bias", useBias);
    o.set("kernel_initializer", kernelInit.toJson());
    o.set("bias_initializer", biasInit.toJson());
    o.set("kernel_regularizer", Regularizer.toJson(l2));
    return o;
  }
}
