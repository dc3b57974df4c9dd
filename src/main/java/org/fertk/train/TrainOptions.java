package org.fertk.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.fertk.util.Json;
import org.fertk.util.SettingException;

/**
 * Training options by name (the snake_case names of `fer train`'s flags) to a {@link TrainConfig}:
 * one place that both the command line and study plans go through, with the same defaults and
 * the same messages. Callback settings are written the way Keras users write the constructor
 * arguments, as an object or as {@code "monitor=val_loss,patience=10"}.
 */
public final class TrainOptions {
  public static final Set<String> KEYS = Set.of("epochs", "batch_size", "optimizer", "lr", "momentum", "nesterov",
      "l2", "class_weight", "augment", "random_erasing", "label_smoothing", "early_stopping", "reduce_lr_on_plateau",
      "lr_schedule", "warmup_epochs", "cosine_restarts", "restart_lr_factor", "swa_start", "swa_lr", "seed", "split",
      "test_fraction", "val_fraction", "synthetic", "precision", "initial_weights", "mixup", "cutmix", "mix_prob",
      "teachers", "distill_weight", "distill_temperature", "teacher_tta", "stochastic_depth");
  static final Set<String> ES_KEYS = Set.of("monitor", "min_delta", "patience", "mode", "baseline",
      "restore_best_weights", "start_from_epoch");
  static final Set<String> RLR_KEYS = Set.of("monitor", "factor", "patience", "mode", "min_delta", "cooldown", "min_lr");

  private TrainOptions() {}

  /**
   * The configuration the options name, every absent option at the builder's default.
   *
   * @param data the dataset file, or null for synthetic faces
   */
  public static TrainConfig toConfig(JsonNode o, String graph, String data) {
    unknown(o, KEYS, "training options");
    TrainConfig.Builder b = TrainConfig.builder().graph(graph);
    if (data != null) {
      b.data(Path.of(data));
    }
    if (has(o, "optimizer")) {
      b.optimizer(str(o, "optimizer", null));
    }
    if (has(o, "lr")) {
      b.learningRate(num(o, "lr", 0));
    }
    if (has(o, "momentum")) {
      b.momentum(num(o, "momentum", 0));
    }
    if (has(o, "nesterov")) {
      b.nesterov(bool(o, "nesterov", false));
    }
    if (has(o, "augment")) {
      b.augment(str(o, "augment", null));
    }
    if (o.has("random_erasing")) {
      b.randomErasing(num(o, "random_erasing", 0));
    }
    if (has(o, "seed")) {
      b.seed(integer(o, "seed", 0));
    }
    if (has(o, "split")) {
      b.split(str(o, "split", null));
    }
    if (has(o, "test_fraction")) {
      b.testFraction(num(o, "test_fraction", 0));
    }
    if (has(o, "val_fraction")) {
      b.valFraction(num(o, "val_fraction", 0));
    }
    if (has(o, "synthetic")) {
      b.synthetic(int32(o, "synthetic", 0));
    }
    if (has(o, "epochs")) {
      b.epochs(int32(o, "epochs", 0));
    }
    if (has(o, "batch_size")) {
      b.batchSize(int32(o, "batch_size", 0));
    }
    if (has(o, "l2")) {
      b.l2(num(o, "l2", 0));
    }
    if (has(o, "class_weight")) {
      b.classWeight(str(o, "class_weight", null));
    }
    if (has(o, "label_smoothing")) {
      b.labelSmoothing(num(o, "label_smoothing", 0));
    }
    b.earlyStopping(earlyStopping(o.get("early_stopping"), "early_stopping"));
    b.reduceLrOnPlateau(reduceLr(o.get("reduce_lr_on_plateau"), "reduce_lr_on_plateau"));
    if (has(o, "lr_schedule")) {
      b.lrSchedule(str(o, "lr_schedule", null));
    }
    if (has(o, "warmup_epochs")) {
      b.warmupEpochs(int32(o, "warmup_epochs", 0));
    }
    b.cosineRestarts(intList(o, "cosine_restarts"));
    if (has(o, "restart_lr_factor")) {
      b.restartLrFactor(num(o, "restart_lr_factor", 1));
    }
    if (has(o, "swa_start")) {
      b.swaStart(int32(o, "swa_start", 0));
    }
    if (has(o, "swa_lr")) {
      b.swaLr(num(o, "swa_lr", 0));
    }
    if (has(o, "initial_weights")) {
      b.initialWeights(Path.of(str(o, "initial_weights", null)));
    }
    if (has(o, "precision")) {
      b.precision(str(o, "precision", null));
    }
    if (has(o, "mixup")) {
      b.mixup(num(o, "mixup", 0));
    }
    if (has(o, "cutmix")) {
      b.cutmix(num(o, "cutmix", 0));
    }
    if (has(o, "mix_prob")) {
      b.mixProbability(num(o, "mix_prob", 1));
    }
    if (has(o, "teachers")) {
      b.teachers(strList(o, "teachers").stream().map(Path::of).toList());
    }
    if (has(o, "distill_weight")) {
      b.distillWeight(num(o, "distill_weight", 0));
    }
    if (has(o, "distill_temperature")) {
      b.distillTemperature(num(o, "distill_temperature", 1));
    }
    if (has(o, "teacher_tta")) {
      b.teacherTta(str(o, "teacher_tta", null));
    }
    if (has(o, "stochastic_depth")) {
      b.stochasticDepth(num(o, "stochastic_depth", 0));
    }
    return b.build();
  }

