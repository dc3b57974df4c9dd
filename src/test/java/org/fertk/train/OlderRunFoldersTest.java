package org.fertk.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fertk.model.TestSpecs;
import org.fertk.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.fertk.run.RunFolder;
import org.fertk.run.EpochLog;

/**
 * Run folders written before one spelling per setting and before callback states were kept by
 * name (camelCase run-config.json and state.json, early stopping and ReduceLROnPlateau states in
 * fields of their own) resume exactly as the run left alone.
 */
class OlderRunFoldersTest {
  @TempDir
  Path dir;

  @Test
  void anOlderRunFolderResumesExactly() throws Exception {
    Path spec = TrainingTestSupport.specFile(Files.createDirectories(dir.resolve("spec")),
        TestSpecs.conv(4, ", 'strides': 2, 'activation': 'relu'") + ", " + TestSpecs.FLATTEN + ", " + TestSpecs.OUT);
    TrainConfig cfg = TrainingTestSupport.config(spec.toString(), 4)
        .earlyStopping(new EarlyStopping.Config("val_loss", 0, 3, "auto", null, true, 0))
        .reduceLr(new ReduceLROnPlateau.Config("val_loss", 0.5, 1, "auto", 0, 0, 0)).build();
    Trainer.Result whole = TrainingTestSupport.train(cfg, dir.resolve("whole"));
    Path old = dir.resolve("old");
    TrainingTestSupport.train(cfg, old, false, new Trainer.Listener() {
      @Override
      public boolean onEpochEnd(EpochLog log, int epochs) {
        return log.epoch() == 1;
      }
    });
    RunFolder rf = new RunFolder(old);
    Files.writeString(rf.config(), Json.write(Json.MAPPER.valueToTree(cfg))); // the record's own camelCase fields
    for (Path checkpoint : new Path[] {rf.lastCheckpoint(), rf.bestCheckpoint()}) {
      Path state = RunFolder.statePath(checkpoint);
      Files.writeString(state, Json.write(olderState(Json.read(state))));
    }
    assertTrue(Files.readString(rf.config()).contains("\"batchSize\""));
    assertTrue(Files.readString(RunFolder.statePath(rf.lastCheckpoint())).contains("\"earlyStopping\""));

    Trainer.Result resumed = TrainingTestSupport.train(cfg, old, true, new Trainer.Listener() {});
    assertEquals(Files.readString(new RunFolder(dir.resolve("whole")).history()), Files.readString(rf.history()));
    assertEquals(whole.test().loss(), resumed.test().loss(), 0);
    assertEquals(whole.state().bestCheckpointEpoch, resumed.state().bestCheckpointEpoch);
    String now = Files.readString(RunFolder.statePath(rf.lastCheckpoint()));
    assertTrue(now.contains("\"early_stopping\"") && now.contains("\"next_epoch\""), "written in the one spelling: " + now);
    assertFalse(now.contains("earlyStopping"));
    assertTrue(Files.readString(rf.config()).contains("\"batch_size\""));
  }

  /** A state.json as versions before callback states by name wrote it. */
  private static JsonNode olderState(JsonNode snake) {
    ObjectNode o = (ObjectNode) camel(snake);
    JsonNode callbacks = snake.path("callbacks");
    o.remove("callbacks");
    o.set("earlyStopping", camel(callbacks.path(EarlyStoppingCallback.NAME)));
    o.set("reduceLr", camel(callbacks.path(ReduceLrCallback.NAME)));
    return o;
  }

  private static JsonNode camel(JsonNode n) {
    if (n.isArray()) {
      var a = Json.MAPPER.createArrayNode();
      n.forEach(x -> a.add(camel(x)));
      return a;
    }
    if (!n.isObject()) {
      return n;
    }
    ObjectNode o = Json.MAPPER.createObjectNode();
    n.fields().forEachRemaining(e -> {
      StringBuilder k = new StringBuilder();
      boolean up = false;
      for (char c : e.getKey().toCharArray()) {
        if (c == '_') {
          up = true;
        } else {
          k.append(up ? Character.toUpperCase(c) : c);
          up = false;
        }
      }
      o.set(k.toString(), camel(e.getValue()));
    });
    return o;
  }
}
