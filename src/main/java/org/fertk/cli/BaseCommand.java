package org.fertk.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** Gives commands the CLI's own output streams (so tests can capture them). */
abstract class BaseCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /**
   * A usage error naming an option and its value as the user wrote it ("0", not picocli's "0.0").
   *
   * @param problem what the value must be, e.g. "must be above 0"
   */
  ParameterException badValue(String option, String problem) {
    ParseResult pr = spec.commandLine().getParseResult();
    String written = pr != null && pr.hasMatchedOption(option) ? String.join(",", pr.matchedOption(option).stringValues())
        : String.valueOf(spec.findOption(option) == null ? null : spec.findOption(option).getValue());
    return new ParameterException(spec.commandLine(), option + " " + problem + ", got " + written);
  }

  /** A group command run without one of its commands: the help on stderr, a usage error's status. */
  static int missingCommand(picocli.CommandLine cl) {
    cl.getErr().println("fer: usage error: give a command of " + cl.getCommandSpec().qualifiedName());
    cl.usage(cl.getErr());
    return RootOptions.USAGE;
  }

  /** -q / --progress none, given anywhere on the command line. */
  boolean quiet() {
    return spec.root().userObject() instanceof RootOptions r && r.quietMode();
  }
}
