package org.fertk.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.fertk.FerException;
import org.fertk.util.Json;
import org.fertk.run.RunFolder;

/**
 * A resumed run must go on with the settings it was started with: a plan edited between two
 * sessions would otherwise continue a half-trained run under other settings and label the result
 * with the new ones. Only the epoch count may change (Keras's fit(initial_epoch=...) allows the
 * same), and the data path, which may be spelled differently from another working directory.
 * Changes that leave every finished epoch as it was are allowed too: warm restarts appended from
 * the epoch where the stored run ended (its last cosine cycle ended there), and weight averaging
 * (with or without its own rate) starting at or after that epoch. A finished run can so go on
 * with another cycle exactly as a run planned that way from the start.
 */
public final class ResumeCheck {
  private static final Set<String> MAY_CHANGE = Set.of("epochs", "data");

  private ResumeCheck() {}

  /** Throws a user error naming every changed setting; does nothing when none changed. */
  static void check(Path storedConfig, TrainConfig now) {
    if (!Files.isRegularFile(storedConfig)) {
      return;
    }
    List<String> changed = conflicts(TrainConfig.read(storedConfig), now);
    if (!changed.isEmpty()) {
      throw new FerException(storedConfig + ": this run was started with other settings ("
          + String.join("; ", changed) + "). Resume it with the settings it was started with, or train into "
          + "another folder (" + RULE + ")");
    }
  }

  /**
   * Throws a user error when the data's content differs from the data the run started on: the
   * path may differ (another working directory), the faces may not.
   */
  static void checkData(RunFolder run, TrainState state, PreparedData data) {
    if (state.dataSha256 == null) {
      state.dataSha256 = data.dataSha256(); // a checkpoint from before the hash was kept: start keeping it
      return;
    }
    if (!state.dataSha256.equals(data.dataSha256())) {
      throw new FerException(data.dataSource() + ": the data changed since run " + run.dir() + " started (sha256 "
          + state.dataSha256.substring(0, 12) + "... then, " + data.dataSha256().substring(0, 12) + "... now). "
          + "Resume it on the data it was started with, or train into another folder");
    }
  }

  /** What may differ between a run and its continuation, for messages. */
  public static final String RULE = "only epochs may change on resume, warm restarts may be added and weight "
      + "averaging may start from the epoch where the run ended";

  /**
   * "setting: old -> new" for every setting of now that would change an epoch already trained
   * under before; empty when now can continue before's checkpoint exactly.
   */
  public static List<String> conflicts(TrainConfig before, TrainConfig now) {
    // Both sides through the same serialiser, so fields missing from older files compare as defaults.
    ObjectNode a = before.toJson();
    ObjectNode b = now.toJson();
    if (appendsRestarts(before, now)) {
      a.remove("cosine_restarts");
      b.remove("cosine_restarts");
      if (before.restarts().isEmpty()) { // the factor never applied to the stored run's single cycle
        a.remove("restart_lr_factor");
        b.remove("restart_lr_factor");
      }
    }
    if (before.swaStart() == null && now.swaStart() != null && now.swaStart() >= before.epochs()) {
      for (String f : List.of("swa_start", "swa_lr")) { // averaging (and its rate) begins after the stored epochs
        a.remove(f);
        b.remove(f);
      }
    }
    return differences(a, b);
  }

  /**
   * The conflicts of a run meant to reproduce, from before's checkpoint, what it would train from
   * scratch: as {@link #conflicts}, and a cosine schedule may not be stretched over more epochs
   * (which a plain resume allows, as Keras does) because that changes the earlier epochs' rates.
   */
  public static List<String> exactContinuationConflicts(TrainConfig before, TrainConfig now) {
    List<String> out = new ArrayList<>(conflicts(before, now));
    if (before.lrSchedule().equals("cosine") && now.epochs() != before.epochs() && !appendsRestarts(before, now)) {
      out.add("epochs: " + before.epochs() + " -> " + now.epochs() + " stretches the cosine schedule of the "
          + "earlier epochs (start a new cycle there: cosine_restarts " + before.restarts().toString().replace("]", "")
          + (before.restarts().isEmpty() ? "" : ", ") + before.epochs() + ", ...])");
    }
    return out;
  }

  /**
   * True when now's restarts are the stored ones followed by restarts starting exactly at the
   * stored epoch count: the stored cycles keep their lengths, so no finished epoch's rate changes.
   */
  static boolean appendsRestarts(TrainConfig before, TrainConfig now) {
    List<Integer> old = before.restarts();
    List<Integer> longer = now.restarts();
    return longer.size() > old.size() && longer.subList(0, old.size()).equals(old)
        && longer.get(old.size()) == before.epochs();
  }

  /** "path: old -> new" for every leaf that differs, outside the settings that may change. */
  static List<String> differences(JsonNode before, JsonNode now) {
    List<String> out = new ArrayList<>();
    for (String name : fieldNames(before, now)) {
      if (!MAY_CHANGE.contains(name)) {
        diff(name, before.path(name), now.path(name), out);
      }
    }
    return out;
  }

  private static void diff(String path, JsonNode a, JsonNode b, List<String> out) {
    if (a.isObject() && b.isObject()) {
      for (String name : fieldNames(a, b)) {
        diff(path + "." + name, a.path(name), b.path(name), out);
      }
    } else if (!sameValue(a, b)) {
      out.add(path + ": " + text(a) + " -> " + text(b));
    }
  }

  /** The fields of either object, sorted, so the message lists them in a stable order. */
  private static Set<String> fieldNames(JsonNode a, JsonNode b) {
    Set<String> names = new TreeSet<>();
    a.fieldNames().forEachRemaining(names::add);
    b.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** Numbers compare by value, so 0 and 0.0 written by different versions are the same setting. */
  private static boolean sameValue(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }

  private static String text(JsonNode n) {
    return n.isMissingNode() ? "(absent)" : n.toString();
  }
}
