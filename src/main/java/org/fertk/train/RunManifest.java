package org.fertk.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.fertk.Emotion;
import org.fertk.model.Network;
import org.fertk.util.CpuFeatures;
import org.fertk.util.Hashing;
import org.fertk.util.Json;
import org.fertk.util.Versions;
import org.fertk.run.RunFolder;
import org.fertk.run.EpochLog;

/**
 * The manifest of a trained model: data hash, graph spec, every hyperparameter, library
 * versions, metrics and timings. Later steps (export, score, compare) read and extend it.
 */
final class RunManifest {
  private RunManifest() {}

  static void write(RunFolder run, TrainConfig config, PreparedData data, TrainState state,
      EvalMetrics finalVal, EvalMetrics test) {
    write(run, config, data, state, finalVal, test, Map.of());
  }

  /** @param teachers the distillation's teachers and the SHA-256 of each one's model file */
  static void write(RunFolder run, TrainConfig config, PreparedData data, TrainState state,
      EvalMetrics finalVal, EvalMetrics test, Map<String, String> teachers) {
    var esState = state.callbacks.get(EarlyStoppingCallback.NAME);
    EarlyStopping.State es = config.earlyStopping() == null || esState == null ? null
        : StateMaps.fromMap(esState, EarlyStopping.State.class);
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("format", "fer-toolkit run manifest 1");
    m.put("created", Instant.now().toString());
    ArrayNode classes = m.putArray("classes");
    for (String k : Emotion.keys()) {
      classes.add(k);
    }
    Network model = data.model();
    ObjectNode mo = m.putObject("model");
    mo.put("name", model.name());
    mo.put("description", model.description());
    mo.put("graph_file", config.graph());
    mo.put("graph_sha256", Hashing.sha256(run.spec()));
    mo.put("params", model.paramCount());
    mo.put("trainable_params", model.trainableCount());
    mo.put("input", "input [N,48,48,1] float32 in [0,1]");
    mo.put("output", "probs [N,7] float32");

    ObjectNode d = m.putObject("data");
    d.put("source", data.dataSource());
    d.put("sha256", data.dataSha256());
    d.put("split", config.split().mode());
    d.put("train_size", data.split().train().size());
    d.put("val_size", data.split().val().size());
    d.put("test_size", data.split().test().size());
    d.put("val_is_test", data.split().valIsTest());
    ArrayNode counts = d.putArray("train_class_counts");
    for (int c : data.split().train().classCounts()) {
      counts.add(c);
    }

    m.set("hyperparameters", config.toJson());
    if (!teachers.isEmpty()) {
      ObjectNode dist = m.putObject("distillation");
      ArrayNode ts = dist.putArray("teachers");
      teachers.forEach((path, sha) -> ts.addObject().put("path", path).put("sha256", sha));
      dist.put("weight", config.distillation().weight());
      dist.put("temperature", config.distillation().temperature());
      dist.put("teacher_tta", config.distillation().teacherViews());
    }
    ObjectNode v = m.putObject("versions");
    Versions.all().forEach(v::put);

    ObjectNode t = m.putObject("training");
    t.put("epochs_requested", config.epochs());
    t.put("epochs_run", state.history.size());
    t.put("steps", state.step);
    t.put("early_stopped", es != null && es.stoppedEpoch > 0);
    if (es != null && es.stoppedEpoch > 0) {
      t.put("early_stopping_epoch", es.stoppedEpoch + 1);
    }
    t.put("best_epoch", state.bestCheckpointEpoch + 1);
    t.put("restored_best_weights", es != null && config.earlyStopping().restoreBestWeights() && es.hasBestWeights);
    if (config.swaStart() != null) {
      t.put("swa_start_epoch", config.swaStart() + 1);
      t.put("swa_snapshots", state.swaSnapshots);
    }
    t.put("seconds", state.trainSeconds);
    t.put("images_seen", state.imagesSeen);
    t.put("images_per_second", state.trainSeconds > 0 ? state.imagesSeen / state.trainSeconds : 0);
    t.put("precision", config.precision());
    t.put("machine", CpuFeatures.thisMachine().describe()); // the seconds above depend on it

    ObjectNode met = m.putObject("metrics");
    EpochLog last = state.history.get(state.history.size() - 1);
    ObjectNode fin = met.putObject("final_epoch");
    fin.put("epoch", last.epoch() + 1);
    last.asLogs().forEach(fin::put);
    EpochLog best = state.history.stream().min((a, b) -> Double.compare(a.valLoss(), b.valLoss())).orElse(last);
    ObjectNode bo = met.putObject("best_val_loss_epoch");
    bo.put("epoch", best.epoch() + 1);
    best.asLogs().forEach(bo::put);
    ObjectNode fv = met.putObject("model_val");
    fv.put("loss", finalVal.loss());
    fv.put("accuracy", finalVal.accuracy());
    fv.put("n", finalVal.n());
    ObjectNode te = met.putObject("model_test");
    te.put("loss", test.loss());
    te.put("accuracy", test.accuracy());
    te.put("n", test.n());
    Json.writeFile(run.manifest(), m);
  }

  /** Reads a manifest (for export, compare and study). */
  public static JsonNode read(Path runDir) {
    return Json.read(new RunFolder(runDir).manifest());
  }
}
