package org.fertk.cli;

import java.nio.file.Path;
import java.util.Locale;
import org.fertk.analysis.Agreement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "agree", mixinStandardHelpOptions = true,
    description = "How far two predictions files for the same faces agree: equal predicted classes and the "
        + "largest probability difference (e.g. an imported model against the original framework's output).")
final class AgreeCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "A", description = "Predictions CSV (fer score's layout; true labels not needed).")
  Path a;

  @Parameters(index = "1", paramLabel = "B", description = "Predictions CSV for the same faces.")
  Path b;

  @Option(names = "--min-agreement", paramLabel = "RATE",
      description = "Exit with status 1 when the share of equal classes is below this, e.g. 0.995.")
  Double min;

  @Override
  public Integer call() {
    if (min != null && !(min >= 0 && min <= 1)) {
      throw badValue("--min-agreement", "must be a share between 0 and 1");
    }
    Agreement g = Agreement.of(a, b);
    out().printf(Locale.ROOT, "%,d faces: same predicted class for %,d (%.2f%%); largest probability difference %.2e%n",
        g.faces(), g.sameClass(), 100 * g.rate(), g.maxProbDiff());
    g.firstDisagreements().forEach(d -> out().println("  differs at " + d));
    if (min != null && g.rate() < min) {
      err().printf(Locale.ROOT, "fer: agreement %.4f is below --min-agreement %s%n", g.rate(), min);
      return 1;
    }
    return 0;
  }
}
