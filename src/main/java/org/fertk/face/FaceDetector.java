package org.fertk.face;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;
import org.bytedeco.javacpp.BytePointer;
import org.fertk.FaceBox;
import org.fertk.util.FerException;

/**
 * Frontal faces in a picture, found by OpenCV's Haar cascade (Viola-Jones) that ships inside the
 * OpenCV jar: nothing is downloaded. Fast on a CPU and good on upright frontal faces of at least
 * the minimum size; it misses profiles, strongly tilted and small faces. Thread-safe: calls are
 * serialised on the one native classifier.
 */
public final class FaceDetector implements AutoCloseable {
  /**
   * How the cascade scans a picture.
   *
   * @param minFace smallest face side in pixels looked for
   * @param scaleStep the factor between successive window sizes (above 1; smaller finds more, slower)
   * @param minNeighbors overlapping detections needed to keep a face (higher: fewer false faces)
   */
  public record Options(int minFace, double scaleStep, int minNeighbors) {
    /**
     * Defaults for photos: faces of 48 pixels and more, step 1.1, 7 neighbours. With 7, a found
     * FER2013 face (pasted enlarged into a larger picture) keeps its box in about 85% of cases
     * (`fer bench faces`: 10% of them have 6 or fewer), while half of the other boxes (edges,
     * clothing, a space shuttle in the astronaut photo) have 6 or fewer and go.
     */
    public static final Options DEFAULTS = new Options(48, 1.1, 7);

    public Options {
      if (minFace < 16) {
        throw new IllegalArgumentException("the smallest face must be at least 16 pixels, got " + minFace);
      }
      if (!(scaleStep > 1.0 && scaleStep <= 2.0)) {
        throw new IllegalArgumentException("the scale step must be in (1, 2], got " + scaleStep);
      }
      if (minNeighbors < 0) {
        throw new IllegalArgumentException("neighbours must be >= 0, got " + minNeighbors);
      }
    }
  }

  /** The cascade's resource inside the OpenCV jar. */
  static final String CASCADE = "haarcascades/haarcascade_frontalface_default.xml";

  private final CascadeClassifier cascade;
  private final Options options;

  private FaceDetector(CascadeClassifier cascade, Options options) {
    this.cascade = cascade;
    this.options = options;
  }

  /** Loads the frontal-face cascade shipped in the OpenCV jar. */
  public static FaceDetector open(Options options) {
    Path file;
    try {
      file = Loader.cacheResource(org.bytedeco.opencv.opencv_objdetect.CascadeClassifier.class,
          Loader.getPlatform() + "/share/opencv4/" + CASCADE).toPath();
    } catch (IOException | RuntimeException e) {
      throw new FerException("cannot load OpenCV's face cascade from its jar (" + e.getMessage() + ")");
    }
    CascadeClassifier c = new CascadeClassifier(file.toString());
    if (c.empty()) {
      c.close();
      throw new FerException(file + ": OpenCV could not read the face cascade");
    }
    return new FaceDetector(c, options);
  }

  public Options options() {
    return options;
  }

  /** Faces in the picture, largest first. */
  public List<FaceBox> detect(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] gray = Gray.of(image);
    List<FaceBox> out;
    try (Mat m = new Mat(h, w, org.bytedeco.opencv.global.opencv_core.CV_8UC1); Mat eq = new Mat()) {
      m.data().put(gray);
      opencv_imgproc.equalizeHist(m, eq);
      out = scan(eq, 0, 0, options.scaleStep(), options.minNeighbors(), options.minFace(), 0);
    }
    out.sort(Comparator.comparingInt((FaceBox b) -> b.width() * b.height()).reversed());
    return out;
  }

  /** One cascade scan of a grey picture; boxes shifted by (dx, dy). maxFace 0 = no limit. */
  private List<FaceBox> scan(Mat gray, int dx, int dy, double step, int neighbours, int minFace, int maxFace) {
    List<FaceBox> out = new ArrayList<>();
    try (RectVector rects = new RectVector();
        IntPointer counts = new IntPointer();
        Size min = new Size(minFace, minFace);
        Size max = new Size(maxFace, maxFace)) {
      synchronized (cascade) {
        cascade.detectMultiScale2(gray, rects, counts, step, neighbours, 0, min, max);
      }
      for (long i = 0; i < rects.size(); i++) {
        Rect r = rects.get(i);
        out.add(new FaceBox(r.x() + dx, r.y() + dy, r.width(), r.height(), counts.get(i)));
      }
    }
    return out;
  }

  @Override
  public void close() {
    cascade.close();
  }
}
