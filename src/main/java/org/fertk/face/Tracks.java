package org.fertk.face;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.fertk.DetectedFace;
import org.fertk.Emotion;
import org.fertk.FaceBox;
import org.fertk.Prediction;
import org.fertk.TrackedFace;

/**
 * Faces followed from frame to frame by box overlap: each frame's faces are matched greedily to
 * the open tracks, best overlap first (intersection over union at least {@link #MIN_IOU}); an
 * unmatched face opens a new track; a track not seen for {@code maxGapSeconds} is closed.
 * Probabilities are smoothed per track with an exponential moving average whose time constant is
 * {@code smoothSeconds} (irregular frame times handled: the weight of the new frame is
 * 1 - exp(-dt / tau)).
 *
 * <p>The seam for a sequence model: a track is the time series of one face's crops, which a model
 * over per-frame embeddings (an LSTM reading real time steps, as the study suggests) would consume
 * in place of the moving average.
 */
public final class Tracks {
  /** Least overlap of a face with a track's last box for the two to be the same face. */
  public static final double MIN_IOU = 0.3;

  private static final class Track {
    final int id;
    FaceBox box;
    double time;
    float[] smoothed;

    Track(int id, FaceBox box, double time, float[] p) {
      this.id = id;
      this.box = box;
      this.time = time;
      this.smoothed = p.clone();
    }
  }

  private final double smoothSeconds;
  private final double maxGapSeconds;
  private final List<Track> open = new ArrayList<>();
  private int nextId = 1;
  private double lastTime = Double.NEGATIVE_INFINITY;

  /**
   * @param smoothSeconds time constant of the smoothing; 0 for none
   * @param maxGapSeconds how long a face may go unseen and keep its id
   */
  public Tracks(double smoothSeconds, double maxGapSeconds) {
    if (!(smoothSeconds >= 0) || !(maxGapSeconds > 0)) {
      throw new IllegalArgumentException("smoothing must be >= 0 and the gap > 0 seconds");
    }
    this.smoothSeconds = smoothSeconds;
    this.maxGapSeconds = maxGapSeconds;
  }

  /** This frame's faces with their track ids, in the order given. */
  public List<TrackedFace> update(double time, List<DetectedFace> faces) {
    if (time < lastTime) {
      throw new IllegalArgumentException("frame times must not go back: " + time + " after " + lastTime);
    }
    lastTime = time;
    open.removeIf(t -> time - t.time > maxGapSeconds);
    record Pair(int face, Track track, double iou) {}
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < faces.size(); i++) {
      for (Track t : open) {
        double iou = faces.get(i).box().iou(t.box);
        if (iou >= MIN_IOU) {
          pairs.add(new Pair(i, t, iou));
        }
      }
    }
    pairs.sort(Comparator.comparingDouble(Pair::iou).reversed());
    Track[] assigned = new Track[faces.size()];
    Set<Track> used = new HashSet<>();
    for (Pair p : pairs) {
      if (assigned[p.face()] == null && !used.contains(p.track())) {
        assigned[p.face()] = p.track();
        used.add(p.track());
      }
    }
    List<TrackedFace> out = new ArrayList<>();
    for (int i = 0; i < faces.size(); i++) {
      DetectedFace f = faces.get(i);
      float[] p = f.prediction().probabilities();
      Track t = assigned[i];
      if (t == null) {
        t = new Track(nextId++, f.box(), time, p);
        open.add(t);
      } else {
        double w = smoothSeconds == 0 ? 1 : 1 - Math.exp(-(time - t.time) / smoothSeconds);
        for (int c = 0; c < Emotion.COUNT; c++) {
          t.smoothed[c] = (float) (t.smoothed[c] + w * (p[c] - t.smoothed[c]));
        }
        t.box = f.box();
        t.time = time;
      }
      out.add(new TrackedFace(t.id, f.box(), f.prediction(), new Prediction(t.smoothed)));
    }
    return out;
  }
}
