package org.fertk.cli;

import java.nio.file.Path;
import java.util.List;
import org.fertk.study.Study;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "study", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Train every run of a plan, export each to ONNX (with parity check), score the test split "
        + "with ONNX Runtime, analyse and compare them, and write the report. Re-running resumes.")
final class StudyCommand extends BaseCommand {
  static final Path QUICK_PLAN = Path.of("graphs", "plan-quick.json");
  static final Path PAPER_PLAN = Path.of("graphs", "plan-paper.json");

  @Option(names = "--data", paramLabel = "DATA", description = "FER2013 CSV(.gz); default: synthetic faces generated on the fly.")
  Path data;

  @Option(names = "--plan", paramLabel = "PLAN", description = "Plan file (default: graphs/plan-quick.json without --data, "
      + "graphs/plan-paper.json with it).")
  Path plan;

  @Option(names = "--out", paramLabel = "OUT", description = "Study folder (default out/study-<plan>[-<data>]).")
  Path out;

  @Option(names = "--only", paramLabel = "ONLY", split = ",", description = "Run only these run ids of the plan.")
  List<String> only;

  @Option(names = "--epochs", paramLabel = "N",
      description = "Try the plan small: at most N epochs per run (into a folder of its own, '-tryN'), to see it "
          + "work before a full run takes hours.")
  Integer epochs;

  @Option(names = "--rerun-changed",
      description = "Train again the runs whose plan entry changed since their folder in --out was written (without "
          + "it, such a study is refused with the changes listed).")
  boolean rerunChanged;

  @Option(names = "--bootstrap", paramLabel = "BOOTSTRAP", defaultValue = "1000", description = "Bootstrap resamples (default ${DEFAULT-VALUE}).")
  int bootstrap;

  @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42", description = "Bootstrap seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Mixin
  ThreadsOption threadsOption;


  @Override
  public Integer call() {
    Path home = System.getenv("FER_HOME") == null ? Path.of("") : Path.of(System.getenv("FER_HOME"));
    Path p = plan != null ? plan : home.resolve(data == null ? QUICK_PLAN : PAPER_PLAN);
    Path o = out != null ? out : Path.of("out", "study-" + p.getFileName().toString().replaceFirst("\\.json$", "")
        .replaceFirst("^plan-", "") + (data == null ? "" : "-" + data.getFileName().toString().replaceAll("\\..*$", ""))
        + (epochs == null ? "" : "-try" + epochs));
    Study.Result r = new Study(new Study.Options(p, data, o, quiet(), threadsOption.threads, only, bootstrap, seed, epochs,
        rerunChanged), out()).run();
    if (quiet()) {
      out().println(r.reports().get(0));
    }
    return 0;
  }
}
