package org.fertk.model;

import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;

/**
 * The element-wise activations Keras layers accept by name, with Keras 3's definitions:
 * {@code leaky_relu} has slope 0.2 below zero, {@code hard_sigmoid} is relu6(x + 3) / 6,
 * {@code gelu} the exact one (with erf), {@code swish} and {@code silu} both x * sigmoid(x).
 */
public enum Activation {
  LINEAR, RELU, ELU, SIGMOID, TANH, SOFTMAX, SELU, GELU, SWISH, SILU, LEAKY_RELU, HARD_SIGMOID, SOFTPLUS;

  /** Keras 3's default slope of leaky_relu below zero. */
  public static final float LEAKY_SLOPE = 0.2f;

  /** Keras spelling; null and "linear" both mean no activation. */
  public static Activation parse(LayerConfig c, String key) {
    String s = c.getString(key, "linear");
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw c.invalid(key, "one of relu, elu, selu, gelu, swish, silu, leaky_relu, hard_sigmoid, softplus, "
          + "sigmoid, tanh, softmax, linear", "'" + s + "'");
    }
  }

  public String keras() {
    return name().toLowerCase(Locale.ROOT);
  }

  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    switch (this) {
      case RELU:
        return tf.nn.relu(x);
      case ELU:
        return tf.nn.elu(x);
      case SIGMOID:
        return tf.math.sigmoid(x);
      case TANH:
        return tf.math.tanh(x);
      case SOFTMAX:
        return tf.nn.softmax(x);
      case SELU:
        return tf.nn.selu(x);
      case GELU: // 0.5 x (1 + erf(x / sqrt 2))
        return tf.math.mul(tf.math.mul(x, tf.constant(0.5f)),
            tf.math.add(tf.constant(1f), tf.math.erf(tf.math.mul(x, tf.constant((float) (1 / Math.sqrt(2)))))));
      case SWISH:
      case SILU:
        return tf.math.mul(x, tf.math.sigmoid(x));
      case LEAKY_RELU:
        return tf.nn.leakyRelu(x, LeakyRelu.alpha(LEAKY_SLOPE));
      case HARD_SIGMOID:
        return tf.math.div(tf.nn.relu6(tf.math.add(x, tf.constant(3f))), tf.constant(6f));
      case SOFTPLUS:
        return tf.math.softplus(x);
      default:
        return x;
    }
  }
}
