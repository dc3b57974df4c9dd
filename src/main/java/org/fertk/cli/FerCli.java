package org.fertk.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.Callable;
import org.fertk.FerException;
import org.fertk.util.IoErrors;
import org.fertk.util.Printable;
import org.fertk.util.Progress;
import org.fertk.util.UsageException;
import org.fertk.util.Versions;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

/** The {@code fer} command: one subcommand per pipeline step. */
@Command(
    name = "fer",
    mixinStandardHelpOptions = true,
    versionProvider = FerCli.VersionProvider.class,
    description = "Facial-expression recognition toolkit: data, training (TensorFlow Java), "
        + "ONNX export, scoring (ONNX Runtime) and analysis.",
    subcommands = {DataCommand.class, GraphsCommand.class, TrainCommand.class, ExportCommand.class,
        QuantizeCommand.class, ScoreCommand.class, PredictCommand.class, AnalyzeCommand.class, CompareCommand.class,
        StudyCommand.class, BenchCommand.class, ImportCommand.class, AgreeCommand.class, SparkCommand.class,
        CommandLine.HelpCommand.class})
public final class FerCli implements Callable<Integer>, RootOptions {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  /** Bare `fer`: the help on stderr and a usage error's status, as a missing subcommand is one. */
  @Override
  public Integer call() {
    return BaseCommand.missingCommand(spec.commandLine());
  }

  /** Exit code for a failure (bad input file, failed check). */
  public static final int FAILURE = RootOptions.FAILURE;
  /** Exit code for a usage error (unknown option, bad option value). */
  public static final int USAGE = RootOptions.USAGE;

  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "Print stack traces for errors.")
  boolean verbose;

  @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
      description = "Print results only: no progress bars, no per-epoch lines (same as --progress none).")
  boolean quiet;

  @Option(names = "--progress", scope = ScopeType.INHERIT, defaultValue = "auto", paramLabel = "MODE",
      description = "auto (a progress bar with time left on a terminal, none when stderr is piped), bar, none, or "
          + "for training epochs (one line per epoch and no bars, as Keras' verbose=2; training prints those lines "
          + "in auto mode too) (default ${DEFAULT-VALUE}).")
  Progress.Mode progress;

  /** True when only results are printed. */
  @Override
  public boolean quietMode() {
    return quiet || progress == Progress.Mode.NONE;
  }

  @Override
  public Progress.Mode progressMode() {
    return progress;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns the exit code (tests call this instead of main). */
  public static int run(String... args) {
    CommandLine cl = newCommandLine();
    int code = cl.execute(args);
    cl.getOut().flush();
    cl.getErr().flush();
    return code;
  }

  public static CommandLine newCommandLine() {
    CommandLine cl = new CommandLine(new FerCli());
    cl.setExecutionExceptionHandler(new ErrorHandler());
    cl.setParameterExceptionHandler(new UsageErrorHandler());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionStrategy(CommandPaths::execute);
    HelpExamples.addTo(cl);
    return cl;
  }

  private static boolean hasVerbose(ParseResult pr) {
    for (ParseResult p = pr; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** User errors: one line, exit 1; anything else: a short message, stack trace on --verbose. */
  static final class ErrorHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult pr) {
      PrintWriter err = cl.getErr();
      boolean verbose = hasVerbose(pr);
      Throwable t = ex;
      if (t instanceof UncheckedIOException u && u.getCause() != null
          && (u.getMessage() == null || u.getMessage().equals(u.getCause().toString()))) {
        t = t.getCause(); // a bare wrapper: the cause says it all
      }
      Object command = cl.getCommand();
      if (t instanceof UsageException) {
        err.println("fer: usage error: " + Printable.message(CliText.of(t, command)));
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return USAGE;
      }
      if (t instanceof FerException) {
        err.println("fer: error: " + Printable.message(CliText.of(t, command)));
      } else if (IoErrors.isDiskFull(t)) {
        // TensorFlow's checkpoint writer and plain file writes end here: say so, and where
        err.println("fer: error: no space left on the device (" + Printable.message(firstLine(diskFullMessage(t)))
            + "); free some space and run the command again");
      } else if (IoErrors.writeLimit(t) != null) {
        err.println("fer: error: the file system refused a write: " + Printable.message(firstLine(IoErrors.writeLimit(t)))
            + " (a file-size limit, see ulimit -f, or a quota); raise the limit or write elsewhere");
      } else if (t instanceof UncheckedIOException) {
        err.println("fer: error: " + Printable.message(t.getMessage()));
      } else if (t instanceof IOException io) {
        err.println("fer: error: " + Printable.message(describe(io)));
      } else if (t instanceof OutOfMemoryError) {
        err.println("fer: error: out of memory; raise the heap with JAVA_OPTS=-Xmx8g");
      } else {
        err.println("fer: internal error: " + t + (verbose ? "" : " (--verbose shows the stack trace)"));
      }
      if (verbose) {
        ex.printStackTrace(err);
      }
      err.flush();
      return FAILURE;
    }
  }

  /** The message of the exception in the chain that mentions the full disk (it names the file). */
  static String diskFullMessage(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (IoErrors.saysDiskFull(c.getMessage())) {
        return c.getMessage();
      }
    }
    return String.valueOf(t.getMessage());
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** An IOException whose message is only a path (as NIO's are) gets its kind named too. */
  static String describe(IOException e) {
    if (e instanceof FileSystemException f) {
      String what = e instanceof NoSuchFileException ? "not found"
          : e instanceof AccessDeniedException ? "permission denied"
          : e instanceof NotDirectoryException ? "not a folder"
          : e instanceof FileAlreadyExistsException ? "already exists"
          : f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
      return f.getFile() + ": " + what;
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** Bad options: the message and a pointer to --help, exit 2. */
  static final class UsageErrorHandler implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
      CommandLine cl = ex.getCommandLine();
      PrintWriter err = cl.getErr();
      err.println("fer: usage error: " + Printable.message(ex.getMessage()));
      CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
      err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
      err.flush();
      return USAGE;
    }
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "fer " + Versions.toolkit(),
        "TensorFlow Java " + Versions.tensorflow() + ", ONNX Runtime " + Versions.onnxruntime(),
        "Java " + System.getProperty("java.version") + " on " + System.getProperty("os.name")
            + " " + System.getProperty("os.arch")
      };
    }
  }
}
