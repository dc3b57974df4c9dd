package org.fertk.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.fertk.data.FaceImagesTest;
import org.fertk.onnx.proto.OnnxIr;
import org.fertk.util.Printable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a careless user does on the command line: each case once broke (issue 19). */
class HardeningCliTest {
  @TempDir
  Path dir;

  @Test
  void decompressionBombIsOneMessageInEveryCommandAndSkippable() throws Exception {
    Path bomb = dir.resolve("faces/happy/bomb.png");
    Files.createDirectories(bomb.getParent());
    Files.write(bomb, FaceImagesTest.pngDeclaring(40000, 40000));
    CliTest.Run stats = CliTest.run("data", "stats", dir.resolve("faces").toString());
    assertEquals(1, stats.code());
    assertTrue(stats.err().startsWith("fer: error: " + bomb + ": image declares 40000x40000"), stats.err());
    assertFalse(stats.err().contains("\tat "), stats.err());
    CliTest.Run predict = CliTest.run("predict", bomb.toString());
    assertEquals(1, predict.code());
    assertTrue(predict.err().contains("--max-image-pixels"), predict.err());
    CliTest.Run skipped = CliTest.run("predict", bomb.toString(), "data/faces/synthetic-happy.png", "--skip-bad-rows");
    assertEquals(0, skipped.code(), skipped.err());
    assertTrue(skipped.out().startsWith("data/faces/synthetic-happy.png: "), skipped.out());
    assertTrue(skipped.err().contains("skipped 1 image that could not be read"), skipped.err());
    assertEquals(2, CliTest.run("predict", bomb.toString(), "--max-image-pixels", "0").code());
  }

  static final String MODEL = "models/paper-cnn/model.onnx";

  private Path synth(String name, int n) {
    Path f = dir.resolve(name);
    assertEquals(0, CliTest.run("data", "synth", "--n", String.valueOf(n), "--seed", "4", "--out", f.toString()).code());
    return f;
  }

  @Test
  void noOutputMayOverwriteAnInputEvenThroughALink() throws Exception {
    Path data = synth("in.csv", 20);
    byte[] before = Files.readAllBytes(data);
    CliTest.Run same = CliTest.run("score", "--model", MODEL, "--data", data.toString(), "--out", data.toString(), "-q");
    assertEquals(2, same.code());
    assertTrue(same.err().contains("--out " + data + " is also this command's input (--data " + data + ")"), same.err());
    Path link = Files.createSymbolicLink(dir.resolve("link.csv"), data);
    assertEquals(2, CliTest.run("score", "--model", MODEL, "--data", data.toString(), "--out", link.toString()).code());
    Path model = dir.resolve("m.onnx");
    Files.copy(Path.of(MODEL), model);
    CliTest.Run m = CliTest.run("score", "--model", model.toString(), "--data", data.toString(), "--out", model.toString());
    assertEquals(2, m.code());
    assertTrue(m.err().contains("(--model " + model + ")"), m.err());
    CliTest.Run q = CliTest.run("quantize", "--model", model.toString(), "--out", model.toString());
    assertEquals(2, q.code(), q.err());
    CliTest.Run show = CliTest.run("data", "show", data.toString(), "--out", link.toString());
    assertEquals(2, show.code());
    assertArrayEquals(before, Files.readAllBytes(data));
    assertArrayEquals(Files.readAllBytes(Path.of(MODEL)), Files.readAllBytes(model));
  }

