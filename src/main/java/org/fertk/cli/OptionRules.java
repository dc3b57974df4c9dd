package org.fertk.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Rules that hold for an option of a given name in every command, checked once before any
 * command runs (so before anything is read or written): a thread count is never negative, a batch
 * or a count is at least 1.
 */
final class OptionRules {
  /** Option name -> smallest allowed value. */
  private static final Map<String, Long> MINIMUM = Map.of("--threads", 0L, "--batch-size", 1L, "--n", 1L,
      "--top", 1L, "--repeat", 1L, "--batches", 1L, "--epochs", 1L, "--per-class", 1L, "--scale", 1L);

  private OptionRules() {}

  static void check(ParseResult leaf) {
    for (OptionSpec o : leaf.matchedOptions()) {
      Long min = MINIMUM.get(o.longestName());
      Object v = o.getValue();
      if (min != null && v instanceof Number n && n.longValue() < min) {
        throw new CommandLine.ParameterException(leaf.commandSpec().commandLine(),
            o.longestName() + " must be at least " + min + ", got " + n);
      }
    }
  }
}
