package org.fertk.spark;

import java.io.Serializable;

/**
 * One face read on an executor, keyed by where it came from (file and line) so that predictions
 * join back to the input; or a row that could not be read ({@code problem} set, no pixels).
 */
record FaceRow(String file, long line, int label, String problem, byte[] pixels) implements Serializable {
  boolean bad() {
    return problem != null;
  }

  String describe() {
    return file + ":" + line + ": " + problem;
  }
}
