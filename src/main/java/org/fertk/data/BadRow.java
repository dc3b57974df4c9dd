package org.fertk.data;

import org.fertk.FerException;
import org.fertk.util.Printable;

/** A rejected input row or image: where it is and what is wrong with it. */
public record BadRow(String file, long line, String problem) {
  /** "file:line: problem", or "file: problem" for whole files such as images. */
  public String describe() {
    return FerException.plain(marked());
  }

  /** {@link #describe} with the settings it names still marked, for an exception's message. */
  String marked() {
    String p = Printable.value(problem, Printable.MAX_CHARS);
    return line > 0 ? file + ":" + line + ": " + p : file + ": " + p;
  }
}
