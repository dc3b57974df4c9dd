package org.fertk.bench;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.fertk.FaceBox;
import org.fertk.data.FaceDataset;
import org.fertk.data.FaceImages;
import org.fertk.face.FaceDetector;

/**
 * How the face detector frames a FER2013 face: each face is enlarged 3-6x (as a photo's face
 * would be), pasted at a random place on a larger canvas of its own border's mean grey, and the
 * detector's box is compared with the face's true square. The median ratio of the true side to
 * the box's side, and the offset of the true centre from the box's centre (in box sides), give
 * the crop that reproduces FER2013's framing from a detection.
 */
public final class FaceFramingExperiment {
  /**
   * @param faces faces tried
   * @param found faces with a box overlapping the true square (IoU at least 0.3)
   * @param falseBoxes other boxes (not the face)
   * @param sideRatio quartiles (25, 50, 75%) of true side / box side
   * @param dx quartiles of (true centre x - box centre x) / box side
   * @param dy the same for y
   * @param scores quartiles (10, 50, 90%) of the found boxes' neighbour counts
   * @param falseScores 50 and 90% of the false boxes' neighbour counts
   */
  public record Result(int faces, int found, int falseBoxes, double[] sideRatio, double[] dx, double[] dy,
      double[] scores, double[] falseScores, double seconds) {}

  private FaceFramingExperiment() {}

  public static Result run(FaceDataset data, int n, long seed, FaceDetector detector) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Double> ratio = new ArrayList<>();
    List<Double> dxs = new ArrayList<>();
    List<Double> dys = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    List<Double> falseScores = new ArrayList<>();
    int tried = 0;
    long t0 = System.nanoTime();
    for (int k = 0; k < n && k < data.size(); k++) {
      int i = rnd.nextInt(data.size());
      int side = FaceDataset.SIDE * (3 + rnd.nextInt(4));
      int canvas = 2 * side;
      byte[] face = FaceImages.scale(data.pixelsOf(i), FaceDataset.SIDE, FaceDataset.SIDE, side, side);
      int fx = side / 4 + rnd.nextInt(side / 2);
      int fy = side / 4 + rnd.nextInt(side / 2);
      BufferedImage img = new BufferedImage(canvas, canvas, BufferedImage.TYPE_BYTE_GRAY);
      byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
      Arrays.fill(px, (byte) borderMean(data.pixelsOf(i)));
      for (int r = 0; r < side; r++) {
        System.arraycopy(face, r * side, px, (fy + r) * canvas + fx, side);
      }
      FaceBox truth = new FaceBox(fx, fy, side, side, 0);
      tried++;
      FaceBox best = null;
      List<FaceBox> boxes = detector.detect(img); // once: detection is the experiment's whole cost
      for (FaceBox b : boxes) {
        if (b.iou(truth) >= 0.3 && (best == null || b.iou(truth) > best.iou(truth))) {
          best = b;
        }
      }
      for (FaceBox b : boxes) {
        if (b != best) {
          falseScores.add(b.score());
        }
      }
      if (best != null) {
        ratio.add((double) side / best.width());
        dxs.add((fx + side / 2.0 - (best.x() + best.width() / 2.0)) / best.width());
        dys.add((fy + side / 2.0 - (best.y() + best.height() / 2.0)) / best.height());
        scores.add(best.score());
      }
    }
    return new Result(tried, ratio.size(), falseScores.size(), quantiles(ratio, 0.25, 0.5, 0.75),
        quantiles(dxs, 0.25, 0.5, 0.75), quantiles(dys, 0.25, 0.5, 0.75), quantiles(scores, 0.1, 0.5, 0.9),
        quantiles(falseScores, 0.5, 0.9), (System.nanoTime() - t0) / 1e9);
  }

  private static int borderMean(byte[] px) {
    long sum = 0;
    int count = 0;
    int s = FaceDataset.SIDE;
    for (int i = 0; i < s; i++) {
      sum += (px[i] & 0xff) + (px[(s - 1) * s + i] & 0xff) + (px[i * s] & 0xff) + (px[i * s + s - 1] & 0xff);
      count += 4;
    }
    return (int) (sum / count);
  }

  private static double[] quantiles(List<Double> v, double... q) {
    double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double[] out = new double[q.length];
    for (int i = 0; i < q.length; i++) {
      out[i] = s.length == 0 ? Double.NaN : s[(int) Math.min(s.length - 1, Math.floor(q[i] * s.length))];
    }
    return out;
  }
}
