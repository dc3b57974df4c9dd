package org.fertk.cli;

import picocli.CommandLine.Option;

/** --threads, shared by every command that runs TensorFlow or ONNX Runtime. */
final class ThreadsOption {
  @Option(names = "--threads", paramLabel = "THREADS", defaultValue = "0", description = "Intra-op threads, 0 = all cores (default).")
  int threads;
}
