package org.fertk.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.fertk.spark.SparkBenchmark;

/** Calls the Spark benchmark from a class of its own, so that the CLI loads Spark only when it runs. */
final class SparkBenchRunner {
  private SparkBenchRunner() {}

  static String run(Path model, String data, int base, int batch, PrintWriter progress) {
    return SparkBenchmark.run(new SparkBenchmark.Options(model, data, base, batch, 2), progress);
  }
}