  /** The shipped CNN with its final Softmax removed (it then emits logits), or with NaN weights. */
  private Path brokenModel(String name, boolean dropSoftmax, boolean nanWeights) throws Exception {
    OnnxIr.Model m = OnnxIr.Model.parseFrom(Files.readAllBytes(Path.of(MODEL)));
    OnnxIr.Graph.Builder g = m.getGraph().toBuilder();
    if (dropSoftmax) {
      int last = g.getNodeCount() - 1;
      assertEquals("Softmax", g.getNode(last).getOpType());
      String logits = g.getNode(last).getInput(0);
      String out = g.getNode(last).getOutput(0);
      g.removeNode(last);
      for (int i = 0; i < g.getNodeCount(); i++) {
        if (g.getNode(i).getOutputList().contains(logits)) {
          g.setNode(i, g.getNode(i).toBuilder().setOutput(g.getNode(i).getOutputList().indexOf(logits), out));
        }
      }
    }
    if (nanWeights) {
      int k = 0;
      while (g.getInitializer(k).getDataType() != 1 || g.getInitializer(k).getRawData().size() < 400) {
        k++; // the first float weight tensor, not a shape
      }
      OnnxIr.Tensor t = g.getInitializer(k);
      ByteBuffer b = ByteBuffer.allocate(t.getRawData().size()).order(ByteOrder.LITTLE_ENDIAN);
      while (b.remaining() >= 4) {
        b.putFloat(Float.NaN);
      }
      g.setInitializer(k, t.toBuilder().setRawData(ByteString.copyFrom(b.array())));
    }
    Path f = dir.resolve(name);
    Files.write(f, m.toBuilder().setGraph(g).build().toByteArray());
    return f;
  }

  @Test
  void outputsThatAreNotProbabilitiesAreRefusedOrSoftmaxedOnRequest() throws Exception {
    Path data = synth("faces.csv", 20);
    Path logits = brokenModel("logits.onnx", true, false);
    Path out = dir.resolve("p.csv");
    CliTest.Run r = CliTest.run("score", "--model", logits.toString(), "--data", data.toString(), "--out", out.toString(), "-q");
    assertEquals(1, r.code());
    assertTrue(r.err().contains(logits + ": output for face 0 is not a probability distribution"), r.err());
    assertTrue(r.err().contains("--logits"), r.err());
    assertFalse(Files.exists(out));
    CliTest.Run p = CliTest.run("predict", "--model", logits.toString(), "data/faces/synthetic-happy.png");
    assertEquals(1, p.code());

    // with --logits the result equals the original model's (which applies the same softmax)
    Path ref = dir.resolve("ref.csv");
    assertEquals(0, CliTest.run("score", "--model", MODEL, "--data", data.toString(), "--out", ref.toString(), "-q").code());
    CliTest.Run ok = CliTest.run("score", "--model", logits.toString(), "--logits", "--data", data.toString(), "--out",
        out.toString(), "-q");
    assertEquals(0, ok.code(), ok.err());
    List<String> a = Files.readAllLines(ref);
    List<String> b = Files.readAllLines(out);
    for (int i = 1; i < a.size(); i++) {
      String[] x = a.get(i).split(",");
      String[] y = b.get(i).split(",");
      assertEquals(x[2], y[2], "same class on row " + i);
      for (int c = 3; c < 10; c++) {
        assertEquals(Double.parseDouble(x[c]), Double.parseDouble(y[c]), 1e-5);
      }
    }

    Path nan = brokenModel("nan.onnx", false, true);
    CliTest.Run n = CliTest.run("score", "--model", nan.toString(), "--data", data.toString(), "--out", out.toString(), "-q");
    assertEquals(1, n.code());
    assertTrue(n.err().contains(nan + ": output for face 0 holds NaN"), n.err());
    CliTest.Run np = CliTest.run("predict", "--model", nan.toString(), "--logits", "data/faces/synthetic-happy.png");
    assertEquals(1, np.code(), "--logits does not let NaN through");
  }

