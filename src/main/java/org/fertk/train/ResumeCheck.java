package org.fertk.train;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.fertk.util.FerException;
import org.fertk.util.Json;

/**
 * A resumed run must go on with the settings it was started with: a plan edited between two
 * sessions would otherwise continue a half-trained run under other settings and label the result
 * with the new ones. Only the epoch count may change (Keras's fit(initial_epoch=...) allows the
 * same), and the data path, which may be spelled differently from another working directory.
 */
final class ResumeCheck {
  private static final Set<String> MAY_CHANGE = Set.of("epochs", "data");

  private ResumeCheck() {}

  /** Throws a user error naming every changed setting; does nothing when none changed. */
  static void check(Path storedConfig, TrainConfig now) {
    if (!Files.isRegularFile(storedConfig)) {
      return;
    }
    TrainConfig before;
    try {
      before = Json.MAPPER.readValue(Files.readString(storedConfig), TrainConfig.class);
    } catch (IOException e) {
      throw new FerException(storedConfig + ": unreadable (" + e.getMessage() + ")");
    }
    // Both sides through the same serialiser, so fields missing from older files compare as defaults.
    List<String> changed = differences(Json.MAPPER.valueToTree(before), Json.MAPPER.valueToTree(now));
    if (!changed.isEmpty()) {
      throw new FerException(storedConfig + ": this run was started with other settings ("
          + String.join("; ", changed) + "). Resume it with the settings it was started with, or train into "
          + "another folder (only epochs may change on resume)");
    }
  }

  /** "path: old -> new" for every leaf that differs, outside the settings that may change. */
  static List<String> differences(JsonNode before, JsonNode now) {
    List<String> out = new ArrayList<>();
    Set<String> names = new TreeSet<>();
    before.fieldNames().forEachRemaining(names::add);
    now.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      if (!MAY_CHANGE.contains(name)) {
        diff(name, before.path(name), now.path(name), out);
      }
    }
    return out;
  }

  private static void diff(String path, JsonNode a, JsonNode b, List<String> out) {
    if (a.isObject() && b.isObject()) {
      Set<String> names = new TreeSet<>();
      for (Iterator<String> it = a.fieldNames(); it.hasNext();) {
        names.add(it.next());
      }
      b.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        diff(path + "." + name, a.path(name), b.path(name), out);
      }
    } else if (!sameValue(a, b)) {
      out.add(path + ": " + text(a) + " -> " + text(b));
    }
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
