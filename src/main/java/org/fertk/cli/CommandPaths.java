package org.fertk.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.fertk.util.Progress;
import org.fertk.util.ProtectedInputs;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The paths a command line names, split into outputs (the options in {@link #OUTPUTS}) and inputs
 * (every other path-valued option or parameter), so that one rule covers every command: no output
 * may be one of the command's own input files or folders (compared by real path, so links count too).
 */
final class CommandPaths {
  /** Options that name what a command writes; every other path is something it reads. */
  static final Set<String> OUTPUTS = Set.of("--out", "--annotate");

  private CommandPaths() {}

  /** Runs the parsed command with its input files protected from being written over. */
  static int execute(ParseResult top) {
    ParseResult leaf = top;
    while (leaf.subcommand() != null) {
      leaf = leaf.subcommand();
    }
    OptionRules.check(leaf);
    if (top.commandSpec().userObject() instanceof RootOptions r) {
      Progress.setMode(r.quietMode() ? Progress.Mode.NONE : r.progressMode());
    }
    List<Path> inputs = new ArrayList<>();
    List<ArgSpec> inputArgs = new ArrayList<>();
    for (ArgSpec a : leaf.matchedArgs()) {
      if (!isOutput(a)) {
        List<Path> ps = paths(a.getValue());
        inputs.addAll(ps);
        ps.forEach(p -> inputArgs.add(a));
      }
    }
    for (ArgSpec a : leaf.matchedArgs()) {
      if (isOutput(a)) {
        for (Path out : paths(a.getValue())) {
          Path real = ProtectedInputs.realTarget(out);
          for (int i = 0; i < inputs.size(); i++) {
            if (real == null || !real.equals(ProtectedInputs.realTarget(inputs.get(i)))) {
              continue;
            }
            if (Files.isRegularFile(inputs.get(i))) {
              throw new CommandLine.ParameterException(leaf.commandSpec().commandLine(),
                  ((OptionSpec) a).longestName() + " " + out + " is also this command's input ("
                      + name(inputArgs.get(i)) + " " + inputs.get(i) + "); refusing to write over it");
            }
            if (Files.isDirectory(inputs.get(i))) { // outputs among the inputs: a rerun would read them too
              throw new CommandLine.ParameterException(leaf.commandSpec().commandLine(),
                  ((OptionSpec) a).longestName() + " " + out + " is the folder this command reads ("
                      + name(inputArgs.get(i)) + " " + inputs.get(i) + "); write into another folder");
            }
          }
        }
      }
    }
    try (ProtectedInputs.Scope scope = ProtectedInputs.protect(inputs)) {
      return new CommandLine.RunLast().execute(top);
    }
  }

  private static boolean isOutput(ArgSpec a) {
    return a instanceof OptionSpec o && OUTPUTS.contains(o.longestName());
  }

  private static String name(ArgSpec a) {
    return a instanceof OptionSpec o ? o.longestName() : a.paramLabel();
  }

  private static List<Path> paths(Object value) {
    List<Path> out = new ArrayList<>();
    if (value instanceof Path p) {
      out.add(p);
    } else if (value instanceof Collection<?> c) {
      for (Object o : c) {
        if (o instanceof Path p) {
          out.add(p);
        }
      }
    }
    return out;
  }
}
