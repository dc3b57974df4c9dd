package org.fertk.model.layers;

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

/**
 * Keras DepthwiseConv2D (each input channel convolved with its own {@code depth_multiplier}
 * kernels: depthwise_kernel (kh, kw, in, multiplier), bias (in * multiplier)) and SeparableConv2D
 * (that, then a 1x1 convolution to {@code filters}: pointwise_kernel (1, 1, in * multiplier,
 * filters), bias (filters)), channels_last, the weights in Keras' order and layout. The
 * building block of Xception and of mini-Xception for FER2013.
 */
public final class DepthwiseSeparable extends ActivatedLayer {
  private final boolean separable;
  private final int filters;
  private final int multiplier;
  private final int[] kernel;
  private final int[] strides;
  private final String padding;
  private final Activation activation;
  private final boolean useBias;
  private final Initializer depthInit;
  private final Initializer pointInit;
  private final Initializer biasInit;
  private final double depthL2;
  private final double pointL2;
  private Weight depthW;
  private Weight pointW;
  private Weight biasW;

  public DepthwiseSeparable(LayerConfig c, double defaultL2, boolean separable) {
    super(c.layerName());
    this.separable = separable;
    filters = separable ? c.getInt("filters", null) : 0;
    if (separable && filters < 1) {
      throw c.invalid("filters", "a positive integer", filters);
    }
    multiplier = c.getInt("depth_multiplier", 1);
    if (multiplier < 1) {
      throw c.invalid("depth_multiplier", "a positive integer", multiplier);
    }
    kernel = c.getPair("kernel_size", null);
    if (kernel[0] < 1 || kernel[1] < 1) {
      throw c.invalid("kernel_size", "positive sizes", kernel[0] + "x" + kernel[1]);
    }
    strides = c.getPair("strides", new int[] {1, 1});
    if (strides[0] < 1 || strides[1] < 1 || strides[0] != strides[1]) {
      throw c.invalid("strides", "equal positive strides (TensorFlow's depthwise convolution)",
          strides[0] + "x" + strides[1]);
    }
    padding = c.getChoice("padding", "valid", "valid", "same");
    activation = Activation.parse(c, "activation");
    useBias = c.getBool("use_bias", true);
    depthInit = Initializer.parse(c, "depthwise_initializer", Initializer.GLOROT_UNIFORM);
    pointInit = separable ? Initializer.parse(c, "pointwise_initializer", Initializer.GLOROT_UNIFORM) : null;
    biasInit = Initializer.parse(c, "bias_initializer", Initializer.ZEROS);
    // every kernel without its own regularizer takes the run's L2, as Conv2D's
    double ownDepth = Regularizer.parseL2(c, "depthwise_regularizer");
    depthL2 = c.has("depthwise_regularizer") ? ownDepth : defaultL2;
    double ownPoint = separable ? Regularizer.parseL2(c, "pointwise_regularizer") : 0;
    pointL2 = !separable ? 0 : c.has("pointwise_regularizer") ? ownPoint : defaultL2;
    Pooling2D.checkChannelsLast(c);
    int[] dilation = c.getPair("dilation_rate", new int[] {1, 1});
    if (dilation[0] != 1 || dilation[1] != 1) {
      throw c.invalid("dilation_rate", "1 (dilated convolutions are not supported)", dilation[0] + "x" + dilation[1]);
    }
    c.requireAbsent("bias_regularizer", "activity_regularizer", "depthwise_constraint", "pointwise_constraint",
        "bias_constraint");
    c.rejectUnknown();
  }

  @Override
  public String className() {
    return separable ? "SeparableConv2D" : "DepthwiseConv2D";
  }

  @Override
  protected Dims computeOutput(Dims in) {
    if (in.rank() != 3) {
      throw incompatible(in, "expected a 3-D input (height, width, channels)");
    }
    int h = Pooling2D.outSize(in.get(0), kernel[0], strides[0], padding);
    int w = Pooling2D.outSize(in.get(1), kernel[1], strides[1], padding);
    if (h < 1 || w < 1) {
      throw incompatible(in, "kernel " + kernel[0] + "x" + kernel[1] + " does not fit with padding '" + padding + "'");
    }
    int mid = in.get(2) * multiplier;
    depthW = addWeight("depthwise_kernel", new int[] {kernel[0], kernel[1], in.get(2), multiplier}, depthInit, true,
        depthL2);
    pointW = separable ? addWeight("pointwise_kernel", new int[] {1, 1, mid, filters}, pointInit, true, pointL2) : null;
    int out = separable ? filters : mid;
    biasW = useBias ? addWeight("bias", new int[] {out}, biasInit, true, 0) : null;
    return Dims.of(h, w, out);
  }

  @Override
  Activation activation() {
    return activation;
  }

  @Override
  Operand<TFloat32> linear(GraphContext ctx, Operand<TFloat32> x) {
    var tf = ctx.tf.withSubScope(name);
    Operand<TFloat32> y = tf.nn.depthwiseConv2dNative(x, ctx.variable(depthW),
        List.of(1L, (long) strides[0], (long) strides[1], 1L), padding.toUpperCase());
    if (separable) {
      y = tf.nn.conv2d(y, ctx.variable(pointW), List.of(1L, 1L, 1L, 1L), "VALID");
    }
    return biasW == null ? y : tf.nn.biasAdd(y, ctx.variable(biasW));
  }




  @Override
  public long flops() {
    Dims out = outputDims();
    long mid = (long) inputDims().get(2) * multiplier;
    long depth = 2L * kernel[0] * kernel[1] * mid * out.get(0) * out.get(1);
    return separable ? depth + 2L * mid * filters * out.get(0) * out.get(1) : depth;
  }

  @Override
  public ObjectNode config() {
    ObjectNode o = baseConfig();
    if (separable) {
      o.put("filters", filters);
    }
    o.putArray("kernel_size").add(kernel[0]).add(kernel[1]);
    o.putArray("strides").add(strides[0]).add(strides[1]);
    o.put("padding", padding);
    o.put("depth_multiplier", multiplier);
    o.put("activation", activation.keras());
    o.put("use_bias", useBias);
    o.set("depthwise_initializer", depthInit.toJson());
    if (separable) {
      o.set("pointwise_initializer", pointInit.toJson());
    }
    o.set("bias_initializer", biasInit.toJson());
    o.set("depthwise_regularizer", Regularizer.toJson(depthL2));
    if (separable) {
      o.set("pointwise_regularizer", Regularizer.toJson(pointL2));
    }
    return o;
  }
}
