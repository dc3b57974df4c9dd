/**
 * The ONNX model the toolkit writes: one validated graph builder ({@link org.fertk.onnx.OnnxGraph})
 * with typed operators, constant tensors, optimizer passes, int8 quantization and float16 weight
 * storage. The TensorFlow converter that fills it lives in {@code onnx.tf}; the workflows that run
 * and check them in {@code org.fertk.export}.
 */
package org.fertk.onnx;
