package org.fertk.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.fertk.model.Network;
import org.fertk.FerException;
import org.fertk.util.TextTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "graphs", mixinStandardHelpOptions = true,
    description = "List the architecture specs, or show one as a Keras-style summary.",
    subcommands = {GraphsCommand.Show.class})
final class GraphsCommand extends BaseCommand {
  @Option(names = "--dir", paramLabel = "DIR", defaultValue = "graphs", description = "Folder of specs (default ${DEFAULT-VALUE}).")
  Path dir;

  @Override
  public Integer call() throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new FerException(dir + ": folder not found");
    }
    TextTable t = new TextTable("Spec", "Model", "Layers", "Params").leftAlign(1);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        String text = Files.readString(f);
        if (!text.contains("\"Sequential\"") && !text.contains("\"Functional\"") && !text.contains("\"Model\"")) {
          continue; // plans and other JSON files
        }
        Network m = Network.load(f, 0);
        t.row(f.toString(), m.name(), m.layers().size(), String.format(Locale.ROOT, "%,d", m.paramCount()));
      }
    }
    out().print(t.toMarkdown());
    return 0;
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Keras-style summary of a spec.")
  static final class Show extends BaseCommand {
    @Parameters(paramLabel = "FILE", description = "Architecture spec (Keras JSON), e.g. graphs/vgg-bn-thin5.json.")
    Path file;

    @Override
    public Integer call() {
      Network m = Network.load(file, 0);
      if (!m.description().isEmpty()) {
        out().println(m.description());
        out().println();
      }
      out().print(m.summary());
      return 0;
    }
  }
}