  /** Issue 35, item 10: --logits on a model that ends with a softmax is refused, alone or in an ensemble. */
  @Test
  void logitsOnAModelThatOutputsProbabilitiesIsRefused() throws Exception {
    Path data = synth("faces.csv", 20);
    Path out = dir.resolve("p.csv");
    CliTest.Run p = CliTest.run("predict", "--model", MODEL, "--logits", "data/faces/synthetic-happy.png");
    assertEquals(1, p.code(), p.out());
    assertTrue(p.err().contains(MODEL + ": outputs already are probabilities"), p.err());
    assertTrue(p.err().contains("drop --logits"), p.err());
    Path logits = brokenModel("logits.onnx", true, false);
    CliTest.Run ensemble = CliTest.run("score", "--model", logits + "," + MODEL, "--logits", "--data", data.toString(),
        "--out", out.toString(), "-q");
    assertEquals(1, ensemble.code(), ensemble.out());
    assertTrue(ensemble.err().contains(MODEL + ": outputs already are probabilities"), ensemble.err());
    assertFalse(Files.exists(out));
  }

  /** Issue 35, item 10: a teacher must give probabilities, as fer score demands of any model. */
  @Test
  void aTeacherEmittingLogitsIsRefused() throws Exception {
    Path logits = brokenModel("logits.onnx", true, false);
    Path run = dir.resolve("student");
    CliTest.Run t = CliTest.run("train", "--graph", "graphs/paper-cnn-lstm.json", "--synthetic", "70", "--epochs", "1",
        "--teacher", logits.toString(), "--out", run.toString(), "-q");
    assertEquals(1, t.code(), t.out());
    assertTrue(t.err().contains("teacher " + logits + ": output for face 0 is not a probability distribution"), t.err());
    assertFalse(Files.exists(run), "no run folder left behind");
    // issue 35, item 17: a teacher giving NaN is named, not blamed on the learning rate
    Path nan = brokenModel("nan.onnx", false, true);
    CliTest.Run n = CliTest.run("train", "--graph", "graphs/paper-cnn-lstm.json", "--synthetic", "70", "--epochs", "1",
        "--teacher", nan.toString(), "--out", run.toString(), "-q");
    assertEquals(1, n.code(), n.out());
    assertTrue(n.err().contains("teacher " + nan + ": output for face 0 holds NaN"), n.err());
    assertFalse(n.err().contains("--lr"), n.err());
  }

  @Test
  void pathMessagesSayWhatIsWrongWithWhichPath() throws Exception {
    Path data = synth("faces.csv", 20);
    Path file = dir.resolve("plain.txt");
    Files.writeString(file, "x");
    CliTest.Run under = CliTest.run("score", "--model", MODEL, "--data", data.toString(), "--out",
        file.resolve("p.csv").toString(), "-q");
    assertEquals(1, under.code());
    assertEquals("fer: error: cannot write " + file.resolve("p.csv") + ": " + file + " is a file, not a folder\n",
        under.err());
    Path folder = Files.createDirectories(dir.resolve("a-folder"));
    CliTest.Run intoFolder = CliTest.run("data", "synth", "--n", "20", "--out", folder.toString());
    assertEquals(1, intoFolder.code());
    assertEquals("fer: error: cannot write " + folder + ": it is a folder; give a file name\n", intoFolder.err());
    CliTest.Run modelFolder = CliTest.run("score", "--model", folder.toString(), "--data", data.toString(),
        "--out", dir.resolve("p.csv").toString());
    assertEquals(1, modelFolder.code());
    assertTrue(modelFolder.err().contains(folder + ": is a folder without model.onnx"), modelFolder.err());
    // a run or shipped model folder is taken for its model.onnx
    CliTest.Run shipped = CliTest.run("predict", "--model", "models/paper-cnn", "data/faces/synthetic-sad.png");
    assertEquals(0, shipped.code(), shipped.err());
  }

