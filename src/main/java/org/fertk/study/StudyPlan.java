package org.fertk.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import java.util.Set;
import org.fertk.data.SplitSpec;
import org.fertk.model.Network;
import org.fertk.train.ResumeCheck;
import org.fertk.train.TrainConfig;
import org.fertk.train.TrainOptions;
import org.fertk.FerException;
import org.fertk.util.Json;

/**
 * A study plan (JSON beside the specs in graphs/): defaults plus a list of runs, each naming a
 * spec and the training options it changes. Every run is turned into a {@link TrainConfig} and
 * every spec loaded when the plan is read, so a bad plan fails before any training starts.
 *
 * <pre>{"name": ..., "description": ..., "synthetic": {"n": 3500, "seed": 2013},
 *  "defaults": {"epochs": 100, "optimizer": "adam", ...},
 *  "runs": [{"id": "t3-r1", "label": ..., "graph": "paper-cnn-...json", "note": ..., ...}]}</pre>
 */
final class StudyPlan {
  /** Training options a plan may set (snake_case, as on the command line). */
  static final Set<String> OPTIONS = TrainOptions.KEYS;
  static final Set<String> RUN_KEYS = Set.of("id", "label", "graph", "note", "table", "row", "stated", "start_from");
  static final Set<String> TOP_KEYS = Set.of("name", "description", "synthetic", "defaults", "runs");

  /**
   * One run of the plan, resolved.
   *
   * @param startFrom null, or the id of an earlier run whose last checkpoint this run continues when
   *     its own folder has none (its settings then differ only in ways that leave the earlier run's
   *     epochs as they were: see {@link ResumeCheck})
   * @param teacherRuns the ids of earlier runs among the config's teachers (the study gives their folders)
   */
  public record Run(String id, String label, Path graph, String note, TrainConfig config, String testKey,
      String startFrom, List<String> teacherRuns) {}

  private final String name;
  private final String description;
  private final int syntheticCount;
  private final long syntheticSeed;
  private final List<Run> runs;

  private StudyPlan(String name, String description, int syntheticCount, long syntheticSeed, List<Run> runs) {
    this.name = name;
    this.description = description;
    this.syntheticCount = syntheticCount;
    this.syntheticSeed = syntheticSeed;
    this.runs = runs;
  }

