package org.fertk.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fertk.onnx.proto.OnnxIr;
import org.fertk.FerException;

/**
 * Halves a float model on disk: every float weight tensor of rank 2 or more (convolution
 * kernels, dense and LSTM matrices) is stored as IEEE float16 and turned back into float32 by a
 * Cast node in front of the graph. Computation stays float32 (ONNX Runtime folds the casts into
 * constants when it loads the model), so scoring speed is unchanged; only the weights lose
 * precision, by at most half a float16 unit in the last place (2^-11 relative to the weight, or to
 * the tensor's largest weight for weights below 2^-14).
 */
public final class Float16Weights {
  /**
   * The rewritten model, how many tensors and values it stores as float16, and the largest
   * rounding error of a weight divided by the largest magnitude in its tensor (at most 2^-11 when
   * that magnitude is a normal float16; tiny weights lose relative precision as subnormals, which
   * matters only relative to the weights they are summed with).
   */
  public record Result(OnnxIr.Model model, int tensors, long values, double maxScaledError) {}

  /** The largest finite float16, 65504. */
  static final float MAX = 65504f;

  private Float16Weights() {}

  /** @param what the model's name for messages (its file) */
  public static Result convert(OnnxIr.Model model, String what) {
    OnnxModel in = OnnxModel.read(model, what);
    OnnxGraph graph = in.graph();
    OnnxGraph out = new OnnxGraph(graph.name());
    graph.inputs().forEach(io -> out.addInput(io.name(), io.dims()));
    graph.outputs().forEach(io -> out.addOutput(io.name(), io.dims()));
    List<String> weights = new ArrayList<>();
    long values = 0;
    double worst = 0;
    for (Map.Entry<String, ConstTensor> e : graph.initializers().entrySet()) {
      ConstTensor t = e.getValue();
      if (t.dataType() == ConstTensor.FLOAT16) {
        throw new FerException(what + ": already holds float16 weights (initializer '" + e.getKey() + "')");
      }
      if (!t.isFloat() || t.rank() < 2) {
        out.constant(e.getKey(), t);
        continue;
      }
      float[] f = t.floats();
      short[] half = new short[f.length];
      float largest = 0;
      for (float v : f) {
        largest = Math.max(largest, Math.abs(v));
      }
      for (int i = 0; i < f.length; i++) {
        float v = f[i];
        if (!(Math.abs(v) <= MAX)) {
          throw new FerException(what + ": initializer '" + e.getKey() + "' holds " + v
              + ", outside the float16 range (+-65504); keep this model in float32");
        }
        half[i] = toHalf(v);
        if (largest > 0) {
          worst = Math.max(worst, Math.abs(toFloat(half[i]) - v) / largest);
        }
      }
      out.constant(e.getKey() + "/float16", ConstTensor.float16(t.dims(), half));
      weights.add(e.getKey());
      values += f.length;
    }
    if (weights.isEmpty()) {
      throw new FerException(what + ": no float weight tensor of rank 2 or more to store as float16");
    }
    // the casts first: each gives the original weight name back, so the nodes read it unchanged
    for (String w : weights) {
      out.node(OnnxOp.CAST, w + "/to_float32", List.of(w + "/float16"), List.of(w), Map.of("to", (long) ConstTensor.FLOAT));
    }
    graph.nodes().forEach(n -> out.node(n.op(), n.name(), n.inputs(), n.outputs(), n.attributes()));
    OnnxIr.Model result = in.with(out, "fer.weights", String.format(Locale.ROOT, "float16 storage: %d weight tensors "
        + "(%,d values) stored as float16 and cast to float32 on load; computed in float32", weights.size(), values))
        .toProto();
    return new Result(result, weights.size(), values, worst);
  }

  /** float32 -> float16 bits, rounding to nearest, ties to even; overflow gives infinity. */
  static short toHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign;
      }
      // Subnormal half: the float's significand (implicit 1 included) shifted down to units of 2^-24.
      return (short) (sign | roundShift(mant | 0x800000, 14 - e));
    }
    // A carry out of the mantissa correctly moves to the next exponent (or to infinity).
    return (short) (sign | ((e << 10) + roundShift(mant, 13)));
  }

  /** value >> shift, rounded to nearest with ties to even. */
  private static int roundShift(int value, int shift) {
    int q = value >> shift;
    int rem = value & ((1 << shift) - 1);
    int half = 1 << (shift - 1);
    return rem > half || (rem == half && (q & 1) == 1) ? q + 1 : q;
  }

  /** float16 bits -> float32 (exact). */
  static float toFloat(short h) {
    int sign = (h & 0x8000) << 16;
    int e = (h >>> 10) & 0x1f;
    int m = h & 0x3ff;
    if (e == 0) {
      float v = m * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    if (e == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (m << 13));
    }
    return Float.intBitsToFloat(sign | ((e - 15 + 127) << 23) | (m << 13));
  }
}
