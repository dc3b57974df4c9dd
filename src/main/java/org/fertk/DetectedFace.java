package org.fertk;

/**
 * One face found in a picture, and what the model reads in it.
 *
 * @param box where the face is
 * @param prediction the probabilities of the seven emotions for the face's crop
 */
public record DetectedFace(FaceBox box, Prediction prediction) {}
