package org.fertk.face;

import org.fertk.FaceBox;
import org.fertk.data.FaceImages;

/**
 * Detector boxes to faces framed as FER2013 frames them. Measured with `fer bench faces` (600
 * FER2013 training faces enlarged 3-6x and pasted into larger pictures, OpenCV's frontal cascade):
 * the true face square is 1.036 times the detector's box side (quartiles 0.973 and 1.103), centred
 * on the box (median offsets 0.000 and 0.003 box sides). So the crop is the box enlarged by 4%
 * about its centre, then grey and area-averaged to 48x48.
 */
public final class FaceCrops {
  /** True FER2013 square side over the detector's box side (the measured median). */
  public static final double SIDE_OVER_BOX = 1.036;

  private FaceCrops() {}

  /** The square a box's face occupies in FER2013's framing (may reach outside the picture). */
  public static FaceBox framing(FaceBox b) {
    int side = (int) Math.round(b.width() * SIDE_OVER_BOX);
    double cx = b.x() + b.width() / 2.0;
    double cy = b.y() + b.height() / 2.0;
    return new FaceBox((int) Math.round(cx - side / 2.0), (int) Math.round(cy - side / 2.0), side, side, b.score());
  }

  /** The 48x48 grey face of a box, from the picture's luma. */
  public static byte[] crop(float[] gray, int w, int h, FaceBox box) {
    FaceBox f = framing(box);
    return FaceImages.crop48(gray, w, h, f.x(), f.y(), f.width());
  }
}
