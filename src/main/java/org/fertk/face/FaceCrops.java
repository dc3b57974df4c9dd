package org.fertk.face;

import org.fertk.FaceBox;
import org.fertk.data.FaceImages;

/**
 * Detector boxes to faces framed as FER2013 frames them. Measured with `fer bench faces` (600
 * FER2013 training faces enlarged 3-6x and pasted into larger pictures): the true face square is
 * 1.036 times the Haar cascade's box side (quartiles 0.973 and 1.103) and 1.055 times the LBP
 * cascade's (1.007 and 1.129), centred on the box (median offsets within 0.004 box sides). So the
 * crop is the box enlarged by that ratio about its centre, then grey and area-averaged to 48x48.
 */
public final class FaceCrops {
  private FaceCrops() {}

  /** The square a Haar box's face occupies in FER2013's framing (may reach outside the picture). */
  public static FaceBox framing(FaceBox b) {
    return framing(b, FaceDetector.Cascade.HAAR);
  }

  /** The square a box's face occupies in FER2013's framing, for the cascade that found it. */
  public static FaceBox framing(FaceBox b, FaceDetector.Cascade c) {
    int side = (int) Math.round(b.width() * c.sideOverBox);
    double cx = b.x() + b.width() / 2.0;
    double cy = b.y() + b.height() / 2.0;
    return new FaceBox((int) Math.round(cx - side / 2.0), (int) Math.round(cy - side / 2.0), side, side, b.score());
  }

  /** The 48x48 grey face of a Haar box, from the picture's luma. */
  public static byte[] crop(float[] gray, int w, int h, FaceBox box) {
    return crop(gray, w, h, box, FaceDetector.Cascade.HAAR);
  }

  /** The 48x48 grey face of a box found by the cascade, from the picture's luma. */
  public static byte[] crop(float[] gray, int w, int h, FaceBox box, FaceDetector.Cascade c) {
    FaceBox f = framing(box, c);
    return FaceImages.crop48(gray, w, h, f.x(), f.y(), f.width());
  }
}
