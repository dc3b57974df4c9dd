package org.fertk.spark;

import java.io.Serializable;

/**
 * One face read on an executor, keyed by where it came from (file and line) so that predictions
 * join back to the input; or a row that could not be read ({@code problem} set, no pixels); or a
 * picture in which the detector found no face (no problem, no pixels). Faces found in a picture
 * carry their number (1 = largest) and box; {@code face} 0 means the row is not from detection.
 */
record FaceRow(String file, long line, int label, String problem, byte[] pixels, int face, int[] box)
    implements Serializable {
  FaceRow(String file, long line, int label, String problem, byte[] pixels) {
    this(file, line, label, problem, pixels, 0, null);
  }

  /** What a row is, for counting them all in one pass: a bad row, a picture without a face, or a face. */
  static final int BAD = 0;
  static final int NO_FACE = 1;
  static final int FACE = 2;

  int kind() {
    return bad() ? BAD : scorable() ? FACE : NO_FACE;
  }

  boolean bad() {
    return problem != null;
  }

  /** A face to score (neither a bad row nor a picture without a face). */
  boolean scorable() {
    return pixels != null;
  }

  boolean noFaceFound() {
    return problem == null && pixels == null;
  }

  /** "file:line: problem" for CSV rows; pictures and Parquet rows say where in their problem. */
  String describe() {
    // a local file as fer score names it, not as a Hadoop URI
    return (file.startsWith("file:") ? file.substring(5) : file) + (csvLine() ? ":" + line : "") + ": " + problem;
  }

  /** True for a row of a CSV file (pictures have line 0; Parquet rows mark theirs negative). */
  boolean csvLine() {
    return line > 0 && !file.endsWith(".parquet");
  }

  /** The predictions file's source column: the line (one CSV file), file:line, or the picture / file#row. */
  String source(boolean severalFiles) {
    if (line == 0) {
      return file;
    }
    if (!csvLine()) {
      return file + "#" + line;
    }
    return severalFiles ? file + ":" + line : Long.toString(line);
  }
}
