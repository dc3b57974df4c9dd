package org.fertk;

/**
 * Where a face detector found a face, in pixels of the picture it looked at.
 *
 * @param x left edge
 * @param y top edge
 * @param width width
 * @param height height
 * @param score the detector's confidence: for OpenCV's cascades, how many overlapping candidate
 *     windows agreed on this face (higher is surer)
 */
public record FaceBox(int x, int y, int width, int height, double score) {
  /**
   * The share of the smaller box that the two boxes' overlap covers, as intersection over union.
   *
   * @param o another box
   * @return intersection over union, 0 when they do not overlap
   */
  public double iou(FaceBox o) {
    int ix = Math.max(0, Math.min(x + width, o.x + o.width) - Math.max(x, o.x));
    int iy = Math.max(0, Math.min(y + height, o.y + o.height) - Math.max(y, o.y));
    double inter = (double) ix * iy;
    double union = (double) width * height + (double) o.width * o.height - inter;
    return union <= 0 ? 0 : inter / union;
  }
}
