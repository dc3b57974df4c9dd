package org.fertk.bench;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fertk.DetectedFace;
import org.fertk.FaceBox;
import org.fertk.FerModel;
import org.fertk.data.FaceImages;
import org.fertk.face.FaceCrops;

/**
 * Photos end to end: 640x480 frames holding one to five portraits, timed for detection alone,
 * classification alone (the faces' crops, already cut) and the two together (what fer predict
 * and FerModel.predictFaces do), in the same process.
 */
public final class PredictBenchmark {
  /**
   * @param faces faces composed into the frame
   * @param found faces the detector found
   * @param detectFps frames per second, detection only
   * @param classifyFps frames per second, classifying the found faces' crops only
   * @param endToEndFps frames per second, detection, cropping and classification
   */
  public record Row(int faces, int found, double detectFps, double classifyFps, double endToEndFps) {}

  private PredictBenchmark() {}

  /** A 640x480 frame with k copies of the portrait (3 by 2 grid, every other one mirrored). */
  public static BufferedImage frame(BufferedImage portrait, int k) {
    BufferedImage f = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = f.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setColor(new java.awt.Color(0x5a6470));
    g.fillRect(0, 0, 640, 480);
    int w = 192;
    int h = portrait.getHeight() * w / portrait.getWidth();
    for (int i = 0; i < k; i++) {
      int x = 16 + (i % 3) * 208;
      int y = 8 + (i / 3) * (h + 8);
      if (i % 2 == 0) {
        g.drawImage(portrait, x, y, w, h, null);
      } else {
        g.drawImage(portrait, x + w, y, -w, h, null);
      }
    }
    g.dispose();
    return f;
  }

  public static List<Row> run(FerModel model, BufferedImage portrait, int frames) {
    List<Row> rows = new ArrayList<>();
    for (int k = 1; k <= 5; k++) {
      BufferedImage f = frame(portrait, k);
      List<FaceBox> boxes = model.detect(f);
      float[] gray = FaceImages.grayOf(f);
      List<BufferedImage> crops = new ArrayList<>();
      for (FaceBox b : boxes) {
        crops.add(FaceImages.toImage(FaceCrops.crop(gray, f.getWidth(), f.getHeight(), b)));
      }
      for (int warm = 0; warm < 3; warm++) {
        model.predictFaces(f);
      }
      double detect = fps(frames, () -> model.detect(f));
      double classify = crops.isEmpty() ? Double.NaN : fps(frames, () -> model.predict(crops));
      double both = fps(frames, () -> {
        List<DetectedFace> d = model.predictFaces(f);
        if (d.size() != boxes.size()) {
          throw new IllegalStateException("the detector is not deterministic");
        }
      });
      rows.add(new Row(k, boxes.size(), detect, classify, both));
    }
    return rows;
  }

  private static double fps(int n, Runnable r) {
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      r.run();
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  /** The default portrait for the frames. */
  public static Path defaultPortrait() {
    return Path.of("data/photos/grace-hopper.jpg");
  }
}
