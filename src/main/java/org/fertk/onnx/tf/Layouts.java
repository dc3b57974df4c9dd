package org.fertk.onnx.tf;

import org.fertk.onnx.ConstTensor;

/**
 * Every layout conversion between TF/Keras and ONNX, in one place (as tf2onnx keeps its NHWC/NCHW
 * helpers together). Not final: tests substitute a deliberately wrong helper to prove that the
 * parity check catches each kind of mistake.
 */
public class Layouts {
  /** Transpose permutation NHWC -> NCHW. */
  public static final long[] NHWC_TO_NCHW = {0, 3, 1, 2};
  /** Transpose permutation NCHW -> NHWC. */
  public static final long[] NCHW_TO_NHWC = {0, 2, 3, 1};

  /** TF conv kernel (kh, kw, in, out) -> ONNX Conv weight (out, in, kh, kw). */
  /**
   * A TF depthwise kernel (kh, kw, in, multiplier) as the weights of an ONNX Conv with one group per
   * input channel: (in * multiplier, 1, kh, kw), output channel c * multiplier + m.
   */
  public ConstTensor depthwiseToOihw(ConstTensor k) {
    int kh = (int) k.dims()[0];
    int kw = (int) k.dims()[1];
    int in = (int) k.dims()[2];
    int mult = (int) k.dims()[3];
    float[] src = k.floats();
    float[] out = new float[src.length];
    for (int i = 0; i < kh; i++) {
      for (int j = 0; j < kw; j++) {
        for (int c = 0; c < in; c++) {
          for (int m = 0; m < mult; m++) {
            out[((c * mult + m) * kh + i) * kw + j] = src[((i * kw + j) * in + c) * mult + m];
          }
        }
      }
    }
    return ConstTensor.floats(new long[] {(long) in * mult, 1, kh, kw}, out);
  }

  public ConstTensor hwioToOihw(ConstTensor k) {
    int kh = (int) k.dims()[0];
    int kw = (int) k.dims()[1];
    int in = (int) k.dims()[2];
    int out = (int) k.dims()[3];
    float[] src = k.floats();
    float[] dst = new float[src.length];
    for (int y = 0; y < kh; y++) {
      for (int x = 0; x < kw; x++) {
        for (int i = 0; i < in; i++) {
          for (int o = 0; o < out; o++) {
            dst[((o * in + i) * kh + y) * kw + x] = src[((y * kw + x) * in + i) * out + o];
          }
        }
      }
    }
    return ConstTensor.floats(new long[] {out, in, kh, kw}, dst);
  }

  /**
   * A dense kernel (h*w*c, units) written for input flattened in Keras's (h, w, c) order,
   * re-ordered for input flattened from NCHW in (c, h, w) order, so no transpose is needed
   * before the flatten.
   */
  public ConstTensor flattenRowsHwcToChw(ConstTensor kernel, int h, int w, int c) {
    int units = (int) kernel.dims()[1];
    float[] src = kernel.floats();
    float[] dst = new float[src.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int ch = 0; ch < c; ch++) {
          int hwc = (y * w + x) * c + ch;
          int chw = (ch * h + y) * w + x;
          System.arraycopy(src, hwc * units, dst, chw * units, units);
        }
      }
    }
    return ConstTensor.floats(kernel.dims(), dst);
  }

  /**
   * For each ONNX LSTM gate block (i, o, f, c), the index of the Keras/TF BlockLSTMV2 block
   * (i, f, c, o) holding its weights.
   */
  public int[] onnxGateSources() {
    return new int[] {0, 3, 1, 2};
  }

  /** A per-channel vector [C] shaped to broadcast over an NCHW tensor: [C, 1, 1]. */
  public ConstTensor channelVectorForNchw(ConstTensor v) {
    return v.reshaped(v.size(), 1, 1);
  }
}
