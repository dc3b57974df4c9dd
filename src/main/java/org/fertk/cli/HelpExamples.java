package org.fertk.cli;

import java.util.Map;
import picocli.CommandLine;

/**
 * The examples at the foot of every help page, in one place so that each command's page shows
 * how it is run (the README's tour uses the same commands).
 */
final class HelpExamples {
  private HelpExamples() {}

  private static final Map<String, String[]> EXAMPLES = Map.ofEntries(
      Map.entry("fer", new String[] {"fer study", "fer predict data/photos/grace-hopper.jpg", "fer train --help"}),
      Map.entry("fer data", new String[] {"fer data stats data/synthetic-sample.csv.gz"}),
      Map.entry("fer data stats", new String[] {"fer data stats data/fer2013/fer2013.csv.gz"}),
      Map.entry("fer data show", new String[] {"fer data show data/synthetic-sample.csv.gz --out out/grid.png"}),
      Map.entry("fer data synth", new String[] {"fer data synth --n 3500 --seed 42 --out out/faces.csv.gz"}),
      Map.entry("fer data split", new String[] {"fer data split fer2013.csv.gz --by usage --out out/splits"}),
      Map.entry("fer graphs", new String[] {"fer graphs", "fer graphs show graphs/vgg-bn-thin5.json"}),
      Map.entry("fer graphs show", new String[] {"fer graphs show graphs/paper-cnn-lstm.json"}),
      Map.entry("fer train", new String[] {
          "fer train --graph graphs/paper-cnn-lstm.json --synthetic 3500 --out runs/lstm",
          "fer train --resume --out runs/lstm --epochs 8"}),
      Map.entry("fer export", new String[] {"fer export --model runs/lstm",
          "fer export --saved-model my_saved_model --out my.onnx"}),
      Map.entry("fer quantize", new String[] {"fer quantize --model runs/lstm --data faces.csv"}),
      Map.entry("fer score", new String[] {
          "fer score --model models/best --data faces.csv --split PublicTest --out p.csv",
          "fer score --model models/best --data my-photos/ --out out/faces.csv"}),
      Map.entry("fer predict", new String[] {"fer predict data/photos/astronaut.jpg --annotate out/annotated",
          "fer predict data/videos/two-faces.mp4 --out out/two-faces"}),
      Map.entry("fer analyze", new String[] {"fer analyze out/p.csv --out out/report"}),
      Map.entry("fer compare", new String[] {"fer compare runs/cnn runs/lstm --out out/compare"}),
      Map.entry("fer study", new String[] {"fer study", "fer study --plan graphs/plan-paper.json --data fer2013.csv.gz --epochs 1"}),
      Map.entry("fer bench", new String[] {"fer bench score --model runs/lstm"}),
      Map.entry("fer bench load", new String[] {"fer bench load --data data/synthetic-sample.csv.gz"}),
      Map.entry("fer bench train", new String[] {"fer bench train --graph graphs/paper-cnn-lstm.json --batches 20"}),
      Map.entry("fer bench score", new String[] {"fer bench score --model runs/lstm"}),
      Map.entry("fer bench analyze", new String[] {"fer bench analyze --n 100000"}),
      Map.entry("fer bench faces", new String[] {"fer bench faces --data data/fer2013/fer2013.csv.gz"}),
      Map.entry("fer bench predict", new String[] {"fer bench predict --fast-detector"}),
      Map.entry("fer bench spark", new String[] {"fer bench spark --base 10000"}),
      Map.entry("fer bench memory", new String[] {"fer bench memory --base 3000"}),
      Map.entry("fer import", new String[] {"fer import keras my_model.keras --out runs/imported"}),
      Map.entry("fer import keras", new String[] {"fer import keras my_model.keras --scale -1..1 --out runs/imported"}),
      Map.entry("fer agree", new String[] {"fer agree out/spark out/p.csv --min-agreement 0.995"}),
      Map.entry("fer spark", new String[] {"fer spark score --model models/best --data faces.csv --out out/spark"}),
      Map.entry("fer spark score", new String[] {
          "fer spark score --master local[2] --model models/best --data f.csv --out o"}));

  /** Puts each command's examples at the foot of its help page, for the command and its subcommands. */
  static void addTo(CommandLine cl) {
    String[] ex = EXAMPLES.get(cl.getCommandSpec().qualifiedName());
    if (ex != null) {
      StringBuilder sb = new StringBuilder("%n" + (ex.length == 1 ? "Example:" : "Examples:") + "%n");
      for (String e : ex) {
        sb.append("  ").append(e.replace("%", "%%")).append("%n");
      }
      cl.getCommandSpec().usageMessage().footer(sb.toString());
    }
    cl.getSubcommands().values().forEach(HelpExamples::addTo);
  }
}
