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
  void bareCommandsPrintTheirHelp() {
    CliTest.Run bare = CliTest.run();
    assertEquals(0, bare.code(), bare.err());
    assertTrue(bare.out().startsWith("Usage: fer "), bare.out());
    assertTrue(bare.out().contains("study"), bare.out());
    CliTest.Run data = CliTest.run("data");
    assertEquals(0, data.code(), data.err());
    assertTrue(data.out().startsWith("Usage: fer data "), data.out());
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
}
