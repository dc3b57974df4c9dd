package org.fertk.score;

import java.nio.FloatBuffer;

/** Something that turns a batch of faces into probabilities (ONNX Runtime or TF Java). */
public interface Engine extends AutoCloseable {
  /**
   * @param batch n*2304 floats in [0,1], NHWC [n,48,48,1], read from position 0
   * @return n*7 probabilities
   */
  float[] predict(FloatBuffer batch, int n);

  /** Short name for messages ("onnxruntime", "tensorflow"). */
  String name();

  /** The model file or folder, for messages about its outputs. */
  default String source() {
    return name();
  }

  @Override
  void close();
}
