package org.fertk;

import java.awt.image.BufferedImage;
import java.util.List;
import org.fertk.face.Tracks;

/**
 * Emotions over a video, frame by frame: each frame's faces are found, classified, given the id
 * of the face they continue (by box overlap) and smoothed over time.
 *
 * <pre>{@code
 * try (FerModel model = FerModel.load(Path.of("models/best"))) {
 *   FaceTracker tracker = new FaceTracker(model, 1.0);
 *   for (each frame at time t) {
 *     for (TrackedFace f : tracker.next(t, frame)) { ... f.id(), f.smoothed().emotion() ... }
 *   }
 * }
 * }</pre>
 *
 * <p>Not thread-safe (a video is one sequence); the model behind it may serve other threads.
 */
public final class FaceTracker {
  private final FerModel model;
  private final Tracks tracks;

  /**
   * @param model the model that finds and classifies the faces
   * @param smoothSeconds time constant of the smoothing of each face's probabilities; 0 for none
   */
  public FaceTracker(FerModel model, double smoothSeconds) {
    this(model, smoothSeconds, false);
  }

  /**
   * @param model the model that finds and classifies the faces
   * @param smoothSeconds time constant of the smoothing of each face's probabilities; 0 for none
   * @param wholeFrames every frame is one face (a video of a face already framed): no face is
   *     searched for, the one track's box is the whole frame
   */
  public FaceTracker(FerModel model, double smoothSeconds, boolean wholeFrames) {
    this.model = model;
    this.wholeFrames = wholeFrames;
    this.tracks = new Tracks(smoothSeconds, Math.max(1.0, 2 * smoothSeconds));
  }

  private final boolean wholeFrames;

  /**
   * The next frame's faces.
   *
   * @param timeSeconds the frame's time; must not go back
   * @param frame the picture
   * @return each face with its track id and raw and smoothed predictions, largest first
   */
  public List<TrackedFace> next(double timeSeconds, BufferedImage frame) {
    if (wholeFrames) {
      FaceBox all = new FaceBox(0, 0, frame.getWidth(), frame.getHeight(), 0);
      return tracks.update(timeSeconds, List.of(new DetectedFace(all, model.predict(frame))));
    }
    return tracks.update(timeSeconds, model.predictFaces(frame));
  }
}
