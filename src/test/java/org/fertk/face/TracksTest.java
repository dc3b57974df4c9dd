package org.fertk.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.fertk.DetectedFace;
import org.fertk.Emotion;
import org.fertk.FaceBox;
import org.fertk.Prediction;
import org.fertk.TrackedFace;
import org.junit.jupiter.api.Test;

/** Following faces by box overlap, and smoothing their probabilities over time, on hand-made frames. */
class TracksTest {
  private static DetectedFace face(int x, Emotion e) {
    float[] p = new float[Emotion.COUNT];
    p[e.ordinal()] = 1;
    return new DetectedFace(new FaceBox(x, 10, 50, 50, 20), new Prediction(p));
  }

  @Test
  void facesKeepTheirIdsWhenTheyMoveAndTheOrderChanges() {
    Tracks t = new Tracks(0, 1);
    List<TrackedFace> a = t.update(0, List.of(face(0, Emotion.HAPPY), face(200, Emotion.SAD)));
    assertEquals(List.of(1, 2), a.stream().map(TrackedFace::id).toList());
    // both move 10 px; given in the other order
    List<TrackedFace> b = t.update(0.2, List.of(face(210, Emotion.SAD), face(10, Emotion.HAPPY)));
    assertEquals(List.of(2, 1), b.stream().map(TrackedFace::id).toList());
    // a face far from both is new
    assertEquals(3, t.update(0.4, List.of(face(400, Emotion.FEAR))).get(0).id());
  }

  @Test
  void aFaceUnseenForLongerThanTheGapGetsANewId() {
    Tracks t = new Tracks(0, 1);
    t.update(0, List.of(face(0, Emotion.HAPPY)));
    assertEquals(1, t.update(0.9, List.of(face(5, Emotion.HAPPY))).get(0).id(), "within the gap");
    assertEquals(2, t.update(2.0, List.of(face(5, Emotion.HAPPY))).get(0).id(), "after 1.1 s unseen");
    assertThrows(IllegalArgumentException.class, () -> t.update(1.0, List.of()), "time must not go back");
  }

  @Test
  void smoothingIsAnExponentialMovingAverageOverTime() {
    Tracks t = new Tracks(1.0, 5);
    t.update(0, List.of(face(0, Emotion.HAPPY)));
    TrackedFace f = t.update(0.5, List.of(face(0, Emotion.SAD))).get(0);
    double w = 1 - Math.exp(-0.5); // weight of the new frame after 0.5 s with a 1 s time constant
    assertEquals(1 - w, f.smoothed().probability(Emotion.HAPPY), 1e-6);
    assertEquals(w, f.smoothed().probability(Emotion.SAD), 1e-6);
    assertEquals(1, f.prediction().probability(Emotion.SAD), 0, "the raw prediction is kept too");
    TrackedFace none = new Tracks(0, 5).update(0, List.of(face(0, Emotion.SAD))).get(0);
    assertEquals(none.prediction(), none.smoothed(), "no smoothing: the smoothed is the raw");
  }
}
