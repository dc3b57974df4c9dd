/**
 * {@code fer bench}: measurements that report a ratio against a baseline run in the same process
 * (CSV loading, the training loop against a bare TensorFlow loop, scoring against bare ONNX Runtime).
 */
package org.fertk.bench;