  private static boolean has(JsonNode o, String k) {
    return o.hasNonNull(k);
  }

  /**
   * Settings in the one spelling, from either spelling: files written before it held the
   * configuration record's camelCase fields, nested (optimizer.learningRate, split.valFraction,
   * syntheticCount, restarts, reduceLr ...). Works on partial trees (a manifest's
   * hyperparameters as an old version wrote them); settings already in the one spelling pass.
   */
  public static JsonNode normalize(JsonNode settings) {
    if (!settings.isObject()) {
      return settings;
    }
    ObjectNode o = (ObjectNode) Json.snakeKeys(settings);
    if (o.path("optimizer").isObject()) {
      JsonNode opt = o.remove("optimizer");
      o.set("optimizer", opt.path("name"));
      copy(opt, "learning_rate", o, "lr");
      copy(opt, "momentum", o, "momentum");
      copy(opt, "nesterov", o, "nesterov");
    }
    if (o.path("split").isObject()) {
      JsonNode sp = o.remove("split");
      o.set("split", sp.path("mode"));
      copy(sp, "test_fraction", o, "test_fraction");
      copy(sp, "val_fraction", o, "val_fraction");
    }
    if (o.path("augmentation").isObject()) {
      copy(o.get("augmentation"), "erasing", o, "random_erasing");
    }
    o.remove("augmentation"); // derived from augment and random_erasing
    JsonNode mixing = o.remove("mixing"); // a manifest's record fields
    if (mixing != null && mixing.isObject() && (mixing.path("mixup_alpha").asDouble() > 0
        || mixing.path("cutmix_alpha").asDouble() > 0)) {
      copy(mixing, "mixup_alpha", o, "mixup");
      copy(mixing, "cutmix_alpha", o, "cutmix");
      copy(mixing, "probability", o, "mix_prob");
    }
    JsonNode distillation = o.remove("distillation");
    if (distillation != null && distillation.isObject() && distillation.path("teachers").size() > 0) {
      copy(distillation, "teachers", o, "teachers");
      copy(distillation, "weight", o, "distill_weight");
      copy(distillation, "temperature", o, "distill_temperature");
    }
    rename(o, "synthetic_count", "synthetic");
    rename(o, "restarts", "cosine_restarts");
    rename(o, "restart_factor", "restart_lr_factor");
    rename(o, "reduce_lr", "reduce_lr_on_plateau");
    for (String callback : new String[] {"early_stopping", "reduce_lr_on_plateau"}) {
      if (o.has(callback) && o.get(callback).isNull()) {
        o.remove(callback);
      }
    }
    for (String absent : new String[] {"swa_start", "swa_lr"}) {
      if (o.has(absent) && o.get(absent).isNull()) {
        o.remove(absent);
      }
    }
    return o;
  }

  private static void copy(JsonNode from, String key, ObjectNode to, String as) {
    if (from.has(key)) {
      to.set(as, from.get(key));
    }
  }

  private static void rename(ObjectNode o, String from, String to) {
    if (o.has(from)) {
      o.set(to, o.remove(from));
    }
  }

