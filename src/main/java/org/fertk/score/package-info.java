/**
 * Batch scoring with ONNX Runtime (or TensorFlow): engines, test-time augmentation, ensembles,
 * output checks, and the predictions file with its side file.
 */
package org.fertk.score;
