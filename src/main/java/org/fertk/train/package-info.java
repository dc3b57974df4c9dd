/**
 * Training natively in TensorFlow Java: {@link org.fertk.train.TrainConfig} and its builder, the
 * training loop and its callbacks (early stopping, learning-rate reduction, weight averaging,
 * checkpoints, history, progress), run folders, manifests and resume.
 */
package org.fertk.train;
