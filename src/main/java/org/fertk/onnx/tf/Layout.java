package org.fertk.onnx.tf;

/** How an ONNX value is laid out relative to the TF tensor it stands for. */
enum Layout {
  /** Exactly the TF tensor (NHWC for images). */
  NATIVE,
  /** A 4-D image tensor transposed to NCHW. */
  NCHW,
  /** A TF flatten of an NHWC tensor, computed from NCHW: features in (c, h, w) order. */
  FLAT_CHW
}
