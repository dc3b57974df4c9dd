package org.fertk.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A constant ONNX tensor (initializer) with its dims: float32 and int64 data as Java arrays (what
 * the converter computes with), the narrow types of quantized and float16 models (int8, uint8,
 * int32, float16) packed little-endian as ONNX stores them.
 *
 * @param dims the shape
 * @param dataType the ONNX element type code ({@link #FLOAT}, {@link #INT64}, ...)
 * @param floats the values of a float32 tensor, else null
 * @param longs the values of an int64 tensor, else null
 * @param packed the little-endian bytes of a tensor of another type, else null
 */
public record ConstTensor(long[] dims, int dataType, float[] floats, long[] longs, byte[] packed) {
  /** ONNX element type codes. */
  public static final int FLOAT = 1;
  public static final int UINT8 = 2;
  public static final int INT8 = 3;
  public static final int INT32 = 6;
  public static final int INT64 = 7;
  public static final int FLOAT16 = 10;

  public static ConstTensor floats(long[] dims, float[] data) {
    check(dims, data.length);
    return new ConstTensor(dims.clone(), FLOAT, data, null, null);
  }

  public static ConstTensor longs(long[] dims, long[] data) {
    check(dims, data.length);
    return new ConstTensor(dims.clone(), INT64, null, data, null);
  }

  public static ConstTensor longVector(long... v) {
    return longs(new long[] {v.length}, v);
  }

  public static ConstTensor scalar(float v) {
    return floats(new long[0], new float[] {v});
  }

  public static ConstTensor int8(long[] dims, byte[] data) {
    return packed(dims, INT8, data.clone());
  }

  public static ConstTensor uint8Scalar(int v) {
    return packed(new long[0], UINT8, new byte[] {(byte) v});
  }

  public static ConstTensor int32(long[] dims, int[] data) {
    ByteBuffer raw = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asIntBuffer().put(data);
    return packed(dims, INT32, raw.array());
  }

  public static ConstTensor float16(long[] dims, short[] bits) {
    ByteBuffer raw = ByteBuffer.allocate(2 * bits.length).order(ByteOrder.LITTLE_ENDIAN);
    raw.asShortBuffer().put(bits);
    return packed(dims, FLOAT16, raw.array());
  }

  /** A tensor of a narrow type from its little-endian bytes (as read from a model file). */
  static ConstTensor packed(long[] dims, int dataType, byte[] bytes) {
    int width = width(dataType);
    if (bytes.length % width != 0) {
      throw new IllegalArgumentException(bytes.length + " bytes do not hold values of type " + dataType);
    }
    check(dims, bytes.length / width);
    return new ConstTensor(dims.clone(), dataType, null, null, bytes);
  }

  /** Bytes per value of a packed type. */
  static int width(int dataType) {
    switch (dataType) {
      case UINT8:
      case INT8:
        return 1;
      case FLOAT16:
        return 2;
      case INT32:
        return 4;
      default:
        throw new IllegalArgumentException("ONNX element type " + dataType + " is not a packed type here");
    }
  }

  private static void check(long[] dims, int n) {
    long size = 1;
    for (long d : dims) {
      size *= d;
    }
    if (size != n) {
      throw new IllegalArgumentException("dims " + Arrays.toString(dims) + " do not hold " + n + " values");
    }
  }

  public boolean isFloat() {
    return dataType == FLOAT;
  }

  public int rank() {
    return dims.length;
  }

  public long size() {
    return floats != null ? floats.length : longs != null ? longs.length : packed.length / width(dataType);
  }

  /** The same data under other dims (a reshape). */
  public ConstTensor reshaped(long... newDims) {
    if (isFloat()) {
      return floats(newDims, floats);
    }
    return longs != null ? longs(newDims, longs) : packed(newDims, dataType, packed);
  }
}
