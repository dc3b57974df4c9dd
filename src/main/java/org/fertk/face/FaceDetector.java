package org.fertk.face;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;
import org.fertk.FaceBox;
import org.fertk.FerException;

/**
 * Frontal faces in a picture, found by one of OpenCV's frontal-face cascades that ship inside the
 * OpenCV jar: nothing is downloaded. Good on upright frontal faces of at least the minimum size;
 * they miss profiles, strongly tilted and small faces. Thread-safe: calls are serialised on the
 * one native classifier.
 */
public final class FaceDetector implements AutoCloseable {
  /**
   * How the cascade scans a picture.
   *
   * @param minFace smallest face side in pixels looked for
   * @param scaleStep the factor between successive window sizes (above 1; smaller finds more, slower)
   * @param minNeighbors overlapping detections needed to keep a face (higher: fewer false faces)
   */
  public record Options(int minFace, double scaleStep, int minNeighbors, Cascade cascade)
      implements Serializable {
    /**
     * Defaults for photos: faces of 48 pixels and more, step 1.1, 7 neighbours. A larger step
     * missed faces in the benchmark frames; fewer neighbours keep false faces (half of the other
     * boxes `fer bench faces` sees have 6 or fewer, and the Haar cascade's space shuttle in the
     * astronaut photo had 6), more lose true ones (10% of the found FER2013 faces have 5 or fewer).
     */
    public static final Options DEFAULTS = new Options(48, 1.1, 7, Cascade.HAAR);

    public Options(int minFace, double scaleStep, int minNeighbors) {
      this(minFace, scaleStep, minNeighbors, Cascade.HAAR);
    }

    /** The same settings with another cascade. */
    public Options with(Cascade c) {
      return new Options(minFace, scaleStep, minNeighbors, c);
    }

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

  /**
   * The two frontal-face cascades, measured against each other (`fer bench faces`, 600 FER2013
   * faces pasted 3-6x enlarged into larger pictures; `fer bench predict`, 640x480 frames with 1, 3
   * and 5 portraits, 2-core AMD EPYC): Haar finds 65.2% of the pasted FER2013 faces, LBP 63.2%;
   * both find every portrait in the frames, detection alone at 49/21/11 frames/s for Haar and
   * 58/53/35 for LBP. Haar is
   * the default (it also finds a face it cropped itself again after enlarging, which LBP did not in
   * the tests); LBP is the fast choice for video.
   */
  public enum Cascade {
    /** Viola-Jones Haar features: the more robust. True face side / box side 1.036. */
    HAAR("haarcascades/haarcascade_frontalface_default.xml", 1.036),
    /** Local binary patterns: about twice as fast with several faces. True face side / box side 1.055. */
    LBP("lbpcascades/lbpcascade_frontalface.xml", 1.055);

    final String resource;
    /** FER2013's face square over this cascade's box side (the `fer bench faces` median). */
    public final double sideOverBox;

    Cascade(String resource, double sideOverBox) {
      this.resource = resource;
      this.sideOverBox = sideOverBox;
    }
  }

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
      file = Loader.cacheResource(CascadeClassifier.class,
          Loader.getPlatform() + "/share/opencv4/" + options.cascade().resource).toPath();
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
    return detect(Gray.of(image), image.getWidth(), image.getHeight());
  }

  /** Faces in a picture given as luma values (0..255, as FaceImages.grayOf gives them), largest first. */
  public List<FaceBox> detectLuma(float[] gray, int w, int h) {
    return detect(Gray.bytes(gray), w, h);
  }

  /**
   * Faces in a grey picture (8-bit luma, row by row), largest first. (Scanning a shrunk copy, with
   * the minimum face at the cascade's 24-pixel window, is 1.5x faster but needs fewer neighbours
   * to keep a face, and then found a false face in a three-portrait frame: not done.)
   */
  public List<FaceBox> detect(byte[] gray, int w, int h) {
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