  /**
   * Reads and fully validates a plan.
   *
   * @param data the dataset every run trains on (a file the study wrote or the user gave)
   */
  public static StudyPlan load(Path file, Path data) {
    if (!Files.isRegularFile(file)) {
      throw new FerException(file + ": plan not found");
    }
    JsonNode root = Json.read(file);
    String where = file.toString();
    if (root.has("class_name") && !root.has("runs")) {
      throw new FerException(where + ": an architecture spec (it has `class_name`), not a study plan; "
          + "train it as an architecture spec");
    }
    keys(root, TOP_KEYS, where);
    JsonNode defaults = root.path("defaults");
    if (!defaults.isMissingNode()) {
      keys(defaults, OPTIONS, where + ": defaults");
    }
    JsonNode runsNode = root.get("runs");
    if (runsNode == null || !runsNode.isArray() || runsNode.isEmpty()) {
      throw new FerException(where + ": `runs` must be a non-empty list");
    }
    // relative to where the plan is, kept relative so manifests carry no machine paths
    Path base = file.getParent() == null ? Path.of("") : file.getParent();
    List<Run> runs = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < runsNode.size(); i++) {
      JsonNode r = runsNode.get(i);
      String rw = where + ": run " + (i + 1);
      if (!r.isObject()) {
        throw new FerException(rw + ": expected an object");
      }
      Set<String> allowed = new HashSet<>(OPTIONS);
      allowed.addAll(RUN_KEYS);
      keys(r, allowed, rw);
      String id = text(r, "id", rw);
      if (!id.matches("[A-Za-z0-9._-]+")) {
        throw new FerException(rw + ": id '" + id + "' may use only letters, digits, '.', '_' and '-'");
      }
      if (!ids.add(id)) {
        throw new FerException(rw + ": duplicate id '" + id + "'");
      }
      rw = where + ": run '" + id + "'";
      Path graph = base.resolve(text(r, "graph", rw)).normalize();
      if (!Files.isRegularFile(graph)) {
        throw new FerException(rw + ": spec " + graph + " not found");
      }
      ObjectNode merged = defaults.isObject() ? ((ObjectNode) defaults).deepCopy() : Json.MAPPER.createObjectNode();
      for (String k : OPTIONS) {
        if (r.has(k)) {
          merged.set(k, r.get(k));
        }
      }
      TrainConfig cfg;
      try {
        cfg = TrainOptions.toConfig(merged, graph.toString(), data.toString());
        Network.load(graph, cfg.l2());
      } catch (FerException e) {
        throw new FerException(rw + ": " + e.getMessage());
      }
      List<String> teacherRuns = new ArrayList<>();
      cfg = teachers(cfg, runs, base, rw, teacherRuns);
      String label = r.path("label").asText(id);
      // the study's report names runs by label: two alike would be indistinguishable in its tables and figures
      for (Run earlier : runs) {
        if (earlier.label().equals(label)) {
          throw new FerException(rw + ": label '" + label + "' is also the label of run '" + earlier.id() + "'");
        }
      }
      SplitSpec s = cfg.split();
      String testKey = s.mode().equals("usage") ? "usage" : String.format(Locale.ROOT, "random-%.0f-seed%d",
          100 * s.testFraction(), s.seed());
      JsonNode sf = r.get("start_from");
      if (sf != null && !sf.isNull() && !sf.isTextual()) {
        throw new FerException(rw + ": `start_from` must be the id of an earlier run, got " + sf);
      }
      String startFrom = sf == null || sf.isNull() ? null : sf.asText();
      if (startFrom != null) {
        checkStart(runs, startFrom, graph, cfg, rw);
      }
      runs.add(new Run(id, label, graph, r.path("note").asText(""), cfg, testKey, startFrom, List.copyOf(teacherRuns)));
    }
    JsonNode syn = root.path("synthetic");
    JsonNode n = syn.path("n");
    if (!n.isMissingNode() && !(n.isIntegralNumber() && n.canConvertToInt() && n.asInt() >= 1)) {
      throw new FerException(where + ": `synthetic.n` must be a positive whole number of faces, got " + n);
    }
    JsonNode seed = syn.path("seed");
    if (!seed.isMissingNode() && !(seed.isIntegralNumber() && seed.canConvertToLong())) {
      throw new FerException(where + ": `synthetic.seed` must be a whole number, got " + seed);
    }
    return new StudyPlan(root.path("name").asText(file.getFileName().toString().replace(".json", "")),
        root.path("description").asText(""), n.asInt(3500), seed.asLong(2013), runs);
  }

  /**
   * A run's teachers: each the id of an earlier run of the plan (kept as the id and added to
   * {@code runIds}; the study gives that run's folder) or a model path relative to the plan file,
   * like its graph.
   */
  private static TrainConfig teachers(TrainConfig cfg, List<Run> earlier, Path base, String where, List<String> runIds) {
    if (!cfg.distillation().active()) {
      return cfg;
    }
    List<Path> resolved = new ArrayList<>();
    for (String t : cfg.distillation().teachers()) {
      if (earlier.stream().anyMatch(e -> e.id().equals(t))) {
        resolved.add(Path.of(t));
        runIds.add(t);
        continue;
      }
      Path p = base.resolve(t).normalize();
      if (!Files.exists(p)) {
        throw new FerException(where + ": teacher '" + t + "' is neither the id of an earlier run nor a model ("
            + p + " not found)");
      }
      resolved.add(p);
    }
    return cfg.toBuilder().teachers(resolved).build();
  }

  /** start_from must name an earlier run of the same network that this run can continue exactly. */
  private static void checkStart(List<Run> earlier, String id, Path graph, TrainConfig cfg, String where) {
    Run from = earlier.stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow(() -> new FerException(
        where + ": start_from '" + id + "' must name a run listed before it"));
    if (!from.graph().equals(graph)) {
      throw new FerException(where + ": start_from '" + id + "' trains another network (" + from.graph() + ")");
    }
    if (from.config().epochs() > cfg.epochs()) {
      throw new FerException(where + ": start_from '" + id + "' trains more epochs (" + from.config().epochs()
          + ") than this run (" + cfg.epochs() + ")");
    }
    List<String> conflicts = ResumeCheck.exactContinuationConflicts(from.config(), cfg);
    if (!conflicts.isEmpty()) {
      throw new FerException(where + ": cannot start from '" + id + "': " + String.join("; ", conflicts)
          + " (" + ResumeCheck.RULE + ")");
    }
  }

  private static void keys(JsonNode node, Set<String> allowed, String where) {
    if (!node.isObject()) {
      throw new FerException(where + ": expected an object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw new FerException(where + ": unknown option '" + k + "'");
      }
    }
  }

  private static String text(JsonNode n, String key, String where) {
    JsonNode v = n.get(key);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new FerException(where + ": missing `" + key + "`");
    }
    return v.asText();
  }

  public String name() {
    return name;
  }

  public String description() {
    return description;
  }

  public int syntheticCount() {
    return syntheticCount;
  }

  public long syntheticSeed() {
    return syntheticSeed;
  }

  public List<Run> runs() {
    return runs;
  }

  /** Only the runs with these ids (in plan order); unknown ids are an error. */
  public StudyPlan only(List<String> ids) {
    if (ids == null || ids.isEmpty()) {
      return this;
    }
    for (String id : ids) {
      if (runs.stream().noneMatch(r -> r.id().equals(id))) {
        throw new FerException(FerException.setting("only") + ": the plan has no run '" + id + "' (runs: "
            + String.join(", ", runs.stream().map(Run::id).toList()) + ")");
      }
    }
    return new StudyPlan(name, description, syntheticCount, syntheticSeed,
        runs.stream().filter(r -> ids.contains(r.id())).toList());
  }

  /**
   * The plan cut to a few epochs per run, to try it before spending hours on it: every run trains
   * at most {@code epochs} epochs, restarts and weight averaging that would start later are
   * dropped, and no run continues another (their shared epochs no longer match).
   */
  public StudyPlan trial(int epochs) {
    return new StudyPlan(name, description, syntheticCount, syntheticSeed, runs.stream()
        .map(r -> new Run(r.id(), r.label(), r.graph(), r.note(), r.config().trial(epochs), r.testKey(), null,
            r.teacherRuns()))
        .toList());
  }

}
