package org.fertk.onnx;

import java.util.List;

/**
 * A convolution's weights (OIHW) as per-output-channel symmetric int8 (scale = max |w| / 63,
 * zero point 0) and its bias as int32 at scale inputScale * weightScale, the encoding
 * QLinearConv accumulates in.
 */
record QuantizedWeights(long[] dims, byte[] weights, float[] weightScales, int[] bias, float[] biasScales) {
  /**
   * Weights use 7 bits of the int8 range ([-63, 63]). On x86 processors without AVX-512 VNNI,
   * ONNX Runtime multiplies uint8 activations by int8 weights with VPMADDUBSW, which adds pairs
   * of products into a saturating int16: 2 x 255 x 127 overflows it, 2 x 255 x 63 does not. With
   * full-range weights the shipped model agreed with its float original on only 66% of faces on
   * such a machine (AVX2 only), against 99.7% where VNNI exists. This is the "reduce range"
   * setting of ONNX Runtime's own quantisation tool.
   */
  public static final float LEVELS = 63f;

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
      scales[o] = max > 0 ? max / LEVELS : 1f;
      for (int k = o * per; k < (o + 1) * per; k++) {
        q[k] = (byte) Math.max(-LEVELS, Math.min(LEVELS, Math.round(w[k] / scales[o])));
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
