package org.fertk.train;

/**
 * Loss and accuracy of a model on a set of faces.
 *
 * @param loss mean cross-entropy plus the weight penalty, as Keras' evaluate reports it
 * @param accuracy fraction of faces classified correctly
 * @param n how many faces
 */
public record EvalMetrics(double loss, double accuracy, int n) {}
