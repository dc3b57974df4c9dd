package org.fertk.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
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

  /** -q / --progress none, given anywhere on the command line. */
  boolean quiet() {
    return spec.root().userObject() instanceof FerCli f && f.quietMode();
  }
}
