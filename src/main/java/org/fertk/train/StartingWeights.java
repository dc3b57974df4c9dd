package org.fertk.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fertk.model.ModelGraph;
import org.fertk.model.Network;
import org.fertk.model.Weight;
import org.fertk.score.TfEngine;
import org.fertk.FerException;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * The weights a fine-tuning run starts from: every weight of the model (moving statistics
 * included), read by name from another run's SavedModel, which must hold each with the same shape.
 */
final class StartingWeights {
  private StartingWeights() {}

  static Map<String, float[]> read(Path runOrSavedModel, Network model) {
    Path dir = Files.isRegularFile(runOrSavedModel.resolve("saved_model/saved_model.pb"))
        ? runOrSavedModel.resolve("saved_model") : runOrSavedModel;
    if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      throw new FerException(runOrSavedModel + ": not a run folder or SavedModel (no saved_model.pb) to start from");
    }
    TfEngine.readingModel(runOrSavedModel);
    Map<String, float[]> stored = new LinkedHashMap<>();
    Map<String, int[]> shapes = new LinkedHashMap<>();
    Path spec = runOrSavedModel.resolve("spec.json");
    if (Files.isRegularFile(spec)) {
      // TF names a variable by its scope, which can differ from the weight's name: rebuild the
      // run's own graph, restore its variables, and read them back by weight name
      Network source = Network.load(spec, 0);
      try (ModelGraph g = ModelGraph.inference(source, 1)) {
        g.restoreCheckpoint(dir.resolve("variables").resolve("variables"));
        stored.putAll(g.context().read(g.session()));
        g.context().slots().forEach((k, v) -> shapes.put(k, v.shape()));
      }
    } else {
      readByOpName(dir, model, stored, shapes);
    }
    Map<String, float[]> out = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (Weight w : model.weights()) {
      float[] v = stored.get(w.fullName());
      if (v == null) {
        problems.add(w.fullName() + " is missing");
      } else if (!Arrays.equals(shapes.get(w.fullName()), w.shape())) {
        problems.add(w.fullName() + " has shape " + Arrays.toString(shapes.get(w.fullName())) + ", the spec wants "
            + Arrays.toString(w.shape()));
      } else {
        out.put(w.fullName(), v);
      }
    }
    if (!problems.isEmpty()) {
      throw new FerException(runOrSavedModel + ": its weights do not fit the spec: " + String.join("; ", problems));
    }
    return out;
  }

  /** A SavedModel without a spec: its variables taken by operation name. */
  private static void readByOpName(Path dir, Network model, Map<String, float[]> stored, Map<String, int[]> shapes) {
    try (SavedModelBundle b = SavedModelBundle.load(dir.toString(), "serve")) {
      Session s = b.session();
      for (Weight w : model.weights()) {
        if (b.graph().operation(w.fullName()) == null) {
          continue;
        }
        try (Result r = s.runner().fetch(w.fullName()).run()) {
          TFloat32 t = (TFloat32) r.get(0);
          float[] v = new float[(int) t.size()];
          t.copyTo(DataBuffers.of(v));
          stored.put(w.fullName(), v);
          shapes.put(w.fullName(), Arrays.stream(t.shape().asArray()).mapToInt(x -> (int) x).toArray());
        }
      }
    }
  }
}
