package org.fertk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The help of every command, as a newcomer reads it. */
class HelpTest {
  private static List<CommandLine> all(CommandLine cl) {
    List<CommandLine> out = new ArrayList<>(List.of(cl));
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (!sub.getCommandName().equals("help")) {
        out.addAll(all(sub));
      }
    }
    return out;
  }

  @Test
  void everyCommandRendersItsHelpWithoutWarningsAndDescribesEveryOption() {
    List<String> undocumented = new ArrayList<>();
    PrintStream realErr = System.err;
    ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
    try {
      for (CommandLine c : all(FerCli.newCommandLine())) {
        StringWriter help = new StringWriter();
        c.usage(new PrintWriter(help));
        assertFalse(help.toString().isBlank());
        List<ArgSpec> args = new ArrayList<>(c.getCommandSpec().options());
        args.addAll(c.getCommandSpec().positionalParameters());
        for (ArgSpec a : args) {
          String name = a instanceof OptionSpec o ? o.longestName() : a.paramLabel();
          if (String.join("", a.description()).isBlank()) {
            undocumented.add(c.getCommandSpec().qualifiedName() + " " + name);
          }
        }
      }
    } finally {
      System.setErr(realErr);
    }
    assertEquals("", warnings.toString(StandardCharsets.UTF_8), "picocli warnings while rendering help");
    assertEquals(List.of(), undocumented);
  }

  @Test
  void bareCommandsPrintTheirHelpAsAUsageError() {
    CliTest.Run bare = CliTest.run();
    assertEquals(2, bare.code(), bare.err());
    assertTrue(bare.err().startsWith("fer: usage error: give a command of fer\nUsage: fer "), bare.err());
    assertTrue(bare.err().contains("study"), bare.err());
    for (String group : new String[] {"data", "bench", "spark"}) {
      CliTest.Run g = CliTest.run(group);
      assertEquals(2, g.code(), g.err());
    }
    assertTrue(CliTest.run("data").err().contains("Usage: fer data "));
  }

  @Test
  void oneNameForOneThingAcrossCommandsWithOldSpellingsKept() {
    // --split is a split name everywhere; train's split mode is --split-by (old --split still accepted)
    CliTest.Run h = CliTest.run("train", "--help");
    assertTrue(h.out().contains("--split-by"), h.out());
    CliTest.Run old = CliTest.run("train", "--graph", "graphs/paper-cnn-lstm.json", "--split", "random", "--epochs", "0");
    assertTrue(old.err().contains("--epochs must be at least 1"), "--split still parses: " + old.err());
    // the model is --model everywhere: an ONNX file or a run folder; analyze and bench keep --run
    assertTrue(CliTest.run("analyze", "--help").out().contains("--model"));
    assertTrue(CliTest.run("bench", "score", "--help").out().contains("--model"));
  }

  /** Issue 35, item 19: every help page ends with an example and names values in one style. */
  @Test
  void everyHelpPageHasAnExampleAndUpperCasePlaceholders() {
    List<String> without = new ArrayList<>();
    for (CommandLine c : all(FerCli.newCommandLine())) {
      StringWriter help = new StringWriter();
      c.usage(new PrintWriter(help));
      String h = help.toString();
      if (!h.contains("Example")) {
        without.add(c.getCommandSpec().qualifiedName());
      }
      assertFalse(h.matches("(?s).*=<[a-zA-Z]+>.*"), c.getCommandSpec().qualifiedName() + ":\n" + h);
    }
    assertEquals(List.of(), without, "help pages without an example");
    StringWriter score = new StringWriter();
    FerCli.newCommandLine().getSubcommands().get("score").usage(new PrintWriter(score));
    assertTrue(score.toString().contains("(default ort)"), "--engine states its default");
    assertFalse(score.toString().contains("one line per epoch either way"), "no epochs promised to fer score");
    StringWriter train = new StringWriter();
    FerCli.newCommandLine().getSubcommands().get("train").usage(new PrintWriter(train));
    assertTrue(train.toString().startsWith("Usage: fer train --graph=GRAPH "), "--graph is not shown optional: " + train);
  }

  /** Issue 35, item 19: -q leaves only results. */
  @Test
  void quietPrintsResultsOnly() {
    CliTest.Run quiet = CliTest.run("score", "--model", "models/paper-cnn", "--data", "data/synthetic-sample.csv.gz",
        "--out", System.getProperty("java.io.tmpdir") + "/fer-helptest-" + ProcessHandle.current().pid() + ".csv", "-q");
    assertEquals(0, quiet.code(), quiet.err());
    assertFalse(quiet.out().contains("img/s"), quiet.out());
  }
}