  /**
   * The options that give back {@code c} through {@link #toConfig}: a stored run's settings in
   * the terms of `fer train`'s flags, so a resumed run can start from them and take only the flags
   * the user gave again.
   */
  public static ObjectNode fromConfig(TrainConfig c) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("epochs", c.epochs()).put("batch_size", c.batchSize()).put("optimizer", c.optimizer().name())
        .put("lr", c.optimizer().learningRate()).put("momentum", c.optimizer().momentum())
        .put("nesterov", c.optimizer().nesterov()).put("l2", c.l2()).put("class_weight", c.classWeight())
        .put("augment", c.augment()).put("random_erasing", c.augmentation().erasing())
        .put("label_smoothing", c.labelSmoothing()).put("lr_schedule", c.lrSchedule())
        .put("warmup_epochs", c.warmupEpochs()).put("restart_lr_factor", c.restartFactor())
        .put("seed", c.seed()).put("split", c.split().mode()).put("test_fraction", c.split().testFraction())
        .put("val_fraction", c.split().valFraction()).put("synthetic", c.syntheticCount())
        .put("precision", c.precision());
    c.restarts().forEach(o.putArray("cosine_restarts")::add);
    if (c.mixing().active()) {
      o.put("mixup", c.mixing().mixupAlpha()).put("cutmix", c.mixing().cutmixAlpha())
          .put("mix_prob", c.mixing().probability());
    }
    if (c.distillation().active()) {
      c.distillation().teachers().forEach(o.putArray("teachers")::add);
      o.put("distill_weight", c.distillation().weight()).put("distill_temperature", c.distillation().temperature());
      if (!c.distillation().teacherViews().equals(Distillation.DEFAULT_VIEWS)) {
        o.put("teacher_tta", c.distillation().teacherViews()); // absent in runs from before the option
      }
    }
    if (c.stochasticDepth() > 0) {
      o.put("stochastic_depth", c.stochasticDepth());
    }
    if (c.initialWeights() != null) {
      o.put("initial_weights", c.initialWeights());
    }
    if (c.swaStart() != null) {
      o.put("swa_start", c.swaStart());
    }
    if (c.swaLr() != null) {
      o.put("swa_lr", c.swaLr());
    }
    EarlyStopping.Config es = c.earlyStopping();
    if (es != null) {
      ObjectNode e = o.putObject("early_stopping");
      e.put("monitor", es.monitor()).put("min_delta", es.minDelta()).put("patience", es.patience())
          .put("mode", es.mode()).put("restore_best_weights", es.restoreBestWeights())
          .put("start_from_epoch", es.startFromEpoch());
      if (es.baseline() != null) {
        e.put("baseline", es.baseline());
      }
    }
    ReduceLROnPlateau.Config r = c.reduceLr();
    if (r != null) {
      o.putObject("reduce_lr_on_plateau").put("monitor", r.monitor()).put("factor", r.factor())
          .put("patience", r.patience()).put("mode", r.mode()).put("min_delta", r.minDelta())
          .put("cooldown", r.cooldown()).put("min_lr", r.minLr());
    }
    return o;
  }

  /** Keras EarlyStopping arguments; null or false = off, true or "" = all Keras defaults. */
  public static EarlyStopping.Config earlyStopping(JsonNode value, String name) {
    JsonNode v = callbackArgs(value, name, ES_KEYS);
    if (v == null) {
      return null;
    }
    EarlyStopping.Config d = EarlyStopping.Config.defaults();
    String where = name + ": ";
    EarlyStopping.Config c = new EarlyStopping.Config(str(v, "monitor", d.monitor(), where),
        num(v, "min_delta", d.minDelta(), where), (int) nonNegative(v, "patience", d.patience(), where),
        str(v, "mode", d.mode(), where), v.hasNonNull("baseline") ? num(v, "baseline", 0, where) : null,
        bool(v, "restore_best_weights", d.restoreBestWeights(), where),
        (int) nonNegative(v, "start_from_epoch", d.startFromEpoch(), where));
    new EarlyStopping(c); // checks monitor and mode now, before any training
    return c;
  }

  /** Keras ReduceLROnPlateau arguments; null or false = off, true or "" = all Keras defaults. */
  public static ReduceLROnPlateau.Config reduceLr(JsonNode value, String name) {
    JsonNode v = callbackArgs(value, name, RLR_KEYS);
    if (v == null) {
      return null;
    }
    ReduceLROnPlateau.Config d = ReduceLROnPlateau.Config.defaults();
    String where = name + ": ";
    ReduceLROnPlateau.Config c = new ReduceLROnPlateau.Config(str(v, "monitor", d.monitor(), where),
        num(v, "factor", d.factor(), where), (int) nonNegative(v, "patience", d.patience(), where),
        str(v, "mode", d.mode(), where), num(v, "min_delta", d.minDelta(), where),
        (int) nonNegative(v, "cooldown", d.cooldown(), where), num(v, "min_lr", d.minLr(), where));
    new ReduceLROnPlateau(c);
    return c;
  }

  /** The arguments as an object: from an object, a boolean, or "key=value,..." text. */
  private static JsonNode callbackArgs(JsonNode v, String name, Set<String> allowed) {
    if (v == null || v.isNull() || (v.isBoolean() && !v.asBoolean())) {
      return null;
    }
    JsonNode args;
    if (v.isBoolean()) {
      args = Json.MAPPER.createObjectNode();
    } else if (v.isTextual()) {
      args = parseKeyValues(name, v.asText());
    } else if (v.isObject()) {
      args = v;
    } else {
      throw new SettingException(name + ": expected key=value pairs, an object, true or false, got " + v);
    }
    for (Iterator<String> it = args.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw new SettingException(name + ": unknown key '" + k + "' (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
    return args;
  }

  /** "patience=10,restore_best_weights=true" -> {"patience": 10, "restore_best_weights": true}. */
  static ObjectNode parseKeyValues(String name, String text) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    String t = text.trim();
    if (t.isEmpty() || t.equalsIgnoreCase("on") || t.equalsIgnoreCase("true")) {
      return o;
    }
    for (String part : t.split(",")) {
      String p = part.trim();
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new SettingException(name + ": expected key=value pairs separated by commas, got '" + p + "'");
      }
      String k = p.substring(0, eq).trim().toLowerCase(Locale.ROOT).replace('-', '_');
      String v = p.substring(eq + 1).trim();
      if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
        o.put(k, Boolean.parseBoolean(v));
      } else if (v.equalsIgnoreCase("none") || v.equalsIgnoreCase("null")) {
        o.putNull(k);
      } else {
        try {
          o.put(k, new java.math.BigDecimal(v));
        } catch (NumberFormatException e) {
          o.put(k, v);
        }
      }
    }
    return o;
  }

  private static void unknown(JsonNode o, Set<String> allowed, String where) {
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw new SettingException(where + ": unknown option '" + k + "'");
      }
    }
  }

  private static String str(JsonNode o, String k, String d) {
    return str(o, k, d, "");
  }

  private static String str(JsonNode o, String k, String d, String where) {
    JsonNode v = o.get(k);
    if (v == null || v.isNull()) {
      return d;
    }
    if (!v.isTextual()) {
      throw new SettingException(where + "`" + k + "` must be text, got " + v);
    }
    return v.asText();
  }

  private static double num(JsonNode o, String k, double d) {
    return num(o, k, d, "");
  }

  private static double num(JsonNode o, String k, double d, String where) {
    JsonNode v = o.get(k);
    if (v == null || v.isNull()) {
      return d;
    }
    if (!v.isNumber()) {
      throw new SettingException(where + "`" + k + "` must be a number, got " + v);
    }
    return v.asDouble();
  }

  private static long integer(JsonNode o, String k, long d) {
    JsonNode v = o.get(k);
    if (v == null || v.isNull()) {
      return d;
    }
    if (!v.isNumber() || v.asDouble() != Math.rint(v.asDouble())) {
      throw new SettingException("`" + k + "` must be an integer, got " + v);
    }
    return v.asLong();
  }

  /** An integer setting that a Java int holds: 1e12 epochs is refused, not wrapped to a negative count. */
  private static int int32(JsonNode o, String k, int d) {
    long v = integer(o, k, d);
    if (v != (int) v || o.get(k).isNumber() && Math.abs(o.get(k).asDouble()) > Integer.MAX_VALUE) {
      throw new SettingException("`" + k + "` must be an integer of at most " + Integer.MAX_VALUE + ", got " + o.get(k));
    }
    return (int) v;
  }

  /** A list of texts: a JSON array, or one text (comma-separated allowed). */
  private static List<String> strList(JsonNode o, String k) {
    JsonNode v = o.get(k);
    List<String> out = new ArrayList<>();
    for (JsonNode x : v.isArray() ? v : Json.MAPPER.createArrayNode().add(v)) {
      if (!x.isTextual()) {
        throw new SettingException("`" + k + "` must be a list of paths, got " + v);
      }
      for (String part : x.asText().split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    return out;
  }

  /** A list of whole numbers: a JSON array, or one number. */
  private static List<Integer> intList(JsonNode o, String k) {
    JsonNode v = o.get(k);
    if (v == null || v.isNull()) {
      return List.of();
    }
    List<Integer> out = new ArrayList<>();
    for (JsonNode x : v.isArray() ? v : Json.MAPPER.createArrayNode().add(v)) {
      if (!x.isNumber() || x.asDouble() != Math.rint(x.asDouble())) {
        throw new SettingException("`" + k + "` must be a list of whole epochs, got " + v);
      }
      out.add(x.asInt());
    }
    return out;
  }

  private static long nonNegative(JsonNode o, String k, long d, String where) {
    JsonNode v = o.get(k);
    if (v == null || v.isNull()) {
      return d;
    }
    if (!v.isNumber() || v.asDouble() != Math.rint(v.asDouble()) || v.asDouble() < 0) {
      throw new SettingException(where + k + " must be a non-negative integer, got '" + v.asText() + "'");
    }
    return v.asLong();
  }

  private static boolean bool(JsonNode o, String k, boolean d) {
    return bool(o, k, d, "");
  }

  private static boolean bool(JsonNode o, String k, boolean d, String where) {
    JsonNode v = o.get(k);
    if (v == null || v.isNull()) {
      return d;
    }
    if (!v.isBoolean()) {
      throw new SettingException(where + "`" + k + "` must be true or false, got " + v);
    }
    return v.asBoolean();
  }
}
