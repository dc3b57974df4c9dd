package org.fertk.cli;

import org.fertk.FerException;

/** What a Spark command says when it runs without Spark's jars. */
final class SparkClasspath {
  private SparkClasspath() {}

  /** The error for a command run without Spark's jars (the launcher adds them; spark-submit has them). */
  static FerException missing(NoClassDefFoundError e, String command) {
    return new FerException("Apache Spark is not on the classpath (" + e.getMessage() + "): run `" + command
        + "` through the ./fer launcher, which adds target/spark-lib, or with spark-submit");
  }
}
