package org.fertk.spark;

import org.fertk.FerException;

/** The message a user should see from an exception Spark wrapped (task failures nest them). */
final class SparkErrors {
  private SparkErrors() {}

  static String cause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }

  /** A user error thrown inside a task (FerException, DataException), if there is one in the chain. */
  static FerException userError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof FerException f) {
        return f;
      }
    }
    return null;
  }
}