  @Test
  void staleTempFilesOfKilledProcessesAreRemovedAndSkippedRowsStayTraceable() throws Exception {
    Path data = dir.resolve("mixed.csv");
    Files.writeString(data, Files.readString(synth("ok.csv", 20)).replaceFirst("\n(\\d),[^\n]*\n", "\n$1,1 2 3,Training\n"));
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    Path stale = dir.resolve(".pred.csv.pid" + p.pid() + ".123.fer-tmp");
    Path live = dir.resolve(".pred.csv.pid" + ProcessHandle.current().parent().orElseThrow().pid() + ".9.fer-tmp");
    Files.writeString(stale, "half");
    Files.writeString(live, "busy");
    Path out = dir.resolve("pred.csv");
    CliTest.Run r = CliTest.run("score", "--model", MODEL, "--data", data.toString(), "--out", out.toString(),
        "--skip-bad-rows", "-q");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains(data + ":2: expected 2304 pixels"), r.err());
    assertFalse(Files.exists(stale), "a killed process's temp file is removed");
    assertTrue(Files.exists(live), "a running process's temp file is left alone");
    List<String> rows = Files.readAllLines(out);
    assertTrue(rows.get(0).endsWith(",source"), rows.get(0));
    assertEquals(20, rows.size(), "19 faces");
    assertTrue(rows.get(1).startsWith("0,") && rows.get(1).endsWith(",3"), "first good face is line 3: " + rows.get(1));
    assertTrue(rows.get(19).endsWith(",21"), rows.get(19));
  }

  @Test
  void messagesShowControlBytesEscapedAndLongValuesCut() throws Exception {
    Path f = dir.resolve("nul.csv");
    Files.writeString(f, "emotion,pixels,Usage\n\u0000\u001b[31m," + "7 ".repeat(2304).trim() + ",Training\n");
    CliTest.Run r = CliTest.run("data", "stats", f.toString());
    assertEquals(1, r.code());
    assertFalse(r.err().contains("\u0000") || r.err().contains("\u001b"), r.err());
    assertTrue(r.err().contains("\\0\\x1b[31m"), r.err());
    Path g = dir.resolve("long.csv");
    Files.writeString(g, "emotion,pixels,Usage\n" + "x".repeat(5000) + "," + "7 ".repeat(2304).trim() + ",Training\n");
    CliTest.Run longer = CliTest.run("data", "stats", g.toString());
    assertEquals(1, longer.code());
    assertTrue(longer.err().length() < 700, longer.err());
    assertTrue(Printable.message("y".repeat(5000)).endsWith("... (4600 more characters)"));
  }

  @Test
  void splitReplacesTheWholeFolderAndRefusesEmptySplitsAndForeignFolders() throws Exception {
    Path data = synth("faces.csv", 70);
    Path out = dir.resolve("split");
    assertEquals(0, CliTest.run("data", "split", data.toString(), "--val-fraction", "0.1", "--out", out.toString()).code());
    assertTrue(Files.exists(out.resolve("val.csv")));
    CliTest.Run again = CliTest.run("data", "split", data.toString(), "--gzip", "--out", out.toString());
    assertEquals(0, again.code(), again.err());
    try (var s = Files.list(out)) {
      assertEquals(List.of("test.csv.gz", "train.csv.gz"), s.map(p -> p.getFileName().toString()).sorted().toList(),
          "no stale val.csv or .csv files from the first split");
    }
    Path empty = dir.resolve("empty-split");
    CliTest.Run none = CliTest.run("data", "split", data.toString(), "--by", "random", "--val-fraction", "0.01",
        "--out", empty.toString());
    assertEquals(1, none.code());
    assertTrue(none.err().contains("the split leaves no faces for val.csv"), none.err());
    assertFalse(Files.exists(empty), "nothing written");
    Path mine = Files.createDirectories(dir.resolve("mine"));
    Files.writeString(mine.resolve("notes.txt"), "keep");
    CliTest.Run foreign = CliTest.run("data", "split", data.toString(), "--out", mine.toString());
    assertEquals(1, foreign.code());
    assertTrue(foreign.err().contains("holds other files (notes.txt)"), foreign.err());
    CliTest.Run inside = CliTest.run("data", "split", out.resolve("train.csv.gz").toString(), "--by", "random",
        "--out", out.toString());
    assertEquals(1, inside.code());
    assertTrue(inside.err().contains("one of this command's inputs"), inside.err());
    assertTrue(Files.exists(out.resolve("train.csv.gz")));
  }

  @Test
  void badOptionValuesAreUsageErrorsCheckedBeforeAnythingIsWritten() {
    Path run = dir.resolve("run");
    String[][] usage = {
      {"train", "--graph", "graphs/paper-cnn-lstm.json", "--class-weight", "1,2,3", "--out", run.toString()},
      {"train", "--graph", "graphs/paper-cnn-lstm.json", "--momentum", "0.9", "--out", run.toString()},
      {"train", "--graph", "graphs/paper-cnn-lstm.json", "--optimizer", "adam", "--nesterov", "--out", run.toString()},
      {"train", "--graph", "graphs/paper-cnn-lstm.json", "--warmup-epochs", "2", "--out", run.toString()},
      {"train", "--graph", "graphs/paper-cnn-lstm.json", "--test-fraction", "0.3", "--out", run.toString()},
      {"train", "--graph", "graphs/paper-cnn-lstm.json", "--threads", "-3", "--out", run.toString()},
      {"data", "synth", "--n", "0", "--out", dir.resolve("s.csv").toString()},
      {"data", "split", "data/synthetic-sample.csv.gz", "--test-fraction", "0", "--by", "random", "--out", run.toString()},
      {"score", "--model", MODEL, "--data", "data/synthetic-sample.csv.gz", "--threads", "-1", "--out",
          dir.resolve("p.csv").toString()},
      {"predict", "--top", "0", "data/faces/synthetic-sad.png"},
    };
    for (String[] args : usage) {
      CliTest.Run r = CliTest.run(args);
      assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
      assertTrue(r.err().startsWith("fer: usage error: "), r.err());
      assertFalse(Files.exists(run), String.join(" ", args) + " left a run folder");
      assertFalse(Files.exists(dir.resolve("s.csv")) || Files.exists(dir.resolve("p.csv")));
    }
  }

  @Test
  void quietAndProgressModesWorkOnEveryCommandAndPipedOutputHasNoCarriageReturns() throws Exception {
    Path data = synth("faces.csv", 70);
    for (String[] args : new String[][] {{"data", "stats", data.toString()}, {"graphs"}, {"-q", "graphs"},
        {"analyze", "--help"}, {"bench", "--help"}}) {
      String[] quiet = Arrays.copyOf(args, args.length + 1);
      quiet[args.length] = "-q";
      assertEquals(0, CliTest.run(quiet).code(), String.join(" ", quiet));
      String[] verbose = Arrays.copyOf(args, args.length + 1);
      verbose[args.length] = "--verbose";
      assertEquals(0, CliTest.run(verbose).code(), String.join(" ", verbose));
    }
    Path run = dir.resolve("run");
    CliTest.Run epochs = CliTest.run("train", "--graph", "graphs/paper-cnn-lstm.json", "--data", data.toString(),
        "--epochs", "2", "--out", run.toString(), "--progress", "epochs");
    assertEquals(0, epochs.code(), epochs.err());
    assertTrue(epochs.out().contains("Epoch 1/2 - loss ") && epochs.out().contains("Epoch 2/2 - loss "), epochs.out());
    assertFalse(epochs.err().contains("\r") || epochs.out().contains("\r"), "no bar: " + epochs.err());
    CliTest.Run quiet = CliTest.run("train", "--resume", "--out", run.toString(), "--epochs", "3", "-q");
    assertEquals(0, quiet.code(), quiet.err());
    assertFalse(quiet.out().contains("Epoch 3/3"), quiet.out());
    assertEquals(1, quiet.out().lines().count(), "only the result: " + quiet.out());
    CliTest.Run piped = CliTest.run("score", "--model", MODEL, "--data", data.toString(), "--out",
        dir.resolve("p.csv").toString());
    assertEquals(0, piped.code());
    assertFalse(piped.err().contains("\r"), piped.err());
    assertEquals(2, CliTest.run("train", "--graph", "graphs/paper-cnn-lstm.json", "--progress", "loud").code());
  }
}
