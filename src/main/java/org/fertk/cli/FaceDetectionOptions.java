package org.fertk.cli;

import java.util.Locale;
import org.fertk.FerModel;
import org.fertk.face.FaceDetector;
import org.fertk.util.UsageException;
import picocli.CommandLine.Option;

/** The face detector's settings, shared by fer predict and fer score on photos. */
final class FaceDetectionOptions {
  @Option(names = "--fast-detector",
      description = "OpenCV's LBP face cascade instead of its Haar cascade: about twice as fast with several faces, "
          + "finds slightly fewer.")
  boolean fast;

  @Option(names = "--min-face", defaultValue = "48", paramLabel = "PIXELS",
      description = "Smallest face looked for (default ${DEFAULT-VALUE}).")
  int minFace;

  @Option(names = "--scale-step", paramLabel = "SCALE_STEP", defaultValue = "1.1",
      description = "Factor between the detector's window sizes; larger is faster and misses more (default ${DEFAULT-VALUE}).")
  double scaleStep;

  @Option(names = "--min-neighbors", paramLabel = "MIN_NEIGHBORS", defaultValue = "7",
      description = "Overlapping detections needed to keep a face; fewer finds more, and more false ones (default ${DEFAULT-VALUE}).")
  int minNeighbors;

  FerModel.Options apply(FerModel.Options o) {
    try {
      return o.fastFaceDetector(fast).faceDetection(minFace, scaleStep, minNeighbors);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The detector's settings alone (for `fer spark score`, which builds no FerModel). */
  FaceDetector.Options settings() {
    try {
      return new FaceDetector.Options(minFace, scaleStep, minNeighbors,
          fast ? FaceDetector.Cascade.LBP : FaceDetector.Cascade.HAAR);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** A --faces value (auto, detect or whole, any case) in lower case; a usage error otherwise. */
  static String facesMode(String value) {
    String mode = value.toLowerCase(Locale.ROOT);
    if (!mode.equals("auto") && !mode.equals("detect") && !mode.equals("whole")) {
      throw new UsageException("--faces must be auto, detect or whole, got '" + value + "'");
    }
    return mode;
  }
}
