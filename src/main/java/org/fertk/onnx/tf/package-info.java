/**
 * The TensorFlow-to-ONNX converter: its view of a TensorFlow graph, one handler per op type grouped
 * by category, the layout helper, and unsupported ops reported together. Builds through
 * {@code org.fertk.onnx}'s graph builder; nothing there depends on this package.
 */
package org.fertk.onnx.tf;
