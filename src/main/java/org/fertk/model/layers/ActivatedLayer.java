package org.fertk.model.layers;

import org.fertk.model.Activation;
import org.fertk.model.GraphContext;
import org.fertk.model.Layer;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A layer computing a linear map followed by its Keras {@code activation} (Conv2D, Dense, the
 * depthwise and separable convolutions): the call, and the logits when that activation is the
 * model's final softmax, are written once here.
 */
abstract class ActivatedLayer extends Layer {
  ActivatedLayer(String name) {
    super(name);
  }

  /** The layer's activation (parsed by the subclass, in its own order of config checks). */
  abstract Activation activation();

  /** Everything before the activation. */
  abstract Operand<TFloat32> linear(GraphContext ctx, Operand<TFloat32> x);

  @Override
  public final Operand<TFloat32> call(GraphContext ctx, Operand<TFloat32> x, boolean training) {
    return activation().apply(ctx.tf.withSubScope(name), linear(ctx, x));
  }

  @Override
  public final boolean endsInSoftmax() {
    return activation() == Activation.SOFTMAX;
  }

  @Override
  public final Operand<TFloat32> callLogits(GraphContext ctx, Operand<TFloat32> x, boolean training) {
    return linear(ctx, x);
  }
}
