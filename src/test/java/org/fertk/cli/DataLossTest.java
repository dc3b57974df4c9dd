package org.fertk.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.fertk.FerModel;
import org.fertk.util.FerException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs never replace what a command reads, the files inside a model or run folder included,
 * nor a file a side output would land on (issue 35, items 2 and 3).
 */
class DataLossTest {
  @TempDir
  static Path shared;

  static Path run;
  static Path data;

  @TempDir
  Path dir;

  @BeforeAll
  static void trainAndExport() {
    run = shared.resolve("run");
    data = shared.resolve("faces.csv");
    CliTest.trainAndExport(data, run, "graphs/paper-cnn-lstm.json", 140, 9, 1);
  }

  private static void assertRefusedAndUnchanged(Path target, String... args) throws Exception {
    byte[] before = Files.readAllBytes(target);
    CliTest.Run r = CliTest.run(args);
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains(target + ": is one of this command's inputs"), r.err());
    assertArrayEquals(before, Files.readAllBytes(target), target + " kept");
  }

  @Test
  void exportNeverWritesOverTheModelItReads() throws Exception {
    for (String f : new String[] {"saved_model/saved_model.pb", "spec.json", "history.csv", "manifest.json"}) {
      Path target = run.resolve(f);
      assertRefusedAndUnchanged(target, "export", "--model", run.toString(), "--out", target.toString(), "--no-verify");
    }
    Path sm = run.resolve("saved_model");
    Path pb = sm.resolve("saved_model.pb");
    assertRefusedAndUnchanged(pb, "export", "--saved-model", sm.toString(), "--out", pb.toString());
    // the default output beside the SavedModel is still written
    assertEquals(0, CliTest.run("export", "--model", run.toString(), "--no-verify").code());
  }

  @Test
  void scoringThroughTheLibraryNeverWritesOverItsModel() throws Exception {
    Path model = dir.resolve("m/model.onnx");
    Files.createDirectories(model.getParent());
    Files.copy(run.resolve("model.onnx"), model);
    byte[] before = Files.readAllBytes(model);
    for (Path loaded : new Path[] {model, model.getParent()}) {
      try (FerModel m = FerModel.load(loaded)) {
        FerException e = assertThrows(FerException.class, () -> m.score(data, model));
        assertTrue(e.getMessage().contains("is one of this command's inputs"), e.getMessage());
      }
    }
    assertArrayEquals(before, Files.readAllBytes(model));
    try (FerModel m = FerModel.load(run, FerModel.Options.defaults().runtime(FerModel.Runtime.TENSORFLOW))) {
      Path spec = run.resolve("spec.json");
      byte[] specBefore = Files.readAllBytes(spec);
      assertThrows(FerException.class, () -> m.score(data, spec));
      assertArrayEquals(specBefore, Files.readAllBytes(spec));
    }
  }

  @Test
  void aSideFileNeverReplacesSomebodyElsesFile() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("r"));
    Path config = folder.resolve("run-config.json");
    Files.writeString(config, "{\"lr\": 0.001}\n");
    Path out = folder.resolve("run-config.csv");
    CliTest.Run r = CliTest.run("score", "--model", run.toString(), "--data", data.toString(), "--out", out.toString(),
        "-q");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains(config + ": exists and is not the side file of a predictions file"), r.err());
    assertEquals("{\"lr\": 0.001}\n", Files.readString(config));
    assertFalse(Files.exists(out), "nothing written");
    // the run's own manifest, through the library
    try (FerModel m = FerModel.load(run)) {
      Path manifest = dir.resolve("manifest.json");
      Files.copy(run.resolve("manifest.json"), manifest);
      assertThrows(FerException.class, () -> m.score(data, dir.resolve("manifest.csv")));
      assertArrayEquals(Files.readAllBytes(run.resolve("manifest.json")), Files.readAllBytes(manifest));
    }
    // a side file of an earlier scoring is ours to replace, and the command names both files
    Path again = folder.resolve("p.csv");
    for (int i = 0; i < 2; i++) {
      CliTest.Run ok = CliTest.run("score", "--model", run.toString(), "--data", data.toString(), "--out",
          again.toString(), "-q");
      assertEquals(0, ok.code(), ok.err());
      assertTrue(ok.out().contains("wrote " + again + " and " + folder.resolve("p.json")), ok.out());
    }
  }
}
