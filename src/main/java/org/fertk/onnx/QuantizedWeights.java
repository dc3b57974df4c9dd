package org.fertk.onnx;

import java.util.List;

/**
 * A convolution's weights (OIHW) as per-output-channel symmetric int8 (scale = max |w| / 127,
 * zero point 0) and its bias as int32 at scale inputScale * weightScale, the encoding
 * QLinearConv accumulates in.
 */
public record QuantizedWeights(long[] dims, byte[] weights, float[] weightScales, int[] bias, float[] biasScales) {
  public int channels() {
    return weightScales.length;
  }

  /**
   * @param w float weights in OIHW order
   * @param dims their dims, output channels first
   * @param bias float bias per output channel, or null
   * @param inputScale the scale of the convolution's uint8 input
   */
  public static QuantizedWeights of(float[] w, List<Long> dims, float[] bias, float inputScale) {
    int channels = dims.get(0).intValue();
    int per = w.length / channels;
    byte[] q = new byte[w.length];
    float[] scales = new float[channels];
    for (int o = 0; o < channels; o++) {
      float max = 0;
      for (int k = o * per; k < (o + 1) * per; k++) {
        max = Math.max(max, Math.abs(w[k]));
      }
      // An all-zero channel quantises to zeros under any scale; 1 keeps the scale positive.
      scales[o] = max > 0 ? max / 127f : 1f;
      for (int k = o * per; k < (o + 1) * per; k++) {
        q[k] = (byte) Math.max(-127, Math.min(127, Math.round(w[k] / scales[o])));
      }
    }
    int[] qb = null;
    float[] bs = null;
    if (bias != null) {
      qb = new int[channels];
      bs = new float[channels];
      for (int o = 0; o < channels; o++) {
        bs[o] = inputScale * scales[o];
        double v = Math.rint(bias[o] / (double) bs[o]);
        qb[o] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
      }
    }
    long[] d = dims.stream().mapToLong(Long::longValue).toArray();
    return new QuantizedWeights(d, q, scales, qb, bs);
  }
}
