package org.fertk;

/**
 * A face followed across the frames of a video.
 *
 * @param id the track's number, the same for the same face from frame to frame (from 1)
 * @param box where the face is in this frame
 * @param prediction what the model reads in this frame's crop
 * @param smoothed the prediction averaged over the recent frames of this track (exponentially,
 *     with the tracker's time constant); equal to {@code prediction} without smoothing
 */
public record TrackedFace(int id, FaceBox box, Prediction prediction, Prediction smoothed) {}
